// NeRF output heads (docs/design.md §3.1): raw MLP outputs o (the first 4 of a row) and the
// unit-box position x -> rgb = sigmoid(o[0:3]), sigma = exp(o[3] - 1), with sigma = 0
// unless 0 < x < 1 on every axis (strict: the faces are empty). The density uses a
// select, not a multiply, since exp may overflow; its gradient is trunc_exp's (the
// exponent clamped at 15).
#pragma once
#include "kernels/elementwise.h"
#include "kernels/float_rn.h"

namespace ws {

WS_HD inline bool inside_unit_box(const float* x) {
  return x[0] > 0.0f && x[0] < 1.0f && x[1] > 0.0f && x[1] < 1.0f && x[2] > 0.0f && x[2] < 1.0f;
}

// Output c of a row: o the row's raw outputs, x its position.
WS_HD inline float nerf_head(const float* o, const float* x, int c) {
  if (c < 3) return unary_fwd<Unary::Sigmoid>(o[c]);
  return inside_unit_box(x) ? unary_fwd<Unary::TruncExp>(add_rn(o[3], -1.0f)) : 0.0f;
}

// d(loss)/d(o[c]) from the head's output y and its gradient g (0 for c >= 4).
WS_HD inline float nerf_head_grad(const float* o, const float* x, const float* y, const float* g, int c) {
  if (c < 3) return unary_bwd<Unary::Sigmoid>(o[c], y[c], g[c]);
  if (c > 3 || !inside_unit_box(x)) return 0.0f;
  return unary_bwd<Unary::TruncExp>(add_rn(o[3], -1.0f), y[3], g[3]);
}

// o: n rows, `ld` floats apart (ld >= 4); x [n,3] -> out [n,4]
void nerf_heads_forward(const float* o, int64_t ld, const float* x, int64_t n, float* out, Device d);
// y [n,4] (the forward's output), g [n,4] -> go: n rows of ld (+)= the gradient (0 beyond column 3).
void nerf_heads_backward(const float* o, int64_t ld, const float* x, const float* y, const float* g, int64_t n,
                         float* go, bool accumulate, Device d);

#ifdef WS_CUDA
namespace cuda {
void nerf_heads_forward(const float* o, int64_t ld, const float* x, int64_t n, float* out);
void nerf_heads_backward(const float* o, int64_t ld, const float* x, const float* y, const float* g, int64_t n,
                         float* go, bool accumulate);
}  // namespace cuda
#endif

}  // namespace ws
