// Unary activations, binary arithmetic with broadcasting, affine.
#include <string>
#include <vector>

#include "engine/ops.h"
#include "kernels/reduce.h"
#include "engine/trace.h"

namespace ws {

namespace {
// Literal-like names for the trace ranges (built once, never freed): "Relu", "Relu backward".
struct TraceNames {
  std::string forward, backward;
};
const TraceNames& unary_trace_names(Unary op) {
  static const std::vector<TraceNames> names = [] {
    std::vector<TraceNames> v;
#define WS_NAMES(name) v.push_back({#name, #name " backward"});
    WS_UNARY_OPS(WS_NAMES)
#undef WS_NAMES
    return v;
  }();
  return names[size_t(op)];
}
}  // namespace

Var unary(Unary op, const Var& x) {
  const TraceNames& tn = unary_trace_names(op);
  BackwardScope scope(BackwardScope::Op, tn.forward.c_str(), tn.backward.c_str());
  check_f32(unary_name(op), x.value(), "x");
  Device d = x.device();
  Var out(Tensor::empty(x.shape(), DType::F32, d), needs_grad({&x}));
  unary_forward(op, x.value().f32(), out.value().f32(), x.numel(), d);
  if (out.requires_grad())
    record([op, x, out, d] {
      if (!out.has_grad()) return;
      GradSlot s = x.grad_slot();
      unary_backward(op, x.value().f32(), out.value().f32(), out.grad().f32(), s.t.f32(), x.numel(), s.accumulate, d);
    });
  return out;
}

namespace {
const char* binary_name(Binary op) {
  switch (op) {
    case Binary::Add: return "add";
    case Binary::Sub: return "sub";
    case Binary::Mul: return "mul";
    case Binary::Div: return "div";
  }
  return "?";
}

// True when `small` broadcasts against `big`: one element, or small's dims are big's trailing dims.
bool broadcasts(const Shape& small, const Shape& big) {
  if (small.numel() == 1) return true;
  if (small.ndim > big.ndim) return false;
  for (int i = 1; i <= small.ndim; ++i)
    if (small.dims[small.ndim - i] != big.dims[big.ndim - i]) return false;
  return true;
}

// Gradient of one operand of size m, computed at full size n and summed over the broadcast rows.
void operand_backward(Binary op, bool wrt_b, const Var& v, const Tensor& A, const Tensor& B, const Tensor& G,
                      Device d) {
  GradSlot s = v.grad_slot();
  int64_t n = G.numel(), m = v.numel();
  if (m == n) {
    binary_backward_full(op, wrt_b, A.f32(), A.numel(), B.f32(), B.numel(), G.f32(), s.t.f32(), n, s.accumulate, d);
    return;
  }
  Tensor full = Tensor::empty(G.shape(), DType::F32, d);
  binary_backward_full(op, wrt_b, A.f32(), A.numel(), B.f32(), B.numel(), G.f32(), full.f32(), n, false, d);
  sum_rows(full.f32(), s.t.f32(), n / m, m, s.accumulate, d);
}
}  // namespace

Var binary(Binary op, const Var& a, const Var& b) {
  static const char* const backward_names[] = {"add backward", "sub backward", "mul backward", "div backward"};
  const char* name = binary_name(op);
  BackwardScope scope(BackwardScope::Op, name, backward_names[int(op)]);
  const Tensor &A = a.value(), &B = b.value();
  check_f32(name, A, "a");
  check_f32(name, B, "b");
  Device d = common_device(name, {&A, &B});
  const Shape& out_shape = A.numel() >= B.numel() ? A.shape() : B.shape();
  WS_CHECK(broadcasts(A.shape(), out_shape) && broadcasts(B.shape(), out_shape), name, ": shapes ",
           A.shape().str(), " and ", B.shape().str(), " do not broadcast (one must be a suffix of the other)");
  Var out(Tensor::empty(out_shape, DType::F32, d), needs_grad({&a, &b}));
  binary_forward(op, A.f32(), A.numel(), B.f32(), B.numel(), out.value().f32(), d);
  if (out.requires_grad())
    record([op, a, b, out, d] {
      if (!out.has_grad()) return;
      if (op == Binary::Add && a.numel() == b.numel()) {  // both gradients are out's: no kernel
        if (a.requires_grad()) a.add_grad(out.grad(), false);
        // Last: b may take the gradient buffer over (out is done with it, as in edge_linear).
        if (b.requires_grad()) b.add_grad(out.grad(), true);
        return;
      }
      if (a.requires_grad()) operand_backward(op, false, a, a.value(), b.value(), out.grad(), d);
      if (b.requires_grad()) operand_backward(op, true, b, a.value(), b.value(), out.grad(), d);
    });
  return out;
}

Var affine(const Var& x, float scale, float shift) {
  WS_OP("affine");
  check_f32("affine", x.value(), "x");
  Device d = x.device();
  Var out(Tensor::empty(x.shape(), DType::F32, d), needs_grad({&x}));
  ws::affine(x.value().f32(), out.value().f32(), scale, shift, x.numel(), d);
  if (out.requires_grad())
    record([x, out, scale, d] {
      if (!out.has_grad()) return;
      GradSlot s = x.grad_slot();
      axpby(s.t.f32(), out.grad().f32(), scale, s.accumulate ? 1.0f : 0.0f, x.numel(), d);
    });
  return out;
}

}  // namespace ws
