#include "data/synth.h"

#include <cmath>

#include "core/error.h"

namespace ws {

const std::vector<std::string>& synth_class_names() {
  static const std::vector<std::string> names = {"airplane", "bench",  "cabinet", "car",   "chair",
                                                 "display",  "lamp",   "speaker", "rifle", "sofa",
                                                 "table",    "phone",  "watercraft"};
  return names;
}

int synth_class_index(const std::string& name) {
  const auto& names = synth_class_names();
  for (size_t i = 0; i < names.size(); ++i)
    if (names[i] == name) return int(i);
  std::string all;
  for (const auto& n : names) all += (all.empty() ? "" : ", ") + n;
  fail(str_cat("unknown object class '", name, "' (classes: ", all, ")"));
}

namespace synth {
int Gen::colour() {
  // HSV with moderate saturation and value: colours stay distinguishable after shading.
  float h = u(0, 6), s = u(0.25f, 0.9f), v = u(0.35f, 0.95f);
  int i = int(h) % 6;
  float f = h - std::floor(h), p = v * (1 - s), q = v * (1 - s * f), t = v * (1 - s * (1 - f));
  Vec3 rgb = i == 0 ? Vec3(v, t, p) : i == 1 ? Vec3(q, v, p) : i == 2 ? Vec3(p, v, t)
           : i == 3 ? Vec3(p, q, v) : i == 4 ? Vec3(t, p, v) : Vec3(v, p, q);
  return b.material(rgb);
}
}  // namespace synth

Mesh synth_object(const std::string& cls, uint64_t seed, int64_t index) {
  int c = synth_class_index(cls);
  WS_CHECK(index >= 0 && index < (int64_t(1) << 32), "synth_object: bad object index ", index);
  // One random stream per (class, object): objects do not depend on how many others exist.
  Rng rng(seed, (uint64_t(c + 1) << 32) | uint64_t(index));
  Mesh mesh;
  MeshBuilder builder(mesh);
  synth::Gen gen{builder, rng};
  synth::class_builders()[size_t(c)](gen);
  check_mesh(mesh, "synth " + cls);
  normalize_mesh(mesh);
  return mesh;
}

}  // namespace ws
