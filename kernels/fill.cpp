#include "kernels/fill.h"

namespace ws {

void fill(float* p, int64_t n, float value, Device d) {
  WS_DISPATCH_CUDA(d, cuda::fill(p, n, value));
  fill_impl<CpuExec>(p, n, value);
}

}  // namespace ws
