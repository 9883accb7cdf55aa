// Rows scaled to unit L2 norm, PyTorch's F.normalize(x, dim=-1): y = x / max(|x|, eps).
// Where |x| < eps the divisor is the constant eps, so the gradient is dy / eps there.
#pragma once
#include <cmath>

#include "kernels/grad_out.h"

namespace ws {

// x [R,C] -> y [R,C], norm [R] = |x_r| (kept for backward)
void l2_normalize_forward(const float* x, float* y, float* norm, int64_t R, int64_t C, float eps, Device d);
// From the forward's y and norm: dx [R,C] (+)= (dy - y (y . dy)) / |x|, or dy / eps
void l2_normalize_backward(const float* y, const float* norm, const float* dy, GradOut dx, int64_t R, int64_t C,
                           float eps, Device d);

#ifdef WS_CUDA
namespace cuda {
void l2_normalize_forward(const float* x, float* y, float* norm, int64_t R, int64_t C, float eps);
void l2_normalize_backward(const float* y, const float* norm, const float* dy, GradOut dx, int64_t R, int64_t C,
                           float eps);
}  // namespace cuda
#endif

}  // namespace ws
