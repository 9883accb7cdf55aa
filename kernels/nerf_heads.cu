#include "kernels/launch_cuda.cuh"
#include "kernels/nerf_heads_impl.h"

namespace ws::cuda {

void nerf_heads_forward(const float* o, int64_t ld, const float* x, int64_t n, float* out) {
  nerf_heads_forward_impl<CudaExec>(o, ld, x, n, out);
}

void nerf_heads_backward(const float* o, int64_t ld, const float* x, const float* y, const float* g, int64_t n,
                         float* go, bool accumulate) {
  nerf_heads_backward_impl<CudaExec>(o, ld, x, y, g, n, go, accumulate);
}

}  // namespace ws::cuda
