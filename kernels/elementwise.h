// Element-wise math: unary activations, binary arithmetic with broadcasting of the
// second operand over leading rows, and affine/axpby helpers. Item math is WS_HD.
#pragma once
#include <cmath>

#include "kernels/launch.h"
#include "kernels/expf.h"
#include "kernels/sincos.h"

namespace ws {

// X-macro: every unary op, written once for the enum, the dispatch and the tests.
#define WS_UNARY_OPS(X) \
  X(Relu) X(Silu) X(Sin) X(Cos) X(Sigmoid) X(Exp) X(TruncExp) X(Softplus) X(LogSigmoid) \
  X(Tanh) X(Square) X(Neg)

enum class Unary : uint8_t {
#define WS_ENUM_ITEM(name) name,
  WS_UNARY_OPS(WS_ENUM_ITEM)
#undef WS_ENUM_ITEM
};
const char* unary_name(Unary op);

// The exponent above which trunc_exp's gradient stops growing (tcnn / nerfacc).
constexpr float kTruncExpClamp = 15.0f;

WS_HD inline float sigmoidf_(float x) { return 1.0f / (1.0f + ws_expf(-x)); }
// log(1 + e^x) without overflow.
WS_HD inline float softplusf_(float x) { return fmaxf(x, 0.0f) + log1pf(ws_expf(-fabsf(x))); }

// y = f(x)
template <Unary op>
WS_HD inline float unary_fwd(float x) {
  if constexpr (op == Unary::Relu) return x > 0.0f ? x : 0.0f;
  if constexpr (op == Unary::Silu) return x * sigmoidf_(x);
  if constexpr (op == Unary::Sin) return ws_sinf(x);
  if constexpr (op == Unary::Cos) return ws_cosf(x);
  if constexpr (op == Unary::Sigmoid) return sigmoidf_(x);
  if constexpr (op == Unary::Exp || op == Unary::TruncExp) return ws_expf(x);
  if constexpr (op == Unary::Softplus) return softplusf_(x);
  if constexpr (op == Unary::LogSigmoid) return -softplusf_(-x);
  if constexpr (op == Unary::Tanh) return tanhf(x);
  if constexpr (op == Unary::Square) return x * x;
  if constexpr (op == Unary::Neg) return -x;
  return 0.0f;
}

// dL/dx from x, y = f(x) and g = dL/dy.
template <Unary op>
WS_HD inline float unary_bwd(float x, float y, float g) {
  if constexpr (op == Unary::Relu) return x > 0.0f ? g : 0.0f;
  if constexpr (op == Unary::Silu) {
    float s = sigmoidf_(x);
    return g * s * (1.0f + x * (1.0f - s));
  }
  if constexpr (op == Unary::Sin) return g * ws_cosf(x);
  if constexpr (op == Unary::Cos) return -g * ws_sinf(x);
  if constexpr (op == Unary::Sigmoid) return g * y * (1.0f - y);
  if constexpr (op == Unary::Exp) return g * y;
  if constexpr (op == Unary::TruncExp) return g * ws_expf(fminf(x, kTruncExpClamp));
  if constexpr (op == Unary::Softplus) return g * sigmoidf_(x);
  if constexpr (op == Unary::LogSigmoid) return g * sigmoidf_(-x);
  if constexpr (op == Unary::Tanh) return g * (1.0f - y * y);
  if constexpr (op == Unary::Square) return 2.0f * g * x;
  if constexpr (op == Unary::Neg) return -g;
  return 0.0f;
}

enum class Binary : uint8_t { Add, Sub, Mul, Div };

WS_HD inline float binary_fwd(Binary op, float a, float b) {
  switch (op) {
    case Binary::Add: return a + b;
    case Binary::Sub: return a - b;
    case Binary::Mul: return a * b;
    case Binary::Div: return a / b;
  }
  return 0.0f;
}
// Partial derivatives scaled by g: d(out)/da * g and d(out)/db * g.
WS_HD inline float binary_da(Binary op, float a, float b, float g) {
  switch (op) {
    case Binary::Add: case Binary::Sub: return g;
    case Binary::Mul: return g * b;
    case Binary::Div: return g / b;
  }
  return 0.0f;
}
WS_HD inline float binary_db(Binary op, float a, float b, float g) {
  switch (op) {
    case Binary::Add: return g;
    case Binary::Sub: return -g;
    case Binary::Mul: return g * a;
    case Binary::Div: return -g * a / (b * b);
  }
  return 0.0f;
}

// ---- entry points (all arrays on device d, float32) --------------------------------
// y[n] = f(x[n])
void unary_forward(Unary op, const float* x, float* y, int64_t n, Device d);
// gx[n] (+)= f'(x) g; `accumulate` adds into gx instead of overwriting it.
void unary_backward(Unary op, const float* x, const float* y, const float* g, float* gx, int64_t n,
                    bool accumulate, Device d);
// out[i] = a[i % na] (op) b[i % nb], n = max(na, nb) (each of na, nb divides n).
void binary_forward(Binary op, const float* a, int64_t na, const float* b, int64_t nb, float* out, Device d);
// Gradient of one operand at full size n: ga[i] (+)= d/da g[i] (likewise for b with `wrt_b`).
void binary_backward_full(Binary op, bool wrt_b, const float* a, int64_t na, const float* b, int64_t nb,
                          const float* g, float* gout, int64_t n, bool accumulate, Device d);
// y[n] = alpha x + beta y (beta == 0 overwrites y without reading it).
void axpby(float* y, const float* x, float alpha, float beta, int64_t n, Device d);
// y[n] = scale x + shift
void affine(const float* x, float* y, float scale, float shift, int64_t n, Device d);

#ifdef WS_CUDA
namespace cuda {
void unary_forward(Unary op, const float* x, float* y, int64_t n);
void unary_backward(Unary op, const float* x, const float* y, const float* g, float* gx, int64_t n, bool accumulate);
void binary_forward(Binary op, const float* a, int64_t na, const float* b, int64_t nb, float* out);
void binary_backward_full(Binary op, bool wrt_b, const float* a, int64_t na, const float* b, int64_t nb,
                          const float* g, float* gout, int64_t n, bool accumulate);
void axpby(float* y, const float* x, float alpha, float beta, int64_t n);
void affine(const float* x, float* y, float scale, float shift, int64_t n);
}  // namespace cuda
#endif

}  // namespace ws
