#include "kernels/dropout_impl.h"

namespace ws {

void dropout_apply(const float* src, float* dst, int64_t n, float p, uint64_t seed, uint64_t offset, bool accumulate,
                   Device d) {
  WS_DISPATCH_CUDA(d, cuda::dropout_apply(src, dst, n, p, seed, offset, accumulate));
  dropout_apply_impl<CpuExec>(src, dst, n, p, seed, offset, accumulate);
}

}  // namespace ws
