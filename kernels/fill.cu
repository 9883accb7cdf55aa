#include "kernels/fill_impl.h"
#include "kernels/launch_cuda.cuh"

namespace ws::cuda {

void fill(float* p, int64_t n, float value) { fill_impl<CudaExec>(p, n, value); }
void fill_eye(float* p, int64_t n, float diagonal, float off) { fill_eye_impl<CudaExec>(p, n, diagonal, off); }

}  // namespace ws::cuda
