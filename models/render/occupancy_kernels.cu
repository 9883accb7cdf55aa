// CUDA occupancy-grid update: the shared bodies, plus atomic versions of the two scatters
// whose targets are data-dependent (random cells). Both are order-independent (bit OR,
// max), so the result is deterministic and equal to the CPU's.
#include "kernels/launch_cuda.cuh"
#include "models/render/occupancy_kernels_impl.h"

namespace ws::cuda {

void occ_rank(const uint8_t* bits, int64_t B, int64_t bytes, int64_t blocks, int32_t* block_rank, int64_t* occupied) {
  occ_block_counts_impl<CudaExec>(bits, B, bytes, blocks, block_rank);
  occ_block_scan_impl<CudaExec>(block_rank, B, blocks, occupied);
}

void occ_mark(const OccSampling& p, int64_t B, uint32_t* mark) {
  int64_t slots = p.slots(), words = (p.cells + 31) / 32;
  CudaExec::for_n(B * slots, [=] __device__(int64_t i) {
    int64_t b = i / slots;
    int64_t c = occ_slot_cell(p, b, i % slots, nullptr);
    if (c >= 0) atomicOr(mark + b * words + (c >> 5), 1u << (c & 31));
  });
}

void occ_decay(float* values, const uint32_t* mark, int64_t B, int64_t cells, float decay) {
  occ_decay_impl<CudaExec>(values, mark, B, cells, decay);
}

void occ_points(const OccSampling& p, int64_t B, int64_t s0, int64_t count, float* x) {
  occ_points_impl<CudaExec>(p, B, s0, count, x);
}

void occ_scatter_max(const OccSampling& p, int64_t B, int64_t s0, int64_t count, const float* sigma, float step,
                     float* values) {
  CudaExec::for_n(B * count, [=] __device__(int64_t i) {
    int64_t b = i / count;
    int64_t c = occ_slot_cell(p, b, s0 + i % count, nullptr);
    if (c < 0) return;
    // Non-negative floats order like their bit patterns as ints (occ_value never gives < 0).
    atomicMax(reinterpret_cast<int*>(values + b * p.cells + c), __float_as_int(occ_value(sigma[i], step)));
  });
}

void occ_binarize(const float* values, const float* mean, int64_t B, int64_t cells, int64_t bytes, float threshold,
                  uint8_t* bits) {
  occ_binarize_impl<CudaExec>(values, mean, B, cells, bytes, threshold, bits);
}

}  // namespace ws::cuda
