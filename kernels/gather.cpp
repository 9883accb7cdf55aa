#include "kernels/gather_impl.h"

#include <vector>

namespace ws {

void gather_rows(const float* x, const int32_t* idx, float* out, int64_t M, int64_t C, bool accumulate, Device d) {
  WS_DISPATCH_CUDA(d, cuda::gather_rows(x, idx, out, M, C, accumulate));
  gather_rows_impl<CpuExec>(x, idx, out, M, C, accumulate);
}

void scatter_add_rows(const float* x, const int32_t* idx, float* out, int64_t M, int64_t C, int64_t n_out,
                      bool accumulate, Device d) {
  WS_DISPATCH_CUDA(d, cuda::scatter_add_rows(x, idx, out, M, C, n_out, accumulate));
  std::vector<int32_t> offsets(static_cast<size_t>(n_out) + 1), perm(static_cast<size_t>(M));
  int64_t bad = csr_from_index_host(idx, M, n_out, offsets.data(), perm.data());
  WS_CHECK(bad < 0, "scatter_add_rows: index ", idx[bad], " at position ", bad, " is outside [0, ", n_out, ")");
  segment_sum_impl<CpuExec>(x, offsets.data(), perm.data(), out, n_out, C, false, accumulate);
}

}  // namespace ws
