// Bodies of the element-wise entry points, shared by the CPU and CUDA launchers.
#pragma once
#include "kernels/elementwise.h"

namespace ws {

template <class Exec, Unary op>
void unary_forward_t(const float* x, float* y, int64_t n) {
  Exec::for_n(n, [=] WS_HD(int64_t i) { y[i] = unary_fwd<op>(x[i]); });
}

template <class Exec, Unary op>
void unary_backward_t(const float* x, const float* y, const float* g, float* gx, int64_t n, bool acc) {
  if (acc)
    Exec::for_n(n, [=] WS_HD(int64_t i) { gx[i] += unary_bwd<op>(x[i], y ? y[i] : 0.0f, g[i]); });
  else
    Exec::for_n(n, [=] WS_HD(int64_t i) { gx[i] = unary_bwd<op>(x[i], y ? y[i] : 0.0f, g[i]); });
}

template <class Exec>
void unary_forward_impl(Unary op, const float* x, float* y, int64_t n) {
  switch (op) {
#define WS_CASE(name) case Unary::name: return unary_forward_t<Exec, Unary::name>(x, y, n);
    WS_UNARY_OPS(WS_CASE)
#undef WS_CASE
  }
}

template <class Exec>
void unary_backward_impl(Unary op, const float* x, const float* y, const float* g, float* gx, int64_t n,
                         bool acc) {
  switch (op) {
#define WS_CASE(name) case Unary::name: return unary_backward_t<Exec, Unary::name>(x, y, g, gx, n, acc);
    WS_UNARY_OPS(WS_CASE)
#undef WS_CASE
  }
}

template <class Exec>
void binary_forward_impl(Binary op, const float* a, int64_t na, const float* b, int64_t nb, float* out) {
  int64_t n = na > nb ? na : nb;
  if (na == n && nb == n)
    Exec::for_n(n, [=] WS_HD(int64_t i) { out[i] = binary_fwd(op, a[i], b[i]); });
  else if (na == n)  // b repeats every nb elements: rows of nb
    Exec::for_2d(n / nb, nb, [=] WS_HD(int64_t r, int64_t c) { out[r * nb + c] = binary_fwd(op, a[r * nb + c], b[c]); });
  else if (nb == n)
    Exec::for_2d(n / na, na, [=] WS_HD(int64_t r, int64_t c) { out[r * na + c] = binary_fwd(op, a[c], b[r * na + c]); });
  else
    Exec::for_n(n, [=] WS_HD(int64_t i) { out[i] = binary_fwd(op, a[i % na], b[i % nb]); });
}

template <class Exec>
void binary_backward_full_impl(Binary op, bool wrt_b, const float* a, int64_t na, const float* b,
                               int64_t nb, const float* g, float* gout, int64_t n, bool acc) {
  int64_t m = na < nb ? na : nb;  // the repeating operand's size (n when neither repeats)
  Exec::for_2d(n / m, m, [=] WS_HD(int64_t r, int64_t c) {
    int64_t i = r * m + c;
    float av = na == n ? a[i] : a[c], bv = nb == n ? b[i] : b[c];
    float v = wrt_b ? binary_db(op, av, bv, g[i]) : binary_da(op, av, bv, g[i]);
    gout[i] = acc ? gout[i] + v : v;
  });
}

template <class Exec>
void axpby_impl(float* y, const float* x, float alpha, float beta, int64_t n) {
  if (beta == 0.0f)
    Exec::for_n(n, [=] WS_HD(int64_t i) { y[i] = alpha * x[i]; });
  else
    Exec::for_n(n, [=] WS_HD(int64_t i) { y[i] = alpha * x[i] + beta * y[i]; });
}

template <class Exec>
void affine_impl(const float* x, float* y, float scale, float shift, int64_t n) {
  Exec::for_n(n, [=] WS_HD(int64_t i) { y[i] = scale * x[i] + shift; });
}

}  // namespace ws
