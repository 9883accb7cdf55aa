// Layer normalisation over the last dim, as PyTorch's LayerNorm: biased variance, eps
// inside the square root. The forward saves per-row mean and rstd = 1/sqrt(var + eps);
// the backward recomputes x̂ from them. Parameter gradients are deterministic on both
// devices: partial sums over blocks of kReduceBlockRows rows (rows in order), then a sum
// over the blocks in order (the scheme of kernels/reduce.h). No atomics.
#pragma once
#include <cmath>

#include "kernels/grad_out.h"

namespace ws {

WS_HD inline float norm_xhat(float x, float mean, float rstd) { return (x - mean) * rstd; }
// y = x̂ γ + β
WS_HD inline float norm_affine(float x, float mean, float rstd, float gamma, float beta) {
  return norm_xhat(x, mean, rstd) * gamma + beta;
}
// dL/dx of one element of a normalised group of n, from dx̂ = dy γ, x̂, and the group
// means of dx̂ and of dx̂ x̂ (the two terms that come through the mean and the variance).
WS_HD inline float norm_dx(float dxhat, float xhat, float mean_dxhat, float mean_dxhat_xhat, float rstd) {
  return rstd * (dxhat - mean_dxhat - xhat * mean_dxhat_xhat);
}

// x [R,C], gamma [C], beta [C] -> y [R,C], mean [R], rstd [R]
void layer_norm_forward(const float* x, const float* gamma, const float* beta, float* y, float* mean, float* rstd,
                        int64_t R, int64_t C, float eps, Device d);
// dy [R,C] with the forward's x, gamma, mean, rstd -> dx [R,C], dgamma [C], dbeta [C]
// (each written or accumulated as its GradOut says; skipped when its ptr is null).
void layer_norm_backward(const float* x, const float* gamma, const float* mean, const float* rstd, const float* dy,
                         GradOut dx, GradOut dgamma, GradOut dbeta, int64_t R, int64_t C, Device d);

#ifdef WS_CUDA
namespace cuda {
void layer_norm_forward(const float* x, const float* gamma, const float* beta, float* y, float* mean, float* rstd,
                        int64_t R, int64_t C, float eps);
void layer_norm_backward(const float* x, const float* gamma, const float* mean, const float* rstd, const float* dy,
                         GradOut dx, GradOut dgamma, GradOut dbeta, int64_t R, int64_t C);
}  // namespace cuda
#endif

}  // namespace ws
