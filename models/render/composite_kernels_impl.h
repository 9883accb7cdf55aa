// The bodies of composite_kernels.h, written once over the launcher (CPU in composite_kernels.cpp,
// CudaExec in composite_kernels.cu): docs/design.md §2.4.
#pragma once
#include "models/render/composite_kernels.h"

namespace ws {

template <class Exec>
void composite_forward_impl(CompositeRays in, float* color, float* opacity, float* trans, float* weights,
                            int32_t* active) {
  Exec::for_n(in.n, [=] WS_HD(int64_t r) { composite_ray_forward(in, r, color, opacity, trans, weights, active); });
}

template <class Exec>
void composite_backward_impl(CompositeRays in, const float* trans, const int32_t* active, const float* opacity,
                             const float* g_color, const float* g_opacity, float* drgb, float* dsigma, float* dbg) {
  Exec::for_n(in.n, [=] WS_HD(int64_t r) {
    composite_ray_backward(in, r, trans, active, opacity, g_color, g_opacity, drgb, dsigma, dbg);
  });
}

}  // namespace ws
