// The bodies of gather.h, written once over the launcher (CPU in gather.cpp,
// CudaExec in gather.cu): docs/design.md §2.4.
#pragma once
#include "kernels/gather.h"

namespace ws {

template <class Exec>
void gather_rows_impl(const float* x, const int32_t* idx, float* out, int64_t M, int64_t C, bool acc) {
  Exec::for_rows(M, C, [=] WS_HD(int64_t i, int64_t c0, int64_t nc) {
    if (i + kPrefetchRows < M) prefetch_row(x + int64_t(idx[i + kPrefetchRows]) * C + c0, nc);
    const float* src = x + int64_t(idx[i]) * C + c0;
    float* dst = out + i * C + c0;
    for (int64_t k = 0; k < nc; ++k) store_or_add(dst + k, src[k], acc);
  });
}

}  // namespace ws
