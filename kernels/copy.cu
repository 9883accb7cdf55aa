#include "kernels/copy_impl.h"
#include "kernels/launch_cuda.cuh"

namespace ws::cuda {

void copy_block(const float* src, int64_t ld_src, float* dst, int64_t ld_dst, int64_t R, int64_t C, bool accumulate) {
  copy_block_impl<CudaExec>(src, ld_src, dst, ld_dst, R, C, accumulate);
}

}  // namespace ws::cuda
