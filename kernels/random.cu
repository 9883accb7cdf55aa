#include "kernels/launch_cuda.cuh"
#include "kernels/random_impl.h"

namespace ws::cuda {

void fill_uniform(float* p, int64_t n, float lo, float hi, uint64_t seed, uint64_t stream, uint64_t offset) {
  fill_uniform_impl<CudaExec>(p, n, lo, hi, seed, stream, offset);
}

void fill_normal(float* p, int64_t n, float mean, float std, uint64_t seed, uint64_t stream, uint64_t offset) {
  fill_normal_impl<CudaExec>(p, n, mean, std, seed, stream, offset);
}

}  // namespace ws::cuda
