#include "kernels/l2_normalize_impl.h"

namespace ws {

void l2_normalize_forward(const float* x, float* y, float* norm, int64_t R, int64_t C, float eps, Device d) {
  WS_DISPATCH_CUDA(d, cuda::l2_normalize_forward(x, y, norm, R, C, eps));
  l2_normalize_forward_impl<CpuExec>(x, y, norm, R, C, eps);
}

void l2_normalize_backward(const float* y, const float* norm, const float* dy, GradOut dx, int64_t R, int64_t C,
                           float eps, Device d) {
  WS_DISPATCH_CUDA(d, cuda::l2_normalize_backward(y, norm, dy, dx, R, C, eps));
  l2_normalize_backward_impl<CpuExec>(y, norm, dy, dx, R, C, eps);
}

}  // namespace ws
