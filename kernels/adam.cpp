#include "kernels/adam_impl.h"

namespace ws {

void adam_step(float* p, const float* g, float* m, float* v, int64_t n, const AdamStep& s, Device d) {
  WS_DISPATCH_CUDA(d, cuda::adam_step(p, g, m, v, n, s));
  adam_step_impl<CpuExec>(p, g, m, v, n, s);
}

}  // namespace ws
