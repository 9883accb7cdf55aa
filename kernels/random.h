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

#ifdef WS_CUDA
namespace cuda {
void fill_uniform(float* p, int64_t n, float lo, float hi, uint64_t seed, uint64_t stream, uint64_t offset);
void fill_normal(float* p, int64_t n, float mean, float std, uint64_t seed, uint64_t stream, uint64_t offset);
}  // namespace cuda
#endif

}  // namespace ws
