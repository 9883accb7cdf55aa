#include "kernels/fill.h"
#include "kernels/launch_cuda.cuh"

namespace ws::cuda {

void fill(float* p, int64_t n, float value) { fill_impl<CudaExec>(p, n, value); }

}  // namespace ws::cuda
