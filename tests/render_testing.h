// Helpers shared by the renderer tests: random rays around the scene box and synthetic
// occupancy grids.
#pragma once
#include <cmath>
#include <vector>

#include "core/rng.h"
#include "engine/tensor.h"
#include "models/nerf/occupancy_bits.h"

namespace ws::test {

struct TestRays {
  std::vector<float> origins, dirs;  // [R,3] each
  std::vector<int32_t> nerf;         // [R]
  int64_t n() const { return int64_t(nerf.size()); }
  Tensor origins_t(Device d = Device::cpu()) const { return Tensor::from(origins, {n(), 3}, d); }
  Tensor dirs_t(Device d = Device::cpu()) const { return Tensor::from(dirs, {n(), 3}, d); }
  Tensor nerf_t(Device d = Device::cpu()) const { return Tensor::from(nerf, {n()}, d); }
};

// per_nerf[b] rays for NeRF b: mostly from a sphere of radius 2 aimed at points inside the
// box, some starting inside the box, some aimed anywhere (many miss).
inline TestRays random_rays(const std::vector<int>& per_nerf, uint64_t seed) {
  TestRays r;
  Rng rng(seed);
  for (size_t b = 0; b < per_nerf.size(); ++b)
    for (int i = 0; i < per_nerf[b]; ++i) {
      float o[3], target[3], d[3];
      int kind = int(rng.below(8));
      float radius = kind == 0 ? rng.uniform(0.0f, 0.6f) : 2.0f;
      float z = rng.uniform(-1, 1), phi = rng.uniform(0, 6.2831853f), s = std::sqrt(1 - z * z);
      o[0] = radius * s * std::cos(phi);
      o[1] = radius * s * std::sin(phi);
      o[2] = radius * z;
      float spread = kind == 1 ? 3.0f : 0.5f;
      for (int a = 0; a < 3; ++a) target[a] = rng.uniform(-spread, spread);
      float len = 0;
      for (int a = 0; a < 3; ++a) {
        d[a] = target[a] - o[a];
        len += d[a] * d[a];
      }
      len = std::sqrt(len);
      for (int a = 0; a < 3; ++a) {
        r.origins.push_back(o[a]);
        r.dirs.push_back(d[a] / len);
      }
      r.nerf.push_back(int32_t(b));
    }
  return r;
}

// Bits of a res^3 grid: a cell is set where keep(x, y, z) holds at its centre (unit box).
template <class F>
std::vector<uint8_t> grid_bits(int res, F keep) {
  std::vector<uint8_t> flags(size_t(res) * res * res);
  for (int i = 0; i < res; ++i)
    for (int j = 0; j < res; ++j)
      for (int k = 0; k < res; ++k)
        flags[(size_t(i) * res + j) * res + k] = keep((i + 0.5f) / res, (j + 0.5f) / res, (k + 0.5f) / res);
  return pack_occupancy(flags);
}

// Concatenated grids of several NeRFs: U8 [B, bytes].
inline Tensor stack_bits(const std::vector<std::vector<uint8_t>>& grids, Device d = Device::cpu()) {
  std::vector<uint8_t> all;
  for (const auto& g : grids) all.insert(all.end(), g.begin(), g.end());
  return Tensor::from(all, {int64_t(grids.size()), int64_t(grids[0].size())}, d);
}

}  // namespace ws::test
