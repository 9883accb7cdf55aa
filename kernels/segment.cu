#include "kernels/launch_cuda.cuh"
#include "kernels/segment_impl.h"

namespace ws::cuda {

void segment_sum(const float* x, const int32_t* offsets, const int32_t* perm, float* out, int64_t S, int64_t C,
                 bool mean, bool accumulate) {
  segment_sum_impl<CudaExec>(x, offsets, perm, out, S, C, mean, accumulate);
}

void segment_broadcast(const float* g, const int32_t* offsets, const int32_t* perm, float* dx, int64_t S, int64_t C,
                       bool mean, bool accumulate) {
  segment_broadcast_impl<CudaExec>(g, offsets, perm, dx, S, C, mean, accumulate);
}

void segment_exclusive_cumsum(const float* x, const int32_t* offsets, float* out, int64_t S, int64_t C, bool reverse,
                              bool accumulate) {
  segment_scan_impl<CudaExec>(x, offsets, out, S, C, reverse, accumulate);
}

}  // namespace ws::cuda
