#include "engine/allocator.h"
#include "kernels/launch_cuda.cuh"
#include "kernels/reduce.h"

namespace ws::cuda {

void sum_rows(const float* x, float* out, int64_t R, int64_t C, bool accumulate) {
  int64_t nb = (R + kReduceBlockRows - 1) / kReduceBlockRows;
  Allocator& alloc = Allocator::of(current_cuda_device());
  // Kernels on the one stream run in order, so the scratch block may go back at once.
  float* partial = static_cast<float*>(alloc.allocate(size_t(nb * C) * sizeof(float)));
  sum_rows_partials<CudaExec>(x, partial, R, C);
  sum_rows_finish<CudaExec>(partial, out, nb, C, accumulate);
  alloc.release(partial);
}

void sum_cols(const float* x, float* out, int64_t R, int64_t C, float scale, bool accumulate) {
  sum_cols_impl<CudaExec>(x, out, R, C, scale, accumulate);
}

void broadcast_cols(const float* g, float* x, int64_t R, int64_t C, float scale, bool accumulate) {
  broadcast_cols_impl<CudaExec>(g, x, R, C, scale, accumulate);
}

}  // namespace ws::cuda

namespace ws::cuda {
void broadcast_rows(const float* g, float* x, int64_t R, int64_t C, bool accumulate) {
  broadcast_rows_impl<CudaExec>(g, x, R, C, accumulate);
}
}  // namespace ws::cuda
