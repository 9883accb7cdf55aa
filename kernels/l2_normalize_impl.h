// The bodies of l2_normalize.h, written once over the launcher (CPU in l2_normalize.cpp,
// CudaExec in l2_normalize.cu): docs/design.md §2.4.
#pragma once
#include "kernels/l2_normalize.h"

namespace ws {

template <class Exec>
void l2_normalize_forward_impl(const float* x, float* y, float* norm, int64_t R, int64_t C, float eps) {
  Exec::for_n(R, [=] WS_HD(int64_t r) {
    const float* xr = x + r * C;
    float s = 0.0f;
    for (int64_t c = 0; c < C; ++c) s += xr[c] * xr[c];
    float n = sqrtf(s), den = fmaxf(n, eps);
    norm[r] = n;
    for (int64_t c = 0; c < C; ++c) y[r * C + c] = xr[c] / den;
  });
}

template <class Exec>
void l2_normalize_backward_impl(const float* y, const float* norm, const float* dy, GradOut dx, int64_t R, int64_t C,
                                float eps) {
  Exec::for_n(R, [=] WS_HD(int64_t r) {
    const float *yr = y + r * C, *gr = dy + r * C;
    float n = norm[r];
    if (n >= eps) {  // through the norm: the Jacobian (I - y y^T) / |x|
      float dot = 0.0f;
      for (int64_t c = 0; c < C; ++c) dot += yr[c] * gr[c];
      for (int64_t c = 0; c < C; ++c) put_grad(dx.ptr, dx.accumulate, r * C + c, (gr[c] - yr[c] * dot) / n);
    } else {
      for (int64_t c = 0; c < C; ++c) put_grad(dx.ptr, dx.accumulate, r * C + c, gr[c] / eps);
    }
  });
}

}  // namespace ws
