// The bodies of copy.h, written once over the launcher (CPU in copy.cpp,
// CudaExec in copy.cu): docs/design.md §2.4.
#pragma once
#include "kernels/copy.h"

namespace ws {

template <class Exec>
void copy_block_impl(const float* src, int64_t ls, float* dst, int64_t ld, int64_t R, int64_t C, bool acc) {
  Exec::for_2d(R, C, [=] WS_HD(int64_t r, int64_t c) {
    float v = src[r * ls + c];
    dst[r * ld + c] = acc ? dst[r * ld + c] + v : v;
  });
}

}  // namespace ws
