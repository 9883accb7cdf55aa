// Occupancy-grid update kernels (the host side is occupancy_grid.cpp). An update visits
// "slots": in warm-up slot s is cell s; later slots [0, N) are uniform random cells and
// [N, 2N) occupied cells (N = cells / 4; all occupied cells in order when there are at
// most N, else N drawn with replacement), as nerfacc's OccGridEstimator. Slot s of NeRF b
// draws one Philox block from (seed, index b << 32 | s, stream step): word 0 picks the
// cell, words 1-3 the point inside it.
#pragma once
#include "core/rng.h"
#include "models/nerf/occupancy_bits.h"
#include "models/render/ray_box.h"

namespace ws {

constexpr int64_t kOccBlockBytes = 32;  // occupied cells are ranked per block of 256 cells

WS_HD inline int occ_popcount(uint32_t v) {
#ifdef __CUDA_ARCH__
  return __popc(v);
#else
  return __builtin_popcount(v);
#endif
}

// Uniform integer in [0, n) from 32 random bits (n < 2^32).
WS_HD inline int64_t occ_below(uint32_t r, int64_t n) { return int64_t((uint64_t(r) * uint64_t(n)) >> 32); }

struct OccSampling {
  int res;
  int64_t cells, bytes, blocks;  // per NeRF: res^3, bit bytes, rank blocks
  bool all;                      // warm-up: every cell once
  int64_t uniform;               // N
  uint64_t seed, step;
  const uint8_t* bits;           // [B, bytes]
  const int32_t* block_rank;     // [B, blocks] occupied cells before each block
  const int64_t* occupied;       // [B] occupied cells
  WS_HD int64_t slots() const { return all ? cells : 2 * uniform; }
};

// The cell holding the rank-th (0-based) occupied bit of one NeRF's grid.
WS_HD inline int64_t occ_select(const uint8_t* bits, const int32_t* block_rank, int64_t blocks, int64_t bytes,
                                int64_t rank) {
  int64_t lo = 0, hi = blocks;  // last block whose rank is <= rank
  while (hi - lo > 1) {
    int64_t mid = (lo + hi) / 2;
    if (block_rank[mid] <= rank) lo = mid;
    else hi = mid;
  }
  rank -= block_rank[lo];
  int64_t end = (lo + 1) * kOccBlockBytes < bytes ? (lo + 1) * kOccBlockBytes : bytes;
  for (int64_t i = lo * kOccBlockBytes; i < end; ++i) {
    int c = occ_popcount(bits[i]);
    if (rank >= c) {
      rank -= c;
      continue;
    }
    for (int k = 0; k < 8; ++k)
      if ((bits[i] >> k) & 1)
        if (rank-- == 0) return i * 8 + k;
  }
  return -1;  // rank out of range: not reached for rank < occupied
}

// Cell of slot s of NeRF b (-1: an unused slot) and, when u is given, the point's offsets
// u [3] in [0, 1).
WS_HD inline int64_t occ_slot_cell(const OccSampling& p, int64_t b, int64_t s, float* u) {
  if (p.all && !u) return s;
  Philox4 r = philox4x32(p.seed, (uint64_t(b) << 32) | uint64_t(s), p.step);
  if (u) {
    u[0] = u32_to_unit(r.v[1]);
    u[1] = u32_to_unit(r.v[2]);
    u[2] = u32_to_unit(r.v[3]);
  }
  if (p.all) return s;
  if (s < p.uniform) return occ_below(r.v[0], p.cells);
  int64_t j = s - p.uniform, n = p.occupied[b];
  int64_t rank = n > p.uniform ? occ_below(r.v[0], n) : (j < n ? j : -1);
  if (rank < 0) return -1;
  return occ_select(p.bits + b * p.bytes, p.block_rank + b * p.blocks, p.blocks, p.bytes, rank);
}

// Unit-box point of a slot: (cell coordinate + u) / res, or the padding point.
WS_HD inline void occ_point(int64_t cell, const float* u, int res, float* x) {
  if (cell < 0) {
    x[0] = x[1] = x[2] = kPaddingX;  // density 0, and ignored anyway
    return;
  }
  int64_t r2 = int64_t(res) * res;
  int64_t c[3] = {cell / r2, (cell / res) % res, cell % res};
  for (int a = 0; a < 3; ++a) x[a] = (float(c[a]) + u[a]) / float(res);
}

// The value a density reading gives a cell: density * step, never negative or NaN (so
// non-negative floats compare like their bit patterns, which the GPU's atomicMax uses).
WS_HD inline float occ_value(float sigma, float step) {
  float v = sigma * step;
  return v > 0.0f ? v : 0.0f;
}

// ---- entry points (occupancy_kernels.cpp / occupancy_kernels.cu) ------------------------------
void occ_rank(const uint8_t* bits, int64_t B, int64_t bytes, int64_t blocks, int32_t* block_rank, int64_t* occupied,
              Device d);
// mark [B, words] (zeroed by the caller) gets the bit of every slot's cell
void occ_mark(const OccSampling& p, int64_t B, uint32_t* mark, Device d);
void occ_decay(float* values, const uint32_t* mark, int64_t B, int64_t cells, float decay, Device d);
void occ_points(const OccSampling& p, int64_t B, int64_t s0, int64_t count, float* x, Device d);
// values[cell] = max(values[cell], occ_value(sigma, step)) for slots [s0, s0 + count), sigma [B, count]
void occ_scatter_max(const OccSampling& p, int64_t B, int64_t s0, int64_t count, const float* sigma, float step,
                     float* values, Device d);
void occ_binarize(const float* values, const float* mean, int64_t B, int64_t cells, int64_t bytes, float threshold,
                  uint8_t* bits, Device d);

#ifdef WS_CUDA
namespace cuda {
void occ_rank(const uint8_t* bits, int64_t B, int64_t bytes, int64_t blocks, int32_t* block_rank, int64_t* occupied);
void occ_mark(const OccSampling& p, int64_t B, uint32_t* mark);
void occ_decay(float* values, const uint32_t* mark, int64_t B, int64_t cells, float decay);
void occ_points(const OccSampling& p, int64_t B, int64_t s0, int64_t count, float* x);
void occ_scatter_max(const OccSampling& p, int64_t B, int64_t s0, int64_t count, const float* sigma, float step,
                     float* values);
void occ_binarize(const float* values, const float* mean, int64_t B, int64_t cells, int64_t bytes, float threshold,
                  uint8_t* bits);
}  // namespace cuda
#endif

}  // namespace ws
