#include "models/render/occupancy_kernels_impl.h"

namespace ws {

void occ_rank(const uint8_t* bits, int64_t B, int64_t bytes, int64_t blocks, int32_t* block_rank, int64_t* occupied,
              Device d) {
  WS_DISPATCH_CUDA(d, cuda::occ_rank(bits, B, bytes, blocks, block_rank, occupied));
  occ_block_counts_impl<CpuExec>(bits, B, bytes, blocks, block_rank);
  occ_block_scan_impl<CpuExec>(block_rank, B, blocks, occupied);
}

// One thread per group of NeRFs, slots in order: no atomics on the CPU.
void occ_mark(const OccSampling& p, int64_t B, uint32_t* mark, Device d) {
  WS_DISPATCH_CUDA(d, cuda::occ_mark(p, B, mark));
  int64_t words = (p.cells + 31) / 32;
  parallel_chunks(B, [&](int64_t b0, int64_t b1) {
    for (int64_t b = b0; b < b1; ++b)
      for (int64_t s = 0; s < p.slots(); ++s) {
        int64_t c = occ_slot_cell(p, b, s, nullptr);
        if (c >= 0) mark[b * words + (c >> 5)] |= 1u << (c & 31);
      }
  }, 1);
}

void occ_decay(float* values, const uint32_t* mark, int64_t B, int64_t cells, float decay, Device d) {
  WS_DISPATCH_CUDA(d, cuda::occ_decay(values, mark, B, cells, decay));
  occ_decay_impl<CpuExec>(values, mark, B, cells, decay);
}

void occ_points(const OccSampling& p, int64_t B, int64_t s0, int64_t count, float* x, Device d) {
  WS_DISPATCH_CUDA(d, cuda::occ_points(p, B, s0, count, x));
  occ_points_impl<CpuExec>(p, B, s0, count, x);
}

void occ_scatter_max(const OccSampling& p, int64_t B, int64_t s0, int64_t count, const float* sigma, float step,
                     float* values, Device d) {
  WS_DISPATCH_CUDA(d, cuda::occ_scatter_max(p, B, s0, count, sigma, step, values));
  parallel_chunks(B, [&](int64_t b0, int64_t b1) {
    for (int64_t b = b0; b < b1; ++b)
      for (int64_t k = 0; k < count; ++k) {
        int64_t c = occ_slot_cell(p, b, s0 + k, nullptr);
        if (c < 0) continue;
        float v = occ_value(sigma[b * count + k], step), &dst = values[b * p.cells + c];
        dst = v > dst ? v : dst;
      }
  }, 1);
}

void occ_binarize(const float* values, const float* mean, int64_t B, int64_t cells, int64_t bytes, float threshold,
                  uint8_t* bits, Device d) {
  WS_DISPATCH_CUDA(d, cuda::occ_binarize(values, mean, B, cells, bytes, threshold, bits));
  occ_binarize_impl<CpuExec>(values, mean, B, cells, bytes, threshold, bits);
}

}  // namespace ws
