// Naive per-sample NeRF field evaluation for the tests: plain loops in double, written
// from docs/design.md §3 without the kernels' helpers, so they check the kernels' arithmetic.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "models/nerf/arch.h"

namespace ws::test {

// Feature (k, s) of coordinate x from its float-defined argument (host float arithmetic
// is not contracted: -ffp-contract=off), with libm's long-double sine.
inline double ref_freq(float x, int k, int s) {
  float a = x * std::ldexp(1.0f, k);
  float arg = a * float(M_PI);
  if (s) arg = arg + float(M_PI / 2);
  return double(sinl((long double)arg));
}

// Bilinear, aligned corners, zero outside; planes [3,R,R,C] of one NeRF; p in unit box.
inline std::vector<double> ref_triplane(const float* planes, const float* p, int R, int C) {
  std::vector<double> out(size_t(C), 0.0);
  const int axes[3][2] = {{0, 1}, {0, 2}, {1, 2}};  // (col, row) coordinates of each plane
  for (int pl = 0; pl < 3; ++pl) {
    double ix = (2.0 * p[axes[pl][0]] - 1.0 + 1.0) / 2.0 * (R - 1);
    double iy = (2.0 * p[axes[pl][1]] - 1.0 + 1.0) / 2.0 * (R - 1);
    double x0 = std::floor(ix), y0 = std::floor(iy);
    for (int dy = 0; dy < 2; ++dy)
      for (int dx = 0; dx < 2; ++dx) {
        double cx = x0 + dx, cy = y0 + dy;
        if (cx < 0 || cy < 0 || cx > R - 1 || cy > R - 1) continue;
        double w = (dx ? ix - x0 : 1.0 - (ix - x0)) * (dy ? iy - y0 : 1.0 - (iy - y0));
        const float* v = planes + ((int64_t(pl) * R + int64_t(cy)) * R + int64_t(cx)) * C;
        for (int c = 0; c < C; ++c) out[size_t(c)] += w * v[c];
      }
  }
  return out;
}

// A corner's entry in its level: dense c_x + c_y res + c_z res^2, or tcnn's prime hash.
inline uint32_t ref_hash_entry(uint32_t cx, uint32_t cy, uint32_t cz, const ArchSpec::HashLevel& lv) {
  uint32_t i = lv.dense ? cx + cy * lv.res + cz * lv.res * lv.res : cx ^ (cy * 2654435761u) ^ (cz * 805459861u);
  return i % lv.size;
}

// Trilinear over the 8 corners of floor(x scale + 0.5); tables [sum size_l, F] of one NeRF.
inline std::vector<double> ref_hash(const ArchSpec& a, const float* tables, const float* p) {
  const int F = a.hash_features;
  std::vector<ArchSpec::HashLevel> levels = a.hash_level_table();
  std::vector<double> out(levels.size() * size_t(F), 0.0);
  for (size_t l = 0; l < levels.size(); ++l) {
    double pos[3], base[3];
    for (int d = 0; d < 3; ++d) {  // clamped to +-2^24 as the kernel does (only far-away points move)
      pos[d] = std::min(std::max(double(p[d]) * double(levels[l].scale) + 0.5, -16777216.0), 16777216.0);
      base[d] = std::floor(pos[d]);
    }
    for (int k = 0; k < 8; ++k) {
      double w = 1;
      uint32_t c[3];
      for (int d = 0; d < 3; ++d) {
        int up = (k >> d) & 1;
        w *= up ? pos[d] - base[d] : 1.0 - (pos[d] - base[d]);
        c[d] = uint32_t(int32_t(base[d]) + up);
      }
      uint32_t e = levels[l].offset + ref_hash_entry(c[0], c[1], c[2], levels[l]);
      for (int f = 0; f < F; ++f) out[l * size_t(F) + size_t(f)] += w * tables[int64_t(e) * F + f];
    }
  }
  return out;
}

// The padded MLP input of one point.
inline std::vector<double> ref_field_input(const ArchSpec& a, const float* enc, const float* p) {
  std::vector<double> in;
  const int bands = a.family == Family::Hash ? 0 : a.freq_bands;
  for (int d = 0; d < 3; ++d)
    for (int k = 0; k < bands; ++k)
      for (int s = 0; s < 2; ++s) in.push_back(ref_freq(p[d], k, s));
  if (a.family == Family::Tri) {
    std::vector<double> t = ref_triplane(enc, p, a.tri_res, a.tri_channels);
    in.insert(in.end(), t.begin(), t.end());
  }
  if (a.family == Family::Hash) {
    std::vector<double> h = ref_hash(a, enc, p);
    in.insert(in.end(), h.begin(), h.end());
  }
  in.resize(size_t(a.mlp_input_dim()), 1.0);
  return in;
}

// Bias-free MLP, weights (out,in) row-major per layer; hidden sin or ReLU, linear output.
inline std::vector<double> ref_mlp(std::vector<double> h, const float* w, const std::vector<int>& widths, bool sine) {
  for (size_t k = 0; k + 1 < widths.size(); ++k) {
    std::vector<double> z(size_t(widths[k + 1]), 0.0);
    for (int o = 0; o < widths[k + 1]; ++o)
      for (int i = 0; i < widths[k]; ++i) z[size_t(o)] += double(w[int64_t(o) * widths[k] + i]) * h[size_t(i)];
    w += int64_t(widths[k]) * widths[k + 1];
    if (k + 2 < widths.size())
      for (double& v : z) v = sine ? std::sin(v) : std::max(v, 0.0);
    h = z;
  }
  return h;
}

// (rgb, sigma) of one point: the heads of docs/design.md §3.1.
inline std::vector<double> ref_field(const ArchSpec& a, const float* mlp, const float* enc, const float* p) {
  std::vector<double> o = ref_mlp(ref_field_input(a, enc, p), mlp, a.layer_widths(), a.family == Family::Tri);
  std::vector<double> r(4);
  for (int c = 0; c < 3; ++c) r[size_t(c)] = 1.0 / (1.0 + std::exp(-o[size_t(c)]));
  bool inside = true;
  for (int d = 0; d < 3; ++d) inside = inside && p[d] > 0.0f && p[d] < 1.0f;
  r[3] = inside ? std::exp(o[3] - 1.0) : 0.0;
  return r;
}

}  // namespace ws::test
