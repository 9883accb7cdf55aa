// Strided 2-D block copies: the data movement behind concat/split along the last dim.
#pragma once
#include "kernels/launch.h"

namespace ws {

// dst[r, c] (+)= src[r, c] for r < R, c < C; rows are ld_src / ld_dst floats apart.
void copy_block(const float* src, int64_t ld_src, float* dst, int64_t ld_dst, int64_t R, int64_t C,
                bool accumulate, Device d);

#ifdef WS_CUDA
namespace cuda {
void copy_block(const float* src, int64_t ld_src, float* dst, int64_t ld_dst, int64_t R, int64_t C, bool accumulate);
}
#endif

}  // namespace ws
