// Deterministic sums: over the rows of a matrix (column sums, e.g. bias gradients and
// broadcast backward) and over the last dimension (row sums). Fixed row blocks make the
// summation order independent of the thread count and identical on both devices.
#pragma once
#include "kernels/launch.h"

namespace ws {

constexpr int64_t kReduceBlockRows = 1024;

// out[C] (+)= sum_r x[r, C]   (x: [R, C])
void sum_rows(const float* x, float* out, int64_t R, int64_t C, bool accumulate, Device d);
// out[R] (+)= scale * sum_c x[r, c]   (x: [R, C])
void sum_cols(const float* x, float* out, int64_t R, int64_t C, float scale, bool accumulate, Device d);
// x[R, C] (+)= scale * g[r]: the backward of sum_cols.
void broadcast_cols(const float* g, float* x, int64_t R, int64_t C, float scale, bool accumulate, Device d);

#ifdef WS_CUDA
namespace cuda {
void sum_rows(const float* x, float* out, int64_t R, int64_t C, bool accumulate);
void sum_cols(const float* x, float* out, int64_t R, int64_t C, float scale, bool accumulate);
void broadcast_cols(const float* g, float* x, int64_t R, int64_t C, float scale, bool accumulate);
}  // namespace cuda
#endif

}  // namespace ws

namespace ws {
// x[R, C] (+)= g[c]: the backward of sum_rows (g: [C]).
void broadcast_rows(const float* g, float* x, int64_t R, int64_t C, bool accumulate, Device d);
#ifdef WS_CUDA
namespace cuda { void broadcast_rows(const float* g, float* x, int64_t R, int64_t C, bool accumulate); }
#endif
}  // namespace ws
