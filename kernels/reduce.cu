#include "core/allocator.h"
#include "kernels/launch_cuda.cuh"
#include "kernels/reduce_impl.h"

namespace ws::cuda {

void sum_rows(const float* x, float* out, int64_t R, int64_t C, bool accumulate) {
  int64_t nb = (R + kReduceBlockRows - 1) / kReduceBlockRows;
  // Kernels on the one stream run in order, so the scratch block may go back at once.
  ScratchBuffer partial(size_t(nb * C) * sizeof(float), current_cuda_device());
  sum_rows_partials<CudaExec>(x, partial.as<float>(), R, C);
  sum_rows_finish<CudaExec>(partial.as<float>(), out, nb, C, accumulate);
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
