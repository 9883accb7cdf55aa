#include "kernels/l2_normalize_impl.h"
#include "kernels/launch_cuda.cuh"

namespace ws::cuda {

void l2_normalize_forward(const float* x, float* y, float* norm, int64_t R, int64_t C, float eps) {
  l2_normalize_forward_impl<CudaExec>(x, y, norm, R, C, eps);
}

void l2_normalize_backward(const float* y, const float* norm, const float* dy, GradOut dx, int64_t R, int64_t C,
                           float eps) {
  l2_normalize_backward_impl<CudaExec>(y, norm, dy, dx, R, C, eps);
}

}  // namespace ws::cuda
