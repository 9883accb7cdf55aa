#include <vector>

#include "kernels/segment_impl.h"

namespace ws {

void segment_sum(const float* x, const int32_t* offsets, const int32_t* perm, float* out, int64_t S, int64_t C,
                 bool mean, bool accumulate, Device d) {
  WS_DISPATCH_CUDA(d, cuda::segment_sum(x, offsets, perm, out, S, C, mean, accumulate));
  segment_sum_impl<CpuExec>(x, offsets, perm, out, S, C, mean, accumulate);
}

void segment_broadcast(const float* g, const int32_t* offsets, const int32_t* perm, float* dx, int64_t S, int64_t C,
                       bool mean, bool accumulate, Device d) {
  WS_DISPATCH_CUDA(d, cuda::segment_broadcast(g, offsets, perm, dx, S, C, mean, accumulate));
  segment_broadcast_impl<CpuExec>(g, offsets, perm, dx, S, C, mean, accumulate);
}

void segment_exclusive_cumsum(const float* x, const int32_t* offsets, float* out, int64_t S, int64_t C, bool reverse,
                              bool accumulate, Device d) {
  WS_DISPATCH_CUDA(d, cuda::segment_exclusive_cumsum(x, offsets, out, S, C, reverse, accumulate));
  segment_scan_impl<CpuExec>(x, offsets, out, S, C, reverse, accumulate);
}

int64_t csr_from_index_host(const int32_t* idx, int64_t M, int64_t S, int32_t* offsets, int32_t* perm) {
  std::vector<int32_t> next(size_t(S) + 1, 0);
  for (int64_t i = 0; i < M; ++i) {
    if (idx[i] < 0 || idx[i] >= S) return i;
    ++next[size_t(idx[i]) + 1];
  }
  for (int64_t s = 0; s < S; ++s) next[size_t(s) + 1] += next[size_t(s)];
  for (int64_t s = 0; s <= S; ++s) offsets[s] = next[size_t(s)];
  // Walking i upwards keeps equal indices in their original order (a stable sort).
  for (int64_t i = 0; i < M; ++i) perm[next[size_t(idx[i])]++] = int32_t(i);
  return -1;
}

}  // namespace ws
