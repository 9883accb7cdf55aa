// The fused Adam / AdamW update over a whole parameter slab (torch.optim.Adam and
// torch.optim.AdamW): one pass reads p, g, m, v and writes p, m, v.
#pragma once
#include <cmath>

#include "kernels/launch.h"

namespace ws {

// Per-step constants, computed on the host (bias corrections in double).
struct AdamStep {
  float beta1, beta2, eps;
  float l2;          // Adam: weight_decay added to the gradient as l2 * p (0 for AdamW)
  float decay;       // AdamW: p *= decay = 1 - lr * weight_decay before the update (1 for Adam)
  float step_size;   // lr / (1 - beta1^t)
  float bc2_sqrt;    // sqrt(1 - beta2^t)
};

WS_HD inline void adam_item(const AdamStep& s, float& p, float g, float& m, float& v) {
  g += s.l2 * p;
  p *= s.decay;
  m = s.beta1 * m + (1.0f - s.beta1) * g;
  v = s.beta2 * v + (1.0f - s.beta2) * g * g;
  p -= s.step_size * m / (sqrtf(v) / s.bc2_sqrt + s.eps);
}

// p, m, v [n] updated in place from g [n].
void adam_step(float* p, const float* g, float* m, float* v, int64_t n, const AdamStep& s, Device d);

#ifdef WS_CUDA
namespace cuda { void adam_step(float* p, const float* g, float* m, float* v, int64_t n, const AdamStep& s); }
#endif

}  // namespace ws
