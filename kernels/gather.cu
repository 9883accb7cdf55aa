#include "kernels/fill.h"
#include "kernels/gather_impl.h"
#include "kernels/launch_cuda.cuh"

namespace ws::cuda {

void gather_rows(const float* x, const int32_t* idx, float* out, int64_t M, int64_t C, bool accumulate) {
  gather_rows_impl<CudaExec>(x, idx, out, M, C, accumulate);
}

// Atomics: the target row idx[i] is data-dependent (see gather.h on reproducibility).
void scatter_add_rows(const float* x, const int32_t* idx, float* out, int64_t M, int64_t C, int64_t n_out,
                      bool accumulate) {
  if (!accumulate) fill(out, n_out * C, 0.0f);
  CudaExec::for_n(M * C, [=] __device__(int64_t i) {
    int64_t r = i / C, c = i % C;
    atomicAdd(out + int64_t(idx[r]) * C + c, x[i]);
  });
}

}  // namespace ws::cuda
