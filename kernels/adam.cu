#include "kernels/adam_impl.h"
#include "kernels/launch_cuda.cuh"

namespace ws::cuda {

void adam_step(float* p, const float* g, float* m, float* v, int64_t n, const AdamStep& s) {
  adam_step_impl<CudaExec>(p, g, m, v, n, s);
}

}  // namespace ws::cuda
