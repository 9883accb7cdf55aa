// CUDA compositing: one thread per ray, the same per-ray bodies as the CPU.
#include "kernels/launch_cuda.cuh"
#include "models/render/composite_kernels_impl.h"

namespace ws::cuda {

void composite_forward(const CompositeRays& in, float* color, float* opacity, float* trans, float* weights,
                       int32_t* active) {
  composite_forward_impl<CudaExec>(in, color, opacity, trans, weights, active);
}

void composite_backward(const CompositeRays& in, const float* trans, const int32_t* active, const float* opacity,
                        const float* g_color, const float* g_opacity, float* drgb, float* dsigma, float* dbg) {
  composite_backward_impl<CudaExec>(in, trans, active, opacity, g_color, g_opacity, drgb, dsigma, dbg);
}

}  // namespace ws::cuda
