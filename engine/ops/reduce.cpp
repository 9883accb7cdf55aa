// Sums and means over all elements, over rows, and over the last dimension.
#include "engine/ops.h"
#include "kernels/reduce.h"
#include "engine/trace.h"

namespace ws {

namespace {
// Shared by sum and mean: all n elements as n rows of one column.
Var total(const Var& x, float scale, const char* name) {
  check_f32(name, x.value(), "x");
  Device d = x.device();
  int64_t n = x.numel();
  Var out(Tensor::empty({1}, DType::F32, d), needs_grad({&x}));
  Tensor s = Tensor::empty({1}, DType::F32, d);
  ws::sum_rows(x.value().f32(), s.f32(), n, 1, false, d);
  ws::affine(s.f32(), out.value().f32(), scale, 0.0f, 1, d);
  if (out.requires_grad())
    record([x, out, scale, n, d] {
      if (!out.has_grad()) return;
      GradSlot s = x.grad_slot();
      broadcast_cols(out.grad().f32(), s.t.f32(), 1, n, scale, s.accumulate, d);
    });
  return out;
}

Var per_row(const Var& x, float scale, const char* name) {
  check_f32(name, x.value(), "x");
  Device d = x.device();
  int64_t R = x.value().rows(), C = x.value().cols();
  Var out(Tensor::empty({R}, DType::F32, d), needs_grad({&x}));
  sum_cols(x.value().f32(), out.value().f32(), R, C, scale, false, d);
  if (out.requires_grad())
    record([x, out, scale, R, C, d] {
      if (!out.has_grad()) return;
      GradSlot s = x.grad_slot();
      broadcast_cols(out.grad().f32(), s.t.f32(), R, C, scale, s.accumulate, d);
    });
  return out;
}
}  // namespace

Var sum(const Var& x) {
  WS_OP("sum");
  return total(x, 1.0f, "sum");
}
Var mean(const Var& x) {
  WS_OP("mean");
  return total(x, x.numel() ? 1.0f / float(x.numel()) : 0.0f, "mean");
}
Var row_sum(const Var& x) {
  WS_OP("row_sum");
  return per_row(x, 1.0f, "row_sum");
}
Var row_mean(const Var& x) {
  WS_OP("row_mean");
  int64_t C = x.value().cols();
  return per_row(x, C ? 1.0f / float(C) : 0.0f, "row_mean");
}

Var sum_rows(const Var& x) {
  WS_OP("sum_rows");
  check_f32("sum_rows", x.value(), "x");
  Device d = x.device();
  int64_t R = x.value().rows(), C = x.value().cols();
  Var out(Tensor::empty({C}, DType::F32, d), needs_grad({&x}));
  ws::sum_rows(x.value().f32(), out.value().f32(), R, C, false, d);
  if (out.requires_grad())
    record([x, out, R, C, d] {
      if (!out.has_grad()) return;
      GradSlot s = x.grad_slot();
      broadcast_rows(out.grad().f32(), s.t.f32(), R, C, s.accumulate, d);
    });
  return out;
}

}  // namespace ws
