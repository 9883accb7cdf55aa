// Procedural stand-in for ShapenetRender: 13 classes of objects, each a parametric
// assembly of coloured primitives with random proportions, part counts and colours
// (colours drawn per part, never per class, so only shape tells the class). The same
// (seed, class, index) gives the same mesh on any machine: all randomness comes from
// the counter-based Rng, never from std:: distributions.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "data/mesh.h"
#include "data/primitives.h"
#include "core/rng.h"

namespace ws {

// The 13 ShapenetRender classes, in the order of docs/design.md §9.1.
const std::vector<std::string>& synth_class_names();
int synth_class_index(const std::string& name);  // throws listing the valid names

// Object `index` of class `cls` for dataset seed `seed`: built z-up, then normalised
// (normalize_mesh: bounding-box centre at the origin, farthest vertex at radius 0.7).
Mesh synth_object(const std::string& cls, uint64_t seed, int64_t index);

namespace synth {
// Random choices while building one object.
struct Gen {
  MeshBuilder& b;
  Rng& rng;
  float u(float lo, float hi) { return rng.uniform(lo, hi); }
  bool chance(float p) { return rng.uniform() < p; }
  int pick(int lo, int hi) { return lo + int(rng.below(hi - lo + 1)); }  // inclusive
  int colour();  // a new material with a random colour
};
using Builder = void (*)(Gen&);
// The per-class builders (synth_classes.cpp), in synth_class_names() order.
const std::vector<Builder>& class_builders();
}  // namespace synth

}  // namespace ws
