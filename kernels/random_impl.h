// The bodies of random.h, written once over the launcher (CPU in random.cpp,
// CudaExec in random.cu): docs/design.md §2.4.
#pragma once
#include "kernels/random.h"

namespace ws {

template <class Exec>
void fill_uniform_impl(float* p, int64_t n, float lo, float hi, uint64_t seed, uint64_t stream, uint64_t offset) {
  float width = hi - lo;
  Exec::for_n(n, [=] WS_HD(int64_t i) { p[i] = mul_add_rn(width, philox_uniform(seed, offset + uint64_t(i), stream), lo); });
}

template <class Exec>
void fill_normal_impl(float* p, int64_t n, float mean, float std, uint64_t seed, uint64_t stream, uint64_t offset) {
  Exec::for_n(n, [=] WS_HD(int64_t i) { p[i] = mul_add_rn(std, philox_normal(seed, offset + uint64_t(i), stream), mean); });
}

}  // namespace ws
