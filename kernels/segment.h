// Segment reductions and scans over compressed rows (CSR): segment s is rows
// offsets[s] .. offsets[s+1]-1 of the segment order, row(e) = perm ? perm[e] : e of the
// data. Every output element is written by one call that walks its segment in order,
// so results are deterministic and identical for any thread count.
#pragma once
#include "kernels/launch.h"

namespace ws {

// out[S,C] (+)= scale_s * sum over e in segment s of x[row(e), :], where scale_s is
// 1 (sum) or 1/count (mean; 0 for an empty segment).   x [E,C], offsets [S+1], perm [E] or null
void segment_sum(const float* x, const int32_t* offsets, const int32_t* perm, float* out, int64_t S, int64_t C,
                 bool mean, bool accumulate, Device d);
// dx[row(e), :] (+)= scale_s * g[s, :] for e in segment s: the backward of segment_sum.
// Writes every row of dx [E,C] only when perm is a permutation and offsets[S] == E.
void segment_broadcast(const float* g, const int32_t* offsets, const int32_t* perm, float* dx, int64_t S,
                       int64_t C, bool mean, bool accumulate, Device d);
// x [E,C] -> out [E,C] (+)= exclusive prefix sum within each segment, in stored order;
// `reverse` sums the rows after e instead (the backward of the forward scan).
void segment_exclusive_cumsum(const float* x, const int32_t* offsets, float* out, int64_t S, int64_t C, bool reverse,
                              bool accumulate, Device d);

// Host only. Counting sort of idx [M] (values in [0, S)) into offsets [S+1] and a stable
// perm [M] (positions with equal index keep their order). Returns the position of the
// first index out of range, or -1 when all are valid (then the outputs are filled).
int64_t csr_from_index_host(const int32_t* idx, int64_t M, int64_t S, int32_t* offsets, int32_t* perm);

#ifdef WS_CUDA
namespace cuda {
void segment_sum(const float* x, const int32_t* offsets, const int32_t* perm, float* out, int64_t S, int64_t C,
                 bool mean, bool accumulate);
void segment_broadcast(const float* g, const int32_t* offsets, const int32_t* perm, float* dx, int64_t S,
                       int64_t C, bool mean, bool accumulate);
void segment_exclusive_cumsum(const float* x, const int32_t* offsets, float* out, int64_t S, int64_t C, bool reverse,
                              bool accumulate);
}  // namespace cuda
#endif

}  // namespace ws
