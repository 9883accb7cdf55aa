// Multi-resolution hash grid (docs/design.md §3.5, tiny-cuda-nn's arithmetic). Level l has a
// float32 scale and resolution res; a point's grid position is pos = fmaf(x, scale, 0.5)
// per axis, and its feature vector is the trilinear blend of the 8 corners of floor(pos)
// (corners not clamped). A corner's entry is c_x + c_y res + c_z res^2 on a dense level,
// (c_x * 1) ^ (c_y * 2654435761) ^ (c_z * 805459861) on a hashed one, both in uint32 and
// both mod the level's size. Tables of one NeRF: [sum size_l, F] (level, entry, feature);
// output L*F features, index l*F + f.
#pragma once
#include <cmath>
#include <cstdint>

#include "kernels/launch.h"

namespace ws {

constexpr int kMaxHashLevels = 32;

// The level table, passed by value to kernels (fits a CUDA kernel argument).
struct HashGridLevels {
  int levels = 0, features = 2;
  float scale[kMaxHashLevels];
  uint32_t res[kMaxHashLevels], size[kMaxHashLevels], offset[kMaxHashLevels];
  bool dense[kMaxHashLevels];
  int64_t entries = 0;  // sum of the sizes: one NeRF's table is [entries, features]
};

// The 8 corners of one level: entry within the level's table and trilinear weight.
struct HashCorners {
  uint32_t entry[8];
  float w[8];
};

WS_HD inline uint32_t hash_corner_entry(uint32_t cx, uint32_t cy, uint32_t cz, uint32_t res, uint32_t size,
                                        bool dense) {
  uint32_t i = dense ? cx + cy * res + cz * (res * res) : (cx * 1u) ^ (cy * 2654435761u) ^ (cz * 805459861u);
  return i % size;
}

// Corner k has bit d set when it takes floor(pos_d) + 1; its weight multiplies the axis
// weights in axis order, as tcnn does. Positions are clamped to +-2^24 before floor() so
// the integer conversion is defined for points far outside the box (padding samples).
WS_HD inline void hash_corners(const HashGridLevels& g, int l, const float* xyz, HashCorners& c) {
  uint32_t base[3];
  float frac[3];
  for (int d = 0; d < 3; ++d) {
    float pos = fmaf(xyz[d], g.scale[l], 0.5f);
    pos = pos > -16777216.0f ? pos : -16777216.0f;  // comparisons inline where fminf/fmaxf do not
    pos = pos < 16777216.0f ? pos : 16777216.0f;
    float fl = floorf(pos);
    base[d] = uint32_t(int32_t(fl));
    frac[d] = pos - fl;
  }
  for (int k = 0; k < 8; ++k) {
    float w = 1.0f;
    uint32_t cc[3];
    for (int d = 0; d < 3; ++d) {
      bool up = (k >> d) & 1;
      w *= up ? frac[d] : 1.0f - frac[d];
      cc[d] = base[d] + (up ? 1u : 0u);
    }
    c.w[k] = w;
    c.entry[k] = hash_corner_entry(cc[0], cc[1], cc[2], g.res[l], g.size[l], g.dense[l]);
  }
}

// Level l's F features of one point into out[0..F); table: one NeRF's [entries, F].
WS_HD inline void hash_level_features(const HashGridLevels& g, int l, const float* table, const float* xyz,
                                      float* out) {
  HashCorners c;
  hash_corners(g, l, xyz, c);
  const int F = g.features;
  const float* tl = table + int64_t(g.offset[l]) * F;
  for (int f = 0; f < F; ++f) {
    float acc = 0.0f;
    for (int k = 0; k < 8; ++k) acc = fmaf(c.w[k], tl[int64_t(c.entry[k]) * F + f], acc);
    out[f] = acc;
  }
}

// tables [B, table_stride] (each NeRF's [entries, F] at its start), x [B,S,3] -> L*F
// columns of B*S rows of `out`, `ld` floats apart.
void hash_grid_forward(const HashGridLevels& g, const float* tables, int64_t table_stride, const float* x, int64_t B,
                       int64_t S, float* out, int64_t ld, Device d);
// g_out: L*F columns of B*S rows, `ld` apart -> gtables (+)= the interpolation's transpose.
// CPU: one task per (NeRF, level), each over its samples in order (levels own disjoint
// table ranges): deterministic for any thread count. GPU: atomicAdd (hash targets).
void hash_grid_backward(const HashGridLevels& g, const float* x, const float* g_out, int64_t ld, int64_t B, int64_t S,
                        float* gtables, int64_t table_stride, bool accumulate, Device d);

#ifdef WS_CUDA
namespace cuda {
void hash_grid_forward(const HashGridLevels& g, const float* tables, int64_t table_stride, const float* x, int64_t B,
                       int64_t S, float* out, int64_t ld);
void hash_grid_backward(const HashGridLevels& g, const float* x, const float* g_out, int64_t ld, int64_t B, int64_t S,
                        float* gtables, int64_t table_stride, bool accumulate);
}  // namespace cuda
#endif

}  // namespace ws
