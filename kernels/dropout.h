// Inverted dropout. Element i of a call with (seed, offset) is kept when
// philox_uniform(seed, offset + i) >= p, so the mask depends only on those numbers: the
// CPU and the GPU draw the same one, and the backward recomputes it instead of storing it.
#pragma once
#include "core/rng.h"
#include "kernels/launch.h"

namespace ws {

WS_HD inline bool dropout_keep(uint64_t seed, uint64_t index, float p) { return philox_uniform(seed, index) >= p; }
// The scale of kept elements, 1 / (1 - p); p == 1 drops everything.
WS_HD inline float dropout_scale(float p) { return p < 1.0f ? 1.0f / (1.0f - p) : 0.0f; }

// dst[n] (+)= mask * src / (1 - p): the forward (src = x) and the backward (src = dy) alike.
void dropout_apply(const float* src, float* dst, int64_t n, float p, uint64_t seed, uint64_t offset, bool accumulate,
                   Device d);

#ifdef WS_CUDA
namespace cuda {
void dropout_apply(const float* src, float* dst, int64_t n, float p, uint64_t seed, uint64_t offset, bool accumulate);
}
#endif

}  // namespace ws
