#include "kernels/reduce.h"

#include <vector>

namespace ws {

void sum_rows(const float* x, float* out, int64_t R, int64_t C, bool accumulate, Device d) {
  WS_DISPATCH_CUDA(d, cuda::sum_rows(x, out, R, C, accumulate));
  int64_t nb = (R + kReduceBlockRows - 1) / kReduceBlockRows;
  std::vector<float> partial(size_t(nb * C));
  sum_rows_partials<CpuExec>(x, partial.data(), R, C);
  sum_rows_finish<CpuExec>(partial.data(), out, nb, C, accumulate);
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
