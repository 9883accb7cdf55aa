// The store side of the CPU GEMM kernels (gemm_tall.cpp, gemm_amx.cpp): a row of 16
// fp32 outputs, and how it is written: scaled (alpha row + beta C) or through a
// RowEpilogue. One implementation, so the fp32 and the AMX kernels round alike.
#pragma once
#include <algorithm>
#include <cstdint>

#include "kernels/gemm_tall.h"

#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>
#define WS_GEMM_AVX2 1
#endif

namespace ws::gemm_detail {

constexpr int kCols = 16;  // outputs per tile row

// Eight float lanes: an AVX register, or a plain array where AVX2 is missing (the same
// operations lane by lane). The tiles below are written once over these.
#ifdef WS_GEMM_AVX2
using Lanes = __m256;
inline Lanes lanes_zero() { return _mm256_setzero_ps(); }
inline Lanes lanes_set1(float a) { return _mm256_set1_ps(a); }
inline Lanes lanes_load(const float* p) { return _mm256_loadu_ps(p); }
inline void lanes_store(float* p, Lanes v) { _mm256_storeu_ps(p, v); }
inline Lanes lanes_fma(Lanes a, Lanes b, Lanes c) { return _mm256_fmadd_ps(a, b, c); }
inline Lanes lanes_add(Lanes a, Lanes b) { return _mm256_add_ps(a, b); }
inline Lanes lanes_mul(Lanes a, Lanes b) { return _mm256_mul_ps(a, b); }
inline Lanes lanes_relu(Lanes a) { return _mm256_max_ps(a, _mm256_setzero_ps()); }
// Bit l set where lane l > 0.
inline unsigned lanes_positive(Lanes a) {
  return unsigned(_mm256_movemask_ps(_mm256_cmp_ps(a, _mm256_setzero_ps(), _CMP_GT_OQ)));
}
#else
struct Lanes {
  float v[8];
};
template <class F>
inline Lanes lanes_map(F f) {
  Lanes r;
  for (int l = 0; l < 8; ++l) r.v[l] = f(l);
  return r;
}
inline Lanes lanes_set1(float a) { return lanes_map([&](int) { return a; }); }
inline Lanes lanes_zero() { return lanes_set1(0.0f); }
inline Lanes lanes_load(const float* p) { return lanes_map([&](int l) { return p[l]; }); }
inline void lanes_store(float* p, Lanes v) { std::copy(v.v, v.v + 8, p); }
inline Lanes lanes_fma(Lanes a, Lanes b, Lanes c) { return lanes_map([&](int l) { return a.v[l] * b.v[l] + c.v[l]; }); }
inline Lanes lanes_add(Lanes a, Lanes b) { return lanes_map([&](int l) { return a.v[l] + b.v[l]; }); }
inline Lanes lanes_mul(Lanes a, Lanes b) { return lanes_map([&](int l) { return a.v[l] * b.v[l]; }); }
inline Lanes lanes_relu(Lanes a) { return lanes_map([&](int l) { return a.v[l] > 0.0f ? a.v[l] : 0.0f; }); }
inline unsigned lanes_positive(Lanes a) {
  unsigned m = 0;
  for (int l = 0; l < 8; ++l) m |= unsigned(a.v[l] > 0.0f) << l;
  return m;
}
#endif

// One row of a register tile: columns 0..7 and 8..15.
struct TileRow {
  Lanes lo, hi;
};

// Stores row i of a tile as C[i, 0..cols) = alpha row + beta C (no FMA: the rounding of
// the plain formula, in the full-width and the partial case alike).
struct ScaleStore {
  float alpha, beta;
  float* C;
  int64_t ldc;
  int cols;
  void operator()(int i, const TileRow& row) const {
    float* c = C + i * ldc;
    const Lanes va = lanes_set1(alpha), vb = lanes_set1(beta);
    Lanes v[2] = {lanes_mul(va, row.lo), lanes_mul(va, row.hi)};
    if (cols == kCols) {
      for (int h = 0; h < 2; ++h)
        lanes_store(c + 8 * h, beta == 0.0f ? v[h] : lanes_add(v[h], lanes_mul(vb, lanes_load(c + 8 * h))));
      return;
    }
    float t[kCols];
    lanes_store(t, v[0]);
    lanes_store(t + 8, v[1]);
    for (int j = 0; j < cols; ++j) c[j] = beta == 0.0f ? t[j] : t[j] + beta * c[j];
  }
};

// Stores row i of a tile as output row r0 + i, columns j .. j + cols - 1, through the
// epilogue (bias, gathered rows, residual, ReLU, ReLU bits).
struct EpilogueStore {
  const RowEpilogue& ep;
  int64_t r0, j, N;
  float* C;
  int64_t ldc;
  int cols;
  void operator()(int i, const TileRow& row) const {
    const int64_t r = r0 + i;
    const float* terms[4] = {ep.bias ? ep.bias + j : nullptr,
                             ep.table[0] ? ep.table[0] + int64_t(ep.idx[0][r]) * N + j : nullptr,
                             ep.table[1] ? ep.table[1] + int64_t(ep.idx[1][r]) * N + j : nullptr,
                             ep.residual ? ep.residual + r * ldc + j : nullptr};
    float* out = C + r * ldc + j;
    uint8_t* bits = ep.relu_bits ? ep.relu_bits + r * (N / 8) + j / 8 : nullptr;
    if (cols == kCols) {
      Lanes v[2] = {row.lo, row.hi};
      for (int h = 0; h < 2; ++h) {
        for (const float* t : terms)
          if (t) v[h] = lanes_add(v[h], lanes_load(t + 8 * h));
        if (ep.relu) v[h] = lanes_relu(v[h]);
        if (bits) bits[h] = uint8_t(lanes_positive(v[h]));
        lanes_store(out + 8 * h, v[h]);
      }
      return;
    }
    float v[kCols];
    lanes_store(v, row.lo);
    lanes_store(v + 8, row.hi);
    unsigned mask = 0;
    for (int c = 0; c < cols; ++c) {
      for (const float* t : terms)
        if (t) v[c] += t[c];
      if (ep.relu) v[c] = v[c] > 0.0f ? v[c] : 0.0f;
      mask |= unsigned(v[c] > 0.0f) << c;
      out[c] = v[c];
    }
    if (bits)
      for (int k = 0; k < cols / 8; ++k) bits[k] = uint8_t(mask >> (8 * k));
  }
};

// The gathered table rows the epilogue of rows r .. r + rows - 1 will add at column j,
// asked for before the tile's K loop so that loop hides their latency (the rows are
// scattered over tables of megabytes; measured: 138 -> 119 ms for a 375k x 64 x 64
// product with one randomly gathered table, no change when the gather is in order).
inline void prefetch_gathered(const RowEpilogue& ep, int64_t r, int rows, int64_t j, int64_t N) {
#ifdef WS_GEMM_AVX2
  for (int t = 0; t < 2; ++t)
    if (ep.table[t])
      for (int i = 0; i < rows; ++i)
        _mm_prefetch(reinterpret_cast<const char*>(ep.table[t] + int64_t(ep.idx[t][r + i]) * N + j), _MM_HINT_T0);
#else
  (void)ep, (void)r, (void)rows, (void)j, (void)N;
#endif
}

}  // namespace ws::gemm_detail
