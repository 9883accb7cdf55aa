#include "tests/pipeline_testing.h"

#include <filesystem>
#include <map>

#include "data/dataset.h"
#include "data/nerf_dataset.h"
#include "models/nerf/nerf_file.h"
#include "models/nerf/occupancy_bits.h"
#include "tests/testing.h"

namespace ws::test {

std::string random_nerf_dataset(const std::vector<std::string>& classes, int per_class,
                                const std::vector<std::string>& archs) {
  static std::map<std::string, std::string> made;
  std::string key = str_cat(per_class);
  for (const auto& c : classes) key += "," + c;
  for (const auto& a : archs) key += "," + a;
  if (made.count(key)) return made[key];
  std::string root = temp_path(str_cat("pipeline_", made.size()));
  SynthDatasetOptions opt;
  opt.out = root;
  opt.per_class = per_class;
  opt.size = 16;
  opt.classes = classes;
  make_synth_dataset(opt);
  Splits s = read_splits(root);
  std::vector<ObjectRef> all = s.train;
  all.insert(all.end(), s.val.begin(), s.val.end());
  all.insert(all.end(), s.test.begin(), s.test.end());
  const int res = 16;
  for (const std::string& a : archs) {
    ArchSpec arch = find_arch(a);
    for (size_t i = 0; i < all.size(); ++i) {
      FieldBatch f = init_field_batch(arch, 1, 1000 + i, Device::cpu());
      NerfFile n;
      store_field(f, 0, n);
      n.occupancy_res = res;
      n.occupancy = Tensor::from(std::vector<uint8_t>(size_t(occupancy_bytes(res)), 0xff), {occupancy_bytes(res)});
      n.render_step = 0.05f;
      n.object = all[i].key();
      n.cls = all[i].cls;
      save_nerf(nerf_path((std::filesystem::path(root) / "nerfs").string(), a, all[i].key()), n);
    }
  }
  return made[key] = root;
}

}  // namespace ws::test
