#include "data/nerf_dataset.h"

#include <algorithm>
#include <filesystem>

#include "data/dataset.h"
#include "data/image.h"
#include "engine/json.h"
#include "engine/safetensors.h"

namespace fs = std::filesystem;

namespace ws {

std::string nerf_path(const std::string& nerfs_dir, const std::string& arch, const std::string& object) {
  return (fs::path(nerfs_dir) / arch / (object + ".safetensors")).string();
}

void for_each_nerf(const std::string& data_dir, const std::vector<std::string>& archs,
                   const std::vector<std::string>& splits, bool require_all, const std::string& nerfs_dir,
                   const std::function<void(const NerfEntry&)>& visit) {
  std::string nd = nerfs_dir.empty() ? (fs::path(data_dir) / "nerfs").string() : nerfs_dir;
  Splits s = read_splits(data_dir);
  for (const std::string& split : splits) {
    const std::vector<ObjectRef>* objs = split == "train" ? &s.train : split == "val" ? &s.val
                                       : split == "test" ? &s.test : nullptr;
    WS_CHECK(objs, "unknown split '", split, "' (train, val or test)");
    for (const ObjectRef& o : *objs)
      for (const std::string& a : archs) {
        NerfEntry e{o.key(), o.cls, a, split, nerf_path(nd, a, o.key())};
        if (!fs::exists(e.path)) {
          WS_CHECK(!require_all, "missing NeRF ", e.path, " (", a, " of ", e.object, ", ", split,
                   " split): run wsnerf fit first");
          continue;
        }
        visit(e);
      }
  }
}

std::vector<NerfEntry> list_nerfs(const std::string& data_dir, const std::vector<std::string>& archs,
                                  const std::vector<std::string>& splits, bool require_all,
                                  const std::string& nerfs_dir) {
  std::vector<NerfEntry> out;
  for_each_nerf(data_dir, archs, splits, require_all, nerfs_dir, [&](const NerfEntry& e) { out.push_back(e); });
  return out;
}

std::vector<NerfEntry> list_nerf_files(const std::vector<std::string>& files_or_dirs) {
  std::vector<std::string> files;
  for (const std::string& p : files_or_dirs) {
    WS_CHECK(fs::exists(p), "no such file or folder: ", p);
    if (fs::is_directory(p)) {
      for (const auto& e : fs::recursive_directory_iterator(p))
        if (e.is_regular_file() && e.path().extension() == ".safetensors") files.push_back(e.path().string());
    } else {
      files.push_back(p);
    }
  }
  std::sort(files.begin(), files.end());
  std::vector<NerfEntry> out;
  for (const std::string& f : files) {
    TensorFile t = load_safetensors(f);
    nlohmann::json arch = parse_json(t.meta("arch"), f + ": metadata 'arch'");
    WS_CHECK(arch.is_object(), f, ": metadata 'arch' is not a JSON object");
    std::string obj = t.metadata.count("object") ? t.metadata.at("object") : fs::path(f).stem().string();
    std::string cls = t.metadata.count("class") ? t.metadata.at("class") : "";
    if (obj.find('/') == std::string::npos && !cls.empty()) obj = cls + "/" + obj;
    out.push_back({obj, cls, arch.contains("name") ? json_field<std::string>(arch, "name", f + ": metadata 'arch'") : "custom", "", f});
  }
  return out;
}

bool is_heldout_view(int index) { return index % 6 == 0; }

std::vector<PinholeCamera> training_cameras(const std::string& data_dir, const std::string& object) {
  std::string dir = (fs::path(data_dir) / "objects" / object).string();
  Transforms t = read_transforms((fs::path(dir) / "transforms_train.json").string());
  WS_CHECK(!t.frames.empty(), dir, "/transforms_train.json has no frames");
  Image first = load_image((fs::path(dir) / (t.frames[0].file_path + ".png")).string());
  std::vector<PinholeCamera> cams;
  for (size_t i = 0; i < t.frames.size(); ++i)
    if (!is_heldout_view(int(i)))
      cams.push_back(make_camera(t.frames[i].transform_matrix, t.camera_angle_x, first.width, first.height));
  return cams;
}

}  // namespace ws
