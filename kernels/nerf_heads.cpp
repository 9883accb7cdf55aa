#include "kernels/nerf_heads_impl.h"

namespace ws {

void nerf_heads_forward(const float* o, int64_t ld, const float* x, int64_t n, float* out, Device d) {
  WS_DISPATCH_CUDA(d, cuda::nerf_heads_forward(o, ld, x, n, out));
  nerf_heads_forward_impl<CpuExec>(o, ld, x, n, out);
}

void nerf_heads_backward(const float* o, int64_t ld, const float* x, const float* y, const float* g, int64_t n,
                         float* go, bool accumulate, Device d) {
  WS_DISPATCH_CUDA(d, cuda::nerf_heads_backward(o, ld, x, y, g, n, go, accumulate));
  nerf_heads_backward_impl<CpuExec>(o, ld, x, y, g, n, go, accumulate);
}

}  // namespace ws
