#include "engine/allocator.h"
#include "kernels/batch_norm_impl.h"
#include "kernels/launch_cuda.cuh"

namespace ws::cuda {

// Kernels on the one stream run in order, so the scratch block may go back at once.
namespace {
float* scratch_floats(int64_t n) {
  return static_cast<float*>(Allocator::of(current_cuda_device()).allocate(size_t(n) * sizeof(float)));
}
}  // namespace

void batch_norm_forward(const float* x, const float* gamma, const float* beta, float* running_mean, float* running_var,
                        float* y, float* mean, float* rstd, int64_t R, int64_t C, bool training, float momentum,
                        float eps) {
  float* scratch = scratch_floats(batch_norm_scratch(R, C));
  batch_norm_forward_impl<CudaExec>(x, gamma, beta, running_mean, running_var, y, mean, rstd, R, C, training, momentum,
                                    eps, scratch);
  Allocator::of(current_cuda_device()).release(scratch);
}

void batch_norm_backward(const float* x, const float* gamma, const float* mean, const float* rstd, const float* dy,
                         GradOut dx, GradOut dgamma, GradOut dbeta, int64_t R, int64_t C, bool training) {
  float* scratch = scratch_floats(batch_norm_scratch(R, C));
  batch_norm_backward_impl<CudaExec>(x, gamma, mean, rstd, dy, dx, dgamma, dbeta, R, C, training, scratch);
  Allocator::of(current_cuda_device()).release(scratch);
}

}  // namespace ws::cuda
