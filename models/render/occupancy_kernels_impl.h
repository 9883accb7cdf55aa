// The bodies of occupancy_kernels.h, written once over the launcher (CPU in occupancy_kernels.cpp,
// CudaExec in occupancy_kernels.cu): docs/design.md §2.4.
#pragma once
#include "models/render/occupancy_kernels.h"

namespace ws {

// block_rank [B, blocks] = popcount of each block, then (second body) the exclusive scan
// per NeRF with occupied [B] the totals.
template <class Exec>
void occ_block_counts_impl(const uint8_t* bits, int64_t B, int64_t bytes, int64_t blocks, int32_t* block_rank) {
  Exec::for_n(B * blocks, [=] WS_HD(int64_t i) {
    int64_t b = i / blocks, k = i % blocks, end = (k + 1) * kOccBlockBytes < bytes ? (k + 1) * kOccBlockBytes : bytes;
    int n = 0;
    for (int64_t j = k * kOccBlockBytes; j < end; ++j) n += occ_popcount(bits[b * bytes + j]);
    block_rank[i] = n;
  });
}

template <class Exec>
void occ_block_scan_impl(int32_t* block_rank, int64_t B, int64_t blocks, int64_t* occupied) {
  Exec::for_n(B, [=] WS_HD(int64_t b) {
    int64_t s = 0;
    for (int64_t k = 0; k < blocks; ++k) {
      int32_t c = block_rank[b * blocks + k];
      block_rank[b * blocks + k] = int32_t(s);
      s += c;
    }
    occupied[b] = s;
  });
}

// values [B, cells] *= decay where marked (mark: [B, words] bits, or null = every cell)
template <class Exec>
void occ_decay_impl(float* values, const uint32_t* mark, int64_t B, int64_t cells, float decay) {
  int64_t words = (cells + 31) / 32;
  Exec::for_n(B * cells, [=] WS_HD(int64_t i) {
    int64_t b = i / cells, c = i % cells;
    if (!mark || ((mark[b * words + (c >> 5)] >> (c & 31)) & 1u)) values[i] *= decay;
  });
}

// x [B, count, 3] = the points of slots [s0, s0 + count)
template <class Exec>
void occ_points_impl(OccSampling p, int64_t B, int64_t s0, int64_t count, float* x) {
  Exec::for_n(B * count, [=] WS_HD(int64_t i) {
    int64_t b = i / count, s = s0 + i % count;
    float u[3];
    occ_point(occ_slot_cell(p, b, s, u), u, p.res, x + 3 * i);
  });
}

// bits [B, bytes]: cell > min(mean [B], threshold); bits past the last cell are 0
template <class Exec>
void occ_binarize_impl(const float* values, const float* mean, int64_t B, int64_t cells, int64_t bytes,
                       float threshold, uint8_t* bits) {
  Exec::for_n(B * bytes, [=] WS_HD(int64_t i) {
    int64_t b = i / bytes, c0 = (i % bytes) * 8;
    float thr = mean[b] < threshold ? mean[b] : threshold;
    uint32_t v = 0;
    for (int k = 0; k < 8; ++k)
      if (c0 + k < cells && values[b * cells + c0 + k] > thr) v |= 1u << k;
    bits[i] = uint8_t(v);
  });
}

}  // namespace ws
