// Batch normalisation per column of x [R,C], as PyTorch's BatchNorm1d. Training
// normalises with the batch statistics (biased variance) and moves the running stats
// by `momentum` (running_var from the unbiased variance); evaluation uses the running
// stats. Column sums use the deterministic row-block scheme of kernels/reduce.h.
#pragma once
#include "kernels/layer_norm.h"

namespace ws {

// x [R,C], gamma/beta [C] -> y [R,C] and the mean/rstd [C] used (kept for backward);
// training also updates running_mean/running_var [C] in place (R > 1 then).
void batch_norm_forward(const float* x, const float* gamma, const float* beta, float* running_mean,
                        float* running_var, float* y, float* mean, float* rstd, int64_t R, int64_t C, bool training,
                        float momentum, float eps, Device d);
// dy [R,C] -> dx [R,C], dgamma [C], dbeta [C] (each skipped when its ptr is null). In
// training dx includes the paths through the batch mean and variance.
void batch_norm_backward(const float* x, const float* gamma, const float* mean, const float* rstd, const float* dy,
                         GradOut dx, GradOut dgamma, GradOut dbeta, int64_t R, int64_t C, bool training, Device d);

#ifdef WS_CUDA
namespace cuda {
void batch_norm_forward(const float* x, const float* gamma, const float* beta, float* running_mean,
                        float* running_var, float* y, float* mean, float* rstd, int64_t R, int64_t C, bool training,
                        float momentum, float eps);
void batch_norm_backward(const float* x, const float* gamma, const float* mean, const float* rstd, const float* dy,
                         GradOut dx, GradOut dgamma, GradOut dbeta, int64_t R, int64_t C, bool training);
}  // namespace cuda
#endif

}  // namespace ws
