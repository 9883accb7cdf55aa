#include "models/render/composite_kernels_impl.h"

#include "models/render/ray_exec.h"

namespace ws {

void composite_forward(const CompositeRays& in, float* color, float* opacity, float* trans, float* weights,
                       int32_t* active, Device d) {
  WS_DISPATCH_CUDA(d, cuda::composite_forward(in, color, opacity, trans, weights, active));
  composite_forward_impl<CpuRayExec>(in, color, opacity, trans, weights, active);
}

void composite_backward(const CompositeRays& in, const float* trans, const int32_t* active, const float* opacity,
                        const float* g_color, const float* g_opacity, float* drgb, float* dsigma, float* dbg,
                        Device d) {
  WS_DISPATCH_CUDA(d, cuda::composite_backward(in, trans, active, opacity, g_color, g_opacity, drgb, dsigma, dbg));
  composite_backward_impl<CpuRayExec>(in, trans, active, opacity, g_color, g_opacity, drgb, dsigma, dbg);
}

}  // namespace ws
