#include "kernels/copy_impl.h"

namespace ws {

void copy_block(const float* src, int64_t ld_src, float* dst, int64_t ld_dst, int64_t R, int64_t C,
                bool accumulate, Device d) {
  WS_DISPATCH_CUDA(d, cuda::copy_block(src, ld_src, dst, ld_dst, R, C, accumulate));
  copy_block_impl<CpuExec>(src, ld_src, dst, ld_dst, R, C, accumulate);
}

}  // namespace ws
