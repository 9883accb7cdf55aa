// Shared body of the fused Adam step (see adam.h).
#pragma once
#include "kernels/adam.h"

namespace ws {

template <class Exec>
void adam_step_impl(float* p, const float* g, float* m, float* v, int64_t n, AdamStep s) {
  Exec::for_n(n, [=] WS_HD(int64_t i) {
    float pi = p[i], mi = m[i], vi = v[i];
    adam_item(s, pi, g[i], mi, vi);
    p[i] = pi;
    m[i] = mi;
    v[i] = vi;
  });
}

}  // namespace ws
