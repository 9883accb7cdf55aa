#include "core/allocator.h"
#include "kernels/batch_norm_impl.h"
#include "kernels/launch_cuda.cuh"

namespace ws::cuda {

// Kernels on the one stream run in order, so a scratch block may go back as soon as they
// are queued.

void batch_norm_forward(const float* x, const float* gamma, const float* beta, float* running_mean, float* running_var,
                        float* y, float* mean, float* rstd, int64_t R, int64_t C, bool training, float momentum,
                        float eps) {
  ScratchBuffer scratch(size_t(batch_norm_scratch(R, C)) * sizeof(float), current_cuda_device());
  batch_norm_forward_impl<CudaExec>(x, gamma, beta, running_mean, running_var, y, mean, rstd, R, C, training, momentum,
                                    eps, scratch.as<float>());
}

void batch_norm_backward(const float* x, const float* gamma, const float* mean, const float* rstd, const float* dy,
                         GradOut dx, GradOut dgamma, GradOut dbeta, int64_t R, int64_t C, bool training) {
  ScratchBuffer scratch(size_t(batch_norm_scratch(R, C)) * sizeof(float), current_cuda_device());
  batch_norm_backward_impl<CudaExec>(x, gamma, mean, rstd, dy, dx, dgamma, dbeta, R, C, training, scratch.as<float>());
}

}  // namespace ws::cuda
