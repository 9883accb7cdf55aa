#include "kernels/freq_encoding_impl.h"
#include "kernels/launch_cuda.cuh"

namespace ws::cuda {

void freq_encode(const float* x, int64_t n, int bands, float* out, int64_t ld, int64_t ones_begin, int64_t ones_end) {
  freq_encode_items<CudaExec>(x, n, bands, out, ld, ones_begin, ones_end);
}

}  // namespace ws::cuda
