// Per-(segment, column block) math of kernels/segment.h, shared by the CPU launcher
// (whole rows, kColChunk-wide blocks) and the CUDA one (one column per thread).
#pragma once
#include "kernels/segment.h"

namespace ws {

WS_HD inline int64_t segment_row(const int32_t* perm, int64_t e) { return perm ? int64_t(perm[e]) : e; }
WS_HD inline float segment_scale(bool mean, int64_t count) {
  return !mean ? 1.0f : count > 0 ? 1.0f / float(count) : 0.0f;
}
WS_HD inline void store_or_add(float* p, float v, bool acc) { *p = acc ? *p + v : v; }

// Rows read through perm are scattered: on the CPU, ask for a row a few steps ahead so
// its cache lines arrive while the current one is summed (no-op on the GPU).
// (4-8 rows ahead measured ~3x faster than none for [375k, 32..128] through a random perm.)
constexpr int64_t kPrefetchRows = 8;
template <bool kForWrite = false>
WS_HD inline void prefetch_row(const float* p, int64_t n) {
#ifndef __CUDA_ARCH__
  for (int64_t i = 0; i < n; i += 16) __builtin_prefetch(p + i, kForWrite ? 1 : 0);
#endif
}

// out[s, c0 .. c0+nc) for one segment: sums in segment order, then scales.
template <int kMax>
WS_HD void segment_sum_item(const float* x, const int32_t* offsets, const int32_t* perm, float* out, int64_t C,
                            bool mean, bool acc, int64_t s, int64_t c0, int64_t nc) {
  float sum[kMax];
  for (int64_t k = 0; k < nc; ++k) sum[k] = 0.0f;
  int64_t e0 = offsets[s], e1 = offsets[s + 1];
  for (int64_t e = e0; e < e1; ++e) {
    if (perm && e + kPrefetchRows < e1) prefetch_row(x + int64_t(perm[e + kPrefetchRows]) * C + c0, nc);
    const float* row = x + segment_row(perm, e) * C + c0;
    for (int64_t k = 0; k < nc; ++k) sum[k] += row[k];
  }
  float scale = segment_scale(mean, e1 - e0);
  float* o = out + s * C + c0;
  for (int64_t k = 0; k < nc; ++k) store_or_add(o + k, scale * sum[k], acc);
}

WS_HD inline void segment_broadcast_item(const float* g, const int32_t* offsets, const int32_t* perm, float* dx,
                                         int64_t C, bool mean, bool acc, int64_t s, int64_t c0, int64_t nc) {
  int64_t e0 = offsets[s], e1 = offsets[s + 1];
  float scale = segment_scale(mean, e1 - e0);
  const float* gs = g + s * C + c0;
  for (int64_t e = e0; e < e1; ++e) {
    if (perm && e + kPrefetchRows < e1) prefetch_row<true>(dx + int64_t(perm[e + kPrefetchRows]) * C + c0, nc);
    float* row = dx + segment_row(perm, e) * C + c0;
    for (int64_t k = 0; k < nc; ++k) store_or_add(row + k, scale * gs[k], acc);
  }
}

// Forward: out[e] = sum of x[e'] for e0 <= e' < e. Reverse: for e < e' < e1 (walked backwards).
template <int kMax>
WS_HD void segment_scan_item(const float* x, const int32_t* offsets, float* out, int64_t C, bool reverse, bool acc,
                             int64_t s, int64_t c0, int64_t nc) {
  float run[kMax];
  for (int64_t k = 0; k < nc; ++k) run[k] = 0.0f;
  int64_t e0 = offsets[s], e1 = offsets[s + 1];
  for (int64_t i = 0; i < e1 - e0; ++i) {
    int64_t e = reverse ? e1 - 1 - i : e0 + i;
    const float* xr = x + e * C + c0;
    float* o = out + e * C + c0;
    for (int64_t k = 0; k < nc; ++k) {
      float v = xr[k];
      store_or_add(o + k, run[k], acc);
      run[k] += v;
    }
  }
}

template <class Exec>
void segment_sum_impl(const float* x, const int32_t* offsets, const int32_t* perm, float* out, int64_t S, int64_t C,
                      bool mean, bool acc) {
  Exec::for_segments(offsets, S, C, [=] WS_HD(int64_t s, int64_t c0, int64_t nc) {
    segment_sum_item<Exec::kColChunk>(x, offsets, perm, out, C, mean, acc, s, c0, nc);
  });
}

template <class Exec>
void segment_broadcast_impl(const float* g, const int32_t* offsets, const int32_t* perm, float* dx, int64_t S,
                            int64_t C, bool mean, bool acc) {
  Exec::for_segments(offsets, S, C, [=] WS_HD(int64_t s, int64_t c0, int64_t nc) {
    segment_broadcast_item(g, offsets, perm, dx, C, mean, acc, s, c0, nc);
  });
}

template <class Exec>
void segment_scan_impl(const float* x, const int32_t* offsets, float* out, int64_t S, int64_t C, bool reverse,
                       bool acc) {
  Exec::for_segments(offsets, S, C, [=] WS_HD(int64_t s, int64_t c0, int64_t nc) {
    segment_scan_item<Exec::kColChunk>(x, offsets, out, C, reverse, acc, s, c0, nc);
  });
}

}  // namespace ws
