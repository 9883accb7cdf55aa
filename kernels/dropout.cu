#include "kernels/dropout_impl.h"
#include "kernels/launch_cuda.cuh"

namespace ws::cuda {

void dropout_apply(const float* src, float* dst, int64_t n, float p, uint64_t seed, uint64_t offset, bool accumulate) {
  dropout_apply_impl<CudaExec>(src, dst, n, p, seed, offset, accumulate);
}

}  // namespace ws::cuda
