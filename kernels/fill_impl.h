// The bodies of fill.h, written once over the launcher (CPU in fill.cpp,
// CudaExec in fill.cu): docs/design.md §2.4.
#pragma once
#include "kernels/fill.h"

namespace ws {

template <class Exec>
void fill_impl(float* p, int64_t n, float value) {
  Exec::for_n(n, [=] WS_HD(int64_t i) { p[i] = value; });
}

template <class Exec>
void fill_eye_impl(float* p, int64_t n, float diagonal, float off) {
  Exec::for_n(n * n, [=] WS_HD(int64_t i) { p[i] = i / n == i % n ? diagonal : off; });
}

}  // namespace ws
