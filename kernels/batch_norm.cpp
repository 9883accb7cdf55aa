#include "core/allocator.h"
#include "kernels/batch_norm_impl.h"

namespace ws {


void batch_norm_forward(const float* x, const float* gamma, const float* beta, float* running_mean, float* running_var,
                        float* y, float* mean, float* rstd, int64_t R, int64_t C, bool training, float momentum,
                        float eps, Device d) {
  WS_DISPATCH_CUDA(d, cuda::batch_norm_forward(x, gamma, beta, running_mean, running_var, y, mean, rstd, R, C, training,
                                               momentum, eps));
  ScratchBuffer scratch(size_t(batch_norm_scratch(R, C)) * sizeof(float), Device::cpu());
  batch_norm_forward_impl<CpuExec>(x, gamma, beta, running_mean, running_var, y, mean, rstd, R, C, training, momentum,
                                   eps, scratch.as<float>());
}

void batch_norm_backward(const float* x, const float* gamma, const float* mean, const float* rstd, const float* dy,
                         GradOut dx, GradOut dgamma, GradOut dbeta, int64_t R, int64_t C, bool training, Device d) {
  WS_DISPATCH_CUDA(d, cuda::batch_norm_backward(x, gamma, mean, rstd, dy, dx, dgamma, dbeta, R, C, training));
  ScratchBuffer scratch(size_t(batch_norm_scratch(R, C)) * sizeof(float), Device::cpu());
  batch_norm_backward_impl<CpuExec>(x, gamma, mean, rstd, dy, dx, dgamma, dbeta, R, C, training, scratch.as<float>());
}

}  // namespace ws
