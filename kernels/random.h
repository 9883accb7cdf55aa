// Random fills by element index: p[i] draws Philox element (offset + i) of (seed, stream),
// so a fill is the same on the CPU and the GPU and independent of the thread layout.
// Uniform fills are bit-identical across devices (the affine map is rounded step by step,
// never fused); normal fills go through logf/cosf, which CUDA computes within ~2 ulp.
#pragma once
#include "core/rng.h"
#include "kernels/float_rn.h"
#include "kernels/launch.h"

namespace ws {

// p [n] = lo + (hi - lo) * U[0,1)
void fill_uniform(float* p, int64_t n, float lo, float hi, uint64_t seed, uint64_t stream, uint64_t offset,
                  Device d);
// p [n] = mean + std * N(0,1)
void fill_normal(float* p, int64_t n, float mean, float std, uint64_t seed, uint64_t stream, uint64_t offset,
                 Device d);

template <class Exec>
void fill_uniform_impl(float* p, int64_t n, float lo, float hi, uint64_t seed, uint64_t stream, uint64_t offset) {
  float width = hi - lo;
  Exec::for_n(n, [=] WS_HD(int64_t i) { p[i] = mul_add_rn(width, philox_uniform(seed, offset + uint64_t(i), stream), lo); });
}

template <class Exec>
void fill_normal_impl(float* p, int64_t n, float mean, float std, uint64_t seed, uint64_t stream, uint64_t offset) {
  Exec::for_n(n, [=] WS_HD(int64_t i) { p[i] = mul_add_rn(std, philox_normal(seed, offset + uint64_t(i), stream), mean); });
}

#ifdef WS_CUDA
namespace cuda {
void fill_uniform(float* p, int64_t n, float lo, float hi, uint64_t seed, uint64_t stream, uint64_t offset);
void fill_normal(float* p, int64_t n, float mean, float std, uint64_t seed, uint64_t stream, uint64_t offset);
}  // namespace cuda
#endif

}  // namespace ws
