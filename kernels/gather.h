// Row gathers and scatter-adds by an I32 index: the data movement behind gather_rows,
// embedding and scatter_add_rows. Indices are trusted here (the op layer checks them).
#pragma once
#include "kernels/segment_impl.h"

namespace ws {

// out[i, :] (+)= x[idx[i], :]   x [N,C], idx [M] -> out [M,C]
void gather_rows(const float* x, const int32_t* idx, float* out, int64_t M, int64_t C, bool accumulate, Device d);
// out[r, :] (+)= sum of x[i, :] over i with idx[i] == r   x [M,C], idx [M] -> out [n_out,C]
// CPU: deterministic (counting sort into a CSR, then a segment sum in index order).
// CUDA: atomicAdd, since the targets are data-dependent: the order of additions, and so
// the last bits, may vary between runs. Pass a CSR to segment_sum for a reproducible sum.
void scatter_add_rows(const float* x, const int32_t* idx, float* out, int64_t M, int64_t C, int64_t n_out,
                      bool accumulate, Device d);

#ifdef WS_CUDA
namespace cuda {
void gather_rows(const float* x, const int32_t* idx, float* out, int64_t M, int64_t C, bool accumulate);
void scatter_add_rows(const float* x, const int32_t* idx, float* out, int64_t M, int64_t C, int64_t n_out,
                      bool accumulate);
}  // namespace cuda
#endif

}  // namespace ws
