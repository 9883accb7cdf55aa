#include "data/dataset.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>

#include "data/camera.h"
#include "engine/io.h"
#include "engine/json.h"
#include "data/image.h"
#include "data/obj_loader.h"
#include "data/synth.h"
#include "core/error.h"
#include "core/hash.h"
#include "core/rng.h"

namespace ws {

namespace fs = std::filesystem;

namespace {
constexpr int kSynthVersion = 1;  // bump when generated objects change

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

std::string class_line(const std::string& cls, int total, int rendered, int skipped, int failed, double secs) {
  std::string s = str_cat(cls, ": ", total, " objects (", rendered, " rendered, ", skipped, " up to date");
  if (failed) s += str_cat(", ", failed, " failed");
  char t[32];
  std::snprintf(t, sizeof t, ") %.2f s", secs);
  return s + t;
}
}  // namespace

std::string object_dir(const std::string& root, const std::string& cls, const std::string& id) {
  return (fs::path(root) / "objects" / cls / id).string();
}

bool object_folder_complete(const std::string& dir) {
  fs::path tf = fs::path(dir) / "transforms_train.json";
  if (!fs::exists(tf)) return false;
  try {
    Transforms t = read_transforms(tf.string());
    if (t.frames.empty()) return false;
    for (const Frame& f : t.frames)
      if (!fs::exists(fs::path(dir) / (f.file_path + ".png"))) return false;
  } catch (const Error&) {
    return false;  // unreadable: render it again
  }
  return true;
}

namespace {
constexpr int kMaxImageSize = 8192;

// Checked before dataset.json is written: a run refused afterwards would leave a manifest
// that refuses the corrected rerun.
void check_image_options(const char* command, int size, const RasterOptions& raster) {
  WS_CHECK(size >= 1 && size <= kMaxImageSize, command, ": --size must be in [1, ", kMaxImageSize, "], got ", size);
  WS_CHECK(raster.supersample >= 1 && raster.supersample <= kMaxSupersample, command,
           ": --supersample must be in [1, ", kMaxSupersample, "], got ", raster.supersample);
}
}  // namespace

void render_object_folder(const Mesh& mesh, const std::string& dir, int size, const RasterOptions& opt) {
  WS_CHECK(size >= 1 && size <= kMaxImageSize, "render_object_folder: bad image size ", size);
  Transforms t = rig_transforms();
  fs::create_directories(fs::path(dir) / "train");
  std::string error;
  // Views in parallel (each rasterizer call then runs on its own thread). Exceptions
  // must not leave an OpenMP region: keep the first message and rethrow after.
#pragma omp parallel for schedule(dynamic, 1)
  for (int i = 0; i < int(t.frames.size()); ++i) {
    try {
      Image img = rasterize(mesh, make_camera(t.frames[i].transform_matrix, t.camera_angle_x, size, size), opt);
      save_png((fs::path(dir) / (t.frames[i].file_path + ".png")).lexically_normal().string(), img);
    } catch (const std::exception& e) {
#pragma omp critical(ws_render_error)
      if (error.empty()) error = e.what();
    }
  }
  WS_CHECK(error.empty(), error);
  write_transforms((fs::path(dir) / "transforms_train.json").string(), t);  // last: marks the folder complete
}

Splits make_splits(const std::vector<ObjectRef>& objects, int n_val, int n_test, uint64_t seed) {
  WS_CHECK(n_val >= 0 && n_test >= 0, "splits: --val and --test must be >= 0");
  std::vector<std::string> order;
  std::map<std::string, std::vector<ObjectRef>> by_class;
  for (const ObjectRef& o : objects) {
    if (!by_class.count(o.cls)) order.push_back(o.cls);
    by_class[o.cls].push_back(o);
  }
  Splits s;
  for (const std::string& cls : order) {
    const std::vector<ObjectRef>& all = by_class[cls];
    WS_CHECK(int(all.size()) >= n_val + n_test, "splits: class ", cls, " has ", all.size(),
             " objects, fewer than --val ", n_val, " + --test ", n_test);
    std::vector<int> perm(all.size());
    for (size_t i = 0; i < perm.size(); ++i) perm[i] = int(i);
    Rng rng(seed, fnv1a("splits/" + cls));
    rng.shuffle(perm);
    std::vector<char> role(all.size(), 0);  // 0 train, 1 val, 2 test
    for (int k = 0; k < n_val + n_test; ++k) role[perm[k]] = k < n_val ? 1 : 2;
    for (size_t i = 0; i < all.size(); ++i) (role[i] == 0 ? s.train : role[i] == 1 ? s.val : s.test).push_back(all[i]);
  }
  return s;
}

void write_splits(const std::string& root, const Splits& s) {
  auto write = [&](const char* name, const std::vector<ObjectRef>& v) {
    std::string text;
    for (const ObjectRef& o : v) text += o.key() + "\n";
    write_file_atomic((fs::path(root) / "splits" / name).string(), text);
  };
  write("train.txt", s.train);
  write("val.txt", s.val);
  write("test.txt", s.test);
}

Splits read_splits(const std::string& root) {
  auto read = [&](const char* name) {
    std::string path = (fs::path(root) / "splits" / name).string();
    std::string bytes = read_file(path);
    std::vector<ObjectRef> out;
    std::string line;
    int number = 0;
    auto flush = [&] {
      ++number;
      while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
      if (line.empty()) return;
      // Names become folder names and messages: control bytes (a NUL cut messages short) are
      // refused, and shown escaped.
      for (unsigned char c : line)
        if (c < 0x20 || c == 0x7f) {
          std::string shown;
          for (unsigned char d : line)
            shown += (d < 0x20 || d == 0x7f) ? str_cat("\\x", "0123456789abcdef"[d >> 4], "0123456789abcdef"[d & 15])
                                             : std::string(1, char(d));
          fail(str_cat(path, ":", number, ": control byte in '", shown, "' (expected class/id)"));
        }
      size_t slash = line.find('/');
      WS_CHECK(slash != std::string::npos && slash > 0 && slash + 1 < line.size(), path, ":", number,
               ": expected class/id, got '", line, "'");
      out.push_back({line.substr(0, slash), line.substr(slash + 1)});
      line.clear();
    };
    for (unsigned char c : bytes) {
      if (c == '\n') flush();
      else line += char(c);
    }
    flush();
    return out;
  };
  return {read("train.txt"), read("val.txt"), read("test.txt")};
}

void check_or_write_manifest(const std::string& root, const nlohmann::json& settings) {
  fs::path path = fs::path(root) / "dataset.json";
  if (fs::exists(path)) {
    std::string bytes = read_file(path.string());
    nlohmann::json old = parse_json(bytes, path.string());
    WS_CHECK(old == settings, root, " holds a dataset made with other settings (", json_excerpt(old),
             ") than asked for now (", settings.dump(), "); use another --out or the same settings");
    return;
  }
  write_file_atomic(path.string(), settings.dump(2) + "\n");
}

SynthDatasetOptions synth_options_from_preset(const Preset& p) {
  p.check_keys("data", {"per_class", "val", "test", "image_size", "seed", "classes"});
  SynthDatasetOptions so;
  so.per_class = p.get<int>("data", "per_class");
  so.n_val = p.get<int>("data", "val");
  so.n_test = p.get<int>("data", "test");
  so.size = p.get<int>("data", "image_size");
  so.seed = p.get_or<uint64_t>("data", "seed", 0);
  so.classes = p.get_or<std::vector<std::string>>("data", "classes", {});
  return so;
}

DatasetSummary make_synth_dataset(const SynthDatasetOptions& opt, const ProgressFn& progress) {
  WS_CHECK(opt.per_class >= 1, "synth: --per-class must be >= 1");
  std::vector<std::string> classes = opt.classes.empty() ? synth_class_names() : opt.classes;
  for (const std::string& c : classes) synth_class_index(c);  // validates the names up front
  check_image_options("synth", opt.size, opt.raster);
  std::vector<ObjectRef> objects;
  for (const std::string& c : classes)
    for (int i = 0; i < opt.per_class; ++i) {
      char id[16];
      std::snprintf(id, sizeof id, "%04d", i);
      objects.push_back({c, id});
    }
  Splits splits = make_splits(objects, opt.n_val, opt.n_test, opt.seed);  // checks counts before writing
  remove_stale_temporaries(opt.out);  // left by a killed run; they would otherwise stay forever
  check_or_write_manifest(opt.out, {{"format", "wsnerf.dataset/1"},
                                    {"source", "synth"},
                                    {"synth_version", kSynthVersion},
                                    {"seed", opt.seed},
                                    {"size", opt.size},
                                    {"supersample", opt.raster.supersample}});
  DatasetSummary sum;
  for (const std::string& c : classes) {
    auto t0 = std::chrono::steady_clock::now();
    int rendered = 0, skipped = 0;
    for (const ObjectRef& o : objects) {
      if (o.cls != c) continue;
      std::string dir = object_dir(opt.out, o.cls, o.id);
      if (object_folder_complete(dir)) {
        ++skipped;
        continue;
      }
      render_object_folder(synth_object(c, opt.seed, std::stoll(o.id)), dir, opt.size, opt.raster);
      ++rendered;
    }
    sum.rendered += rendered;
    sum.skipped += skipped;
    if (progress) progress(class_line(c, rendered + skipped, rendered, skipped, 0, seconds_since(t0)));
  }
  write_splits(opt.out, splits);
  return sum;
}

Mesh load_normalized_obj(const std::string& path, bool y_up) {
  Mesh m = load_obj(path);
  if (y_up) y_up_to_z_up(m);
  normalize_mesh(m);
  return m;
}

DatasetSummary make_mesh_dataset(const MeshDatasetOptions& opt, const ProgressFn& progress) {
  WS_CHECK(fs::is_directory(opt.meshes), opt.meshes, ": not a folder (expected ROOT/<class>/<id>/.../*.obj)");
  check_image_options("views", opt.size, opt.raster);
  WS_CHECK(opt.n_val >= 0 && opt.n_test >= 0, "views: --val and --test must be >= 0");
  remove_stale_temporaries(opt.out);
  check_or_write_manifest(opt.out, {{"format", "wsnerf.dataset/1"},
                                    {"source", "meshes"},
                                    {"y_up", opt.y_up},
                                    {"size", opt.size},
                                    {"supersample", opt.raster.supersample}});
  auto sorted_dirs = [](const fs::path& p) {
    std::vector<fs::path> v;
    for (const auto& e : fs::directory_iterator(p))
      if (e.is_directory()) v.push_back(e.path());
    std::sort(v.begin(), v.end());
    return v;
  };
  DatasetSummary sum;
  std::vector<ObjectRef> done;
  fs::path out_abs = fs::weakly_canonical(opt.out);
  for (const fs::path& class_dir : sorted_dirs(opt.meshes)) {
    // The output folder may sit inside the mesh tree: never read it as a class.
    fs::path rel = out_abs.lexically_relative(fs::weakly_canonical(class_dir));
    if (!rel.empty() && *rel.begin() != "..") continue;
    auto t0 = std::chrono::steady_clock::now();
    std::string cls = class_dir.filename().string();
    int rendered = 0, skipped = 0, failed = 0;
    for (const fs::path& obj_dir : sorted_dirs(class_dir)) {
      std::string id = obj_dir.filename().string();
      std::string dir = object_dir(opt.out, cls, id);
      if (object_folder_complete(dir)) {
        ++skipped;
        done.push_back({cls, id});
        continue;
      }
      std::vector<fs::path> objs;
      for (const auto& e : fs::recursive_directory_iterator(obj_dir))
        if (e.is_regular_file() && e.path().extension() == ".obj") objs.push_back(e.path());
      std::sort(objs.begin(), objs.end());
      try {
        WS_CHECK(!objs.empty(), obj_dir.string(), ": no .obj file");
        WS_CHECK(objs.size() == 1, obj_dir.string(), ": ", objs.size(), " .obj files, expected one");
        render_object_folder(load_normalized_obj(objs[0].string(), opt.y_up), dir, opt.size, opt.raster);
        ++rendered;
        done.push_back({cls, id});
      } catch (const Error& e) {
        ++failed;
        if (progress) progress(str_cat("skipped ", cls, "/", id, ": ", e.what()));
      }
    }
    sum.rendered += rendered;
    sum.skipped += skipped;
    sum.failed += failed;
    if (progress) progress(class_line(cls, rendered + skipped + failed, rendered, skipped, failed, seconds_since(t0)));
  }
  WS_CHECK(!done.empty(), opt.meshes, ": no object could be rendered");
  write_splits(opt.out, make_splits(done, opt.n_val, opt.n_test, opt.seed));
  return sum;
}

}  // namespace ws
