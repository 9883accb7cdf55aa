// The bodies of nerf_heads.h, written once over the launcher (CPU in nerf_heads.cpp,
// CudaExec in nerf_heads.cu): docs/design.md §2.4.
#pragma once
#include "kernels/nerf_heads.h"

namespace ws {

template <class Exec>
void nerf_heads_forward_impl(const float* o, int64_t ld, const float* x, int64_t n, float* out) {
  Exec::for_n(n * 4, [=] WS_HD(int64_t i) {
    int64_t r = i / 4;
    out[i] = nerf_head(o + r * ld, x + r * 3, int(i % 4));
  });
}

template <class Exec>
void nerf_heads_backward_impl(const float* o, int64_t ld, const float* x, const float* y, const float* g, int64_t n,
                              float* go, bool acc) {
  Exec::for_n(n * ld, [=] WS_HD(int64_t i) {
    int64_t r = i / ld;
    float v = nerf_head_grad(o + r * ld, x + r * 3, y + r * 4, g + r * 4, int(i % ld));
    go[i] = acc ? go[i] + v : v;
  });
}

}  // namespace ws
