#include "kernels/reduce_impl.h"

#include <algorithm>

#include "core/allocator.h"

namespace ws {

void sum_rows(const float* x, float* out, int64_t R, int64_t C, bool accumulate, Device d) {
  WS_DISPATCH_CUDA(d, cuda::sum_rows(x, out, R, C, accumulate));
  int64_t nb = (R + kReduceBlockRows - 1) / kReduceBlockRows;
  ScratchBuffer partial(size_t(nb * C) * sizeof(float), d);
  float* p = partial.as<float>();
  // Same order as the shared body (rows ascending within each block, per column), but
  // rows are streamed contiguously: one block per task, all columns at once.
#pragma omp parallel for schedule(static) if (R * C >= kParallelGrain)
  for (int64_t b = 0; b < nb; ++b) {
    float* acc = p + b * C;
    std::fill(acc, acc + C, 0.0f);
    int64_t r1 = std::min(R, (b + 1) * kReduceBlockRows);
    for (int64_t r = b * kReduceBlockRows; r < r1; ++r) {
      const float* row = x + r * C;
      for (int64_t c = 0; c < C; ++c) acc[c] += row[c];
    }
  }
  sum_rows_finish<CpuExec>(p, out, nb, C, accumulate);
}

void sum_cols(const float* x, float* out, int64_t R, int64_t C, float scale, bool accumulate, Device d) {
  WS_DISPATCH_CUDA(d, cuda::sum_cols(x, out, R, C, scale, accumulate));
  sum_cols_impl<CpuExec>(x, out, R, C, scale, accumulate);
}

void broadcast_cols(const float* g, float* x, int64_t R, int64_t C, float scale, bool accumulate, Device d) {
  WS_DISPATCH_CUDA(d, cuda::broadcast_cols(g, x, R, C, scale, accumulate));
  broadcast_cols_impl<CpuExec>(g, x, R, C, scale, accumulate);
}

}  // namespace ws

namespace ws {
void broadcast_rows(const float* g, float* x, int64_t R, int64_t C, bool accumulate, Device d) {
  WS_DISPATCH_CUDA(d, cuda::broadcast_rows(g, x, R, C, accumulate));
  broadcast_rows_impl<CpuExec>(g, x, R, C, accumulate);
}
}  // namespace ws
