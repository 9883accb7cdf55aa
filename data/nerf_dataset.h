// The NeRFs of a dataset (docs/design.md §9.3): nerfs/<ARCH>/<class>/<id>.safetensors beside
// objects/ and splits/. Listing them by split and architecture, and the training views
// (cameras) of an object.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "data/camera.h"

namespace ws {

struct NerfEntry {
  std::string object;  // "class/id"
  std::string cls;
  std::string arch;
  std::string split;   // "train", "val" or "test"
  std::string path;
};

std::string nerf_path(const std::string& nerfs_dir, const std::string& arch, const std::string& object);

// Every (object of `splits`, arch of `archs`) pair, in split then object then arch order.
// Missing files: an error naming the first one when `require_all`, else skipped.
// nerfs_dir defaults to DATA/nerfs. Files are only looked up (stat), never opened.
std::vector<NerfEntry> list_nerfs(const std::string& data_dir, const std::vector<std::string>& archs,
                                  const std::vector<std::string>& splits, bool require_all,
                                  const std::string& nerfs_dir = "");
// The same walk handing each entry to `visit` instead of keeping them (an index of a large
// dataset keeps less than a NerfEntry per file).
void for_each_nerf(const std::string& data_dir, const std::vector<std::string>& archs,
                   const std::vector<std::string>& splits, bool require_all, const std::string& nerfs_dir,
                   const std::function<void(const NerfEntry&)>& visit);

// Every NeRF file under a folder (recursively) or the given files; object, class and
// arch come from each file's metadata, split "" (unknown).
std::vector<NerfEntry> list_nerf_files(const std::vector<std::string>& files_or_dirs);

// The cameras of an object's views that NeRFs are fitted to: all 36 but every 6th
// (i % 6 == 0, held out), at the views' image size.
std::vector<PinholeCamera> training_cameras(const std::string& data_dir, const std::string& object);
bool is_heldout_view(int index);

}  // namespace ws
