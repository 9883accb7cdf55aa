// The bodies of dropout.h, written once over the launcher (CPU in dropout.cpp,
// CudaExec in dropout.cu): docs/design.md §2.4.
#pragma once
#include "kernels/dropout.h"

namespace ws {

template <class Exec>
void dropout_apply_impl(const float* src, float* dst, int64_t n, float p, uint64_t seed, uint64_t offset, bool acc) {
  float scale = dropout_scale(p);
  Exec::for_n(n, [=] WS_HD(int64_t i) {
    float v = dropout_keep(seed, offset + uint64_t(i), p) ? src[i] * scale : 0.0f;
    dst[i] = acc ? dst[i] + v : v;
  });
}

}  // namespace ws
