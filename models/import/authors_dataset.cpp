#include "models/import/authors_dataset.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <set>

#include "core/error.h"
#include "data/camera.h"
#include "data/image.h"
#include "data/nerf_dataset.h"
#include "engine/io.h"
#include "engine/json.h"
#include "engine/progress.h"
#include "models/fit/object_views.h"
#include "models/import/authors_nerf.h"

namespace ws {

namespace fs = std::filesystem;

namespace {
const char* kFamilies[] = {"mlp", "triplane", "hash"};
const char* kSplitNames[] = {"train", "val", "test"};
constexpr const char* kMarker = "import.json";
constexpr const char* kMarkerFormat = "wsnerf.import/1";
constexpr int kMaxUnseenDepth = 6;  // S/<name>_unseen/<set>/[...]/<synset>/<id>

struct Synset {
  const char* id;
  const char* name;
};
const Synset kSynsets[] = {{"02691156", "airplane"}, {"02828884", "bench"},   {"02933112", "cabinet"},
                           {"02958343", "car"},      {"03001627", "chair"},   {"03211117", "display"},
                           {"03636649", "lamp"},     {"03691459", "speaker"}, {"04090263", "rifle"},
                           {"04256520", "sofa"},     {"04379243", "table"},   {"04401088", "phone"},
                           {"04530566", "watercraft"}};

// One object of the split lists and the folders that hold its NeRFs.
struct SourceObject {
  std::string synset, id, cls, split;
  std::vector<std::string> folders;  // relative to S: "mlp/<synset>/<id>", "hash_unseen/.../<synset>/<id>"
};

// S: ROOT/nerf/shapenet, or ROOT itself when it holds the split lists.
fs::path source_root(const std::string& from) {
  WS_CHECK(fs::is_directory(from), from, ": not a folder (expected the dataset root holding nerf/shapenet/)");
  for (const fs::path& s : {fs::path(from) / "nerf" / "shapenet", fs::path(from)})
    if (fs::is_regular_file(s / "train.txt")) return s;
  fail(str_cat(from, ": neither ", (fs::path(from) / "nerf/shapenet/train.txt").string(), " nor ",
               (fs::path(from) / "train.txt").string(), " exists (expected the dataset root or its nerf/shapenet folder)"));
}

bool selected(const AuthorsImportOptions& opt, const std::string& family) {
  return opt.families.empty() || std::find(opt.families.begin(), opt.families.end(), family) != opt.families.end();
}

// <synset>/<id> lines of one list; messages name the file and line.
std::vector<std::pair<std::string, std::string>> read_split_list(const fs::path& path) {
  const std::string bytes = read_file(path.string());
  std::vector<std::pair<std::string, std::string>> out;
  size_t start = 0;
  for (int number = 1; start < bytes.size(); ++number) {
    size_t end = bytes.find('\n', start);
    if (end == std::string::npos) end = bytes.size();
    std::string line = bytes.substr(start, end - start);
    start = end + 1;
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    if (line.empty()) continue;
    // Names become folder names and messages: control bytes are refused and shown escaped.
    bool plain = true;
    std::string shown;
    for (unsigned char c : line) {
      const bool ok = c > 0x20 && c != 0x7f && c != '\\';
      plain = plain && ok;
      shown += ok ? std::string(1, char(c)) : str_cat("\\x", "0123456789abcdef"[c >> 4], "0123456789abcdef"[c & 15]);
    }
    const size_t slash = line.find('/');
    WS_CHECK(plain && slash != std::string::npos && slash > 0 && slash + 1 < line.size() &&
                 line.find('/', slash + 1) == std::string::npos && line.find("..") == std::string::npos,
             path.string(), ":", number, ": expected <synset>/<id>, got '", shown, "'");
    out.emplace_back(line.substr(0, slash), line.substr(slash + 1));
  }
  return out;
}

// Whether `dir` is a NeRF's folder: it holds nerf_weights.pth. Something else by that name
// (a folder, a device, a dangling link) is an error naming it, not a folder to pass over.
bool holds_weights(const fs::path& dir) {
  const fs::path w = dir / "nerf_weights.pth";
  std::error_code ec;
  const fs::file_status st = fs::symlink_status(w, ec);
  if (ec || !fs::exists(st)) return false;
  WS_CHECK(fs::is_regular_file(w, ec), w.string(), ": not a regular file (expected the NeRF's weights, a torch.save file)");
  return true;
}

// "<synset>/<id>" -> folders (relative to S) of the extracted unseen sets holding that NeRF.
std::map<std::string, std::vector<std::string>> index_unseen(const fs::path& s, const ProgressFn& progress) {
  std::map<std::string, std::vector<std::string>> index;
  std::vector<fs::path> sets;
  for (const auto& e : fs::directory_iterator(s)) {
    const std::string name = e.path().filename().string();
    if (e.is_directory() && name.size() > 7 && name.compare(name.size() - 7, 7, "_unseen") == 0) sets.push_back(e.path());
  }
  std::sort(sets.begin(), sets.end());
  for (const fs::path& set : sets) {
    for (auto it = fs::recursive_directory_iterator(set, fs::directory_options::skip_permission_denied);
         it != fs::recursive_directory_iterator(); ++it) {
      if (it.depth() > kMaxUnseenDepth) it.disable_recursion_pending();
      if (it->is_regular_file() && it->path().extension() == ".tar" && progress)
        progress(str_cat("note: ", it->path().string(), " is not extracted (tar xf it where it is to import it)"));
      if (!it->is_directory() || !holds_weights(it->path())) continue;
      const fs::path dir = it->path();
      index[dir.parent_path().filename().string() + "/" + dir.filename().string()].push_back(
          dir.lexically_relative(s).generic_string());
      it.disable_recursion_pending();
    }
  }
  for (auto& kv : index) std::sort(kv.second.begin(), kv.second.end());
  return index;
}

// The objects of the three lists (at most opt.limit per class in each), with their folders.
std::vector<SourceObject> list_objects(const fs::path& s, const AuthorsImportOptions& opt, int& not_found,
                                       const ProgressFn& progress) {
  std::map<std::string, std::vector<std::string>> unseen;
  if (selected(opt, "unseen")) unseen = index_unseen(s, progress);
  std::vector<SourceObject> out;
  std::map<std::string, std::string> seen;  // "<synset>/<id>" -> its list
  for (const char* split : kSplitNames) {
    const fs::path list = s / (std::string(split) + ".txt");
    std::map<std::string, int> per_class;
    for (const auto& [synset, id] : read_split_list(list)) {
      const std::string key = synset + "/" + id;
      const std::string cls = synset_class(synset);
      WS_CHECK(!cls.empty(), list.string(), ": '", key, "': ", synset, " is not a synset of the 13 classes");
      WS_CHECK(!seen.count(key), list.string(), ": '", key, "' is also in ", seen[key], ".txt");
      seen[key] = split;
      if (opt.limit > 0 && per_class[cls] >= opt.limit) continue;
      SourceObject o{synset, id, cls, split, {}};
      for (const char* fam : kFamilies)
        if (selected(opt, fam) && holds_weights(s / fam / synset / id))
          o.folders.push_back(std::string(fam) + "/" + key);
      if (unseen.count(key)) o.folders.insert(o.folders.end(), unseen[key].begin(), unseen[key].end());
      if (o.folders.empty()) {
        ++not_found;
        continue;
      }
      ++per_class[cls];
      out.push_back(std::move(o));
    }
  }
  return out;
}

// import.json: source folder -> the architecture its NeRF was written as.
std::map<std::string, std::string> read_marker(const fs::path& path) {
  try {
    if (!fs::exists(path)) return {};
    const nlohmann::json j = parse_json(read_file(path.string()), path.string());
    if (json_field<std::string>(j, "format", path.string()) != kMarkerFormat) return {};
    return json_field<std::map<std::string, std::string>>(j, "sources", path.string());
  } catch (const Error&) {
    return {};  // unreadable: import the object again
  }
}

// The first of the object's folders with a transforms file -> DATA/objects/<class>/<id>/.
// Views are renamed train/NN.png (PNG bytes copied as they are, other formats re-encoded)
// and transforms_train.json is written last, marking the folder complete.
void copy_views(const fs::path& s, const SourceObject& o, const fs::path& dst) {
  fs::path src, transforms;
  for (const std::string& f : o.folders)
    for (const char* name : {"transforms_train.json", "transforms_train_compressed.json"})
      if (transforms.empty() && fs::is_regular_file(s / f / name)) src = s / f, transforms = s / f / name;
  WS_CHECK(!transforms.empty(), (s / o.folders[0]).string(), ": no transforms_train.json or ",
           "transforms_train_compressed.json in any folder of ", o.synset, "/", o.id);
  const Transforms t = read_transforms(transforms.string());
  WS_CHECK(!t.frames.empty(), transforms.string(), ": no frames");
  const int digits = t.frames.size() > 100 ? int(std::to_string(t.frames.size() - 1).size()) : 2;
  Transforms ours;
  ours.camera_angle_x = t.camera_angle_x;
  int width = 0, height = 0;
  for (size_t i = 0; i < t.frames.size(); ++i) {
    const std::string image = view_image_path(src.string(), t.frames[i].file_path);
    const std::string bytes = read_file(image);
    const Image img = decode_image(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), image);
    if (i == 0) width = img.width, height = img.height;
    WS_CHECK(img.width == width && img.height == height, image, ": ", img.width, "x", img.height,
             " px, but the object's first view is ", width, "x", height);
    char name[32];
    std::snprintf(name, sizeof name, "%0*zu", digits, i);
    const fs::path out = dst / "train" / (std::string(name) + ".png");
    if (bytes.compare(0, 8, "\x89PNG\r\n\x1a\n") == 0)
      write_file_atomic(out.string(), bytes);
    else
      save_png(out.string(), img);
    ours.frames.push_back({std::string("./train/") + name, t.frames[i].transform_matrix});
  }
  write_transforms((dst / "transforms_train.json").string(), ours);
}

struct ObjectResult {
  int written = 0, up_to_date = 0;
  bool views_copied = false;
};

ObjectResult import_object(const fs::path& s, const SourceObject& o, const AuthorsImportOptions& opt) {
  ObjectResult r;
  const fs::path obj_dir = object_dir(opt.out, o.cls, o.id);
  const fs::path marker_path = obj_dir / kMarker;
  const std::map<std::string, std::string> done = read_marker(marker_path);
  const std::string nerfs_dir = (fs::path(opt.out) / "nerfs").string();
  const std::string object = o.cls + "/" + o.id;
  // folder -> arch, as the marker records them: what earlier runs wrote (with other
  // --families, say) stays recorded while its file is there.
  std::map<std::string, std::string> sources, arch_folder;  // and arch -> folder
  for (const auto& [folder, arch] : done)
    if (fs::exists(nerf_path(nerfs_dir, arch, object))) sources[folder] = arch, arch_folder[arch] = folder;
  for (const std::string& f : o.folders) {
    if (sources.count(f)) {
      ++r.up_to_date;
    } else {
      const fs::path dir = s / f;
      if (!fs::exists(dir / "grid.pth") && fs::exists(dir / "grid.pth.gz"))
        fail(str_cat((dir / "grid.pth.gz").string(), ": a gzip-compressed grid (older nf2vec data); decompress it ",
                     "first (gunzip -k)"));
      NerfFile n = import_authors_nerf((dir / "nerf_weights.pth").string(), (dir / "grid.pth").string(), opt.archs);
      const std::string arch = n.arch.name;
      WS_CHECK(!arch_folder.count(arch), (dir / "nerf_weights.pth").string(), ": identified as ", arch, ", as ",
               arch_folder[arch], " was: an object has one NeRF per architecture");
      n.object = o.id;
      n.cls = o.cls;
      n.stats["source"] = f;
      save_nerf(nerf_path(nerfs_dir, arch, object), n);
      ++r.written;
      arch_folder[arch] = f;
      sources[f] = arch;
    }
  }
  if (!object_folder_complete(obj_dir.string())) {
    copy_views(s, o, obj_dir);
    r.views_copied = true;
  }
  if (sources != done || r.views_copied) {
    nlohmann::json j = {{"format", kMarkerFormat}, {"sources", sources}};
    write_file_atomic(marker_path.string(), j.dump(2) + "\n");
  }
  return r;
}
}  // namespace

std::string synset_class(const std::string& synset) {
  for (const Synset& s : kSynsets)
    if (synset == s.id) return s.name;
  return "";
}

AuthorsImportSummary import_authors_dataset(const AuthorsImportOptions& opt, const ProgressFn& progress) {
  for (const std::string& f : opt.families)
    WS_CHECK(f == "mlp" || f == "triplane" || f == "hash" || f == "unseen", "import: unknown family '", f,
             "' (expected mlp, triplane, hash or unseen)");
  WS_CHECK(opt.limit >= 0, "import: --limit must be >= 0");
  WS_CHECK(!opt.out.empty(), "import: no output folder");
  const fs::path s = source_root(opt.from);
  AuthorsImportSummary sum;
  const std::vector<SourceObject> objects = list_objects(s, opt, sum.not_found, progress);
  WS_CHECK(!objects.empty(), s.string(), ": none of the listed objects has a NeRF folder in ",
           opt.families.empty() ? std::string("mlp/, triplane/, hash/ or *_unseen/") : "the chosen families",
           " (", sum.not_found, " listed)");
  remove_stale_temporaries(opt.out);
  // Another kind of dataset in --out is refused before anything is written; a new folder's
  // manifest is written after the objects, so an import that fails on its first object
  // leaves nothing behind (objects already imported stay: a rerun resumes).
  const nlohmann::json manifest = {{"format", "wsnerf.dataset/1"}, {"source", "authors"}};
  if (fs::exists(fs::path(opt.out) / "dataset.json")) check_or_write_manifest(opt.out, manifest);

  Splits splits;
  Progress bar(int64_t(objects.size()), "import");
  for (size_t i = 0; i < objects.size(); ++i) {
    const SourceObject& o = objects[i];
    try {
      const ObjectResult r = import_object(s, o, opt);
      sum.nerfs_written += r.written;
      sum.nerfs_up_to_date += r.up_to_date;
      sum.views_copied += r.views_copied;
    } catch (const Error& e) {
      if (!opt.keep_going) throw;
      ++sum.failed;
      if (progress) progress(str_cat("left out ", o.synset, "/", o.id, ": ", e.what()));
      continue;
    }
    const std::string split = o.split;
    (split == "train" ? splits.train : split == "val" ? splits.val : splits.test).push_back({o.cls, o.id});
    ++sum.objects;
    for (const auto& kv : read_marker(fs::path(object_dir(opt.out, o.cls, o.id)) / kMarker))
      ++sum.nerfs_per_arch[kv.second];
    if (bar.due()) bar.update(int64_t(i + 1), str_cat(sum.nerfs_written, " NeRFs written"));
  }
  bar.finish(str_cat(sum.nerfs_written, " NeRFs written"));
  check_or_write_manifest(opt.out, manifest);
  write_splits(opt.out, splits);
  return sum;
}

}  // namespace ws
