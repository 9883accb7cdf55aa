// Fill a float array with one value: the smallest example of the kernel-family pattern.
#pragma once
#include "kernels/launch.h"

namespace ws {

// p: [n] on d.
void fill(float* p, int64_t n, float value, Device d);

template <class Exec>
void fill_impl(float* p, int64_t n, float value) {
  Exec::for_n(n, [=] WS_HD(int64_t i) { p[i] = value; });
}

#ifdef WS_CUDA
namespace cuda { void fill(float* p, int64_t n, float value); }
#endif

}  // namespace ws
