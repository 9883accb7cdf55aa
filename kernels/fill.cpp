#include "kernels/fill_impl.h"

namespace ws {

void fill(float* p, int64_t n, float value, Device d) {
  WS_DISPATCH_CUDA(d, cuda::fill(p, n, value));
  fill_impl<CpuExec>(p, n, value);
}

void fill_eye(float* p, int64_t n, float diagonal, float off, Device d) {
  WS_DISPATCH_CUDA(d, cuda::fill_eye(p, n, diagonal, off));
  fill_eye_impl<CpuExec>(p, n, diagonal, off);
}

}  // namespace ws
