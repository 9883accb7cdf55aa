#include "kernels/random_impl.h"

namespace ws {

void fill_uniform(float* p, int64_t n, float lo, float hi, uint64_t seed, uint64_t stream, uint64_t offset,
                  Device d) {
  WS_DISPATCH_CUDA(d, cuda::fill_uniform(p, n, lo, hi, seed, stream, offset));
  fill_uniform_impl<CpuExec>(p, n, lo, hi, seed, stream, offset);
}

void fill_normal(float* p, int64_t n, float mean, float std, uint64_t seed, uint64_t stream, uint64_t offset,
                 Device d) {
  WS_DISPATCH_CUDA(d, cuda::fill_normal(p, n, mean, std, seed, stream, offset));
  fill_normal_impl<CpuExec>(p, n, mean, std, seed, stream, offset);
}

}  // namespace ws
