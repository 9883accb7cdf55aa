// reshape, concat and split along the last dimension.
#include "engine/ops.h"
#include "kernels/copy.h"
#include "engine/trace.h"

namespace ws {

Var reshape(const Var& x, Shape s) {
  WS_OP("reshape");
  WS_CHECK(s.numel() == x.numel(), "reshape: ", x.value().shape().str(), " to ", s.str());
  Var out(x.value().reshape(s), needs_grad({&x}));
  if (out.requires_grad())
    record([x, out] {
      // out's gradient is dead once this runs, so x may take its storage over.
      if (out.has_grad()) x.add_grad(out.grad().reshape(x.shape()), true);
    });
  return out;
}

Var slice_rows(const Var& x, int64_t begin, int64_t end) {
  WS_OP("slice_rows");
  Var out(x.value().slice_rows(begin, end), needs_grad({&x}));
  if (out.requires_grad())
    record([x, out, begin, end] {
      if (!out.has_grad()) return;
      GradSlot s = x.grad_slot();
      if (!s.accumulate) s.t.zero_();  // rows outside the slice get no gradient
      Tensor part = s.t.slice_rows(begin, end);
      axpby(part.f32(), out.grad().f32(), 1.0f, 1.0f, part.numel(), part.device());
    });
  return out;
}

Var concat_last(const std::vector<Var>& parts) {
  WS_OP("concat_last");
  WS_CHECK(!parts.empty(), "concat_last: no inputs");
  const Tensor& first = parts[0].value();
  int64_t R = first.rows(), C = 0;
  bool grad = false;
  for (const Var& p : parts) {
    check_f32("concat_last", p.value(), "input");
    common_device("concat_last", {&first, &p.value()});
    Shape a = p.value().shape(), b = first.shape();
    a.dims[a.ndim - 1] = b.dims[b.ndim - 1] = 0;
    WS_CHECK(a == b, "concat_last: leading dims differ: ", first.shape().str(), " and ", p.value().shape().str());
    C += p.value().cols();
    grad = grad || needs_grad({&p});
  }
  Device d = first.device();
  Shape os = first.shape();
  os.dims[os.ndim - 1] = C;
  Var out(Tensor::empty(os, DType::F32, d), grad);
  int64_t off = 0;
  for (const Var& p : parts) {
    int64_t c = p.value().cols();
    copy_block(p.value().f32(), c, out.value().f32() + off, C, R, c, false, d);
    off += c;
  }
  if (grad)
    record([parts, out, R, C, d] {
      if (!out.has_grad()) return;
      int64_t off = 0;
      for (const Var& p : parts) {
        int64_t c = p.value().cols();
        if (p.requires_grad()) {
          GradSlot s = p.grad_slot();
          copy_block(out.grad().f32() + off, C, s.t.f32(), c, R, c, s.accumulate, d);
        }
        off += c;
      }
    });
  return out;
}

std::vector<Var> split_last(const Var& x, const std::vector<int64_t>& sizes) {
  WS_OP("split_last");
  check_f32("split_last", x.value(), "x");
  const Tensor& X = x.value();
  int64_t R = X.rows(), C = X.cols(), total = 0;
  for (int64_t s : sizes) total += s;
  WS_CHECK(total == C, "split_last: sizes sum to ", total, " but x is ", X.shape().str());
  Device d = X.device();
  bool grad = needs_grad({&x});
  std::vector<Var> outs;
  int64_t off = 0;
  for (int64_t c : sizes) {
    Shape os = X.shape();
    os.dims[os.ndim - 1] = c;
    Var o(Tensor::empty(os, DType::F32, d), grad);
    copy_block(X.f32() + off, C, o.value().f32(), c, R, c, false, d);
    outs.push_back(o);
    off += c;
  }
  if (grad)
    record([x, outs, R, C, d] {
      bool any = false;
      for (const Var& o : outs) any = any || o.has_grad();
      if (!any) return;
      GradSlot s = x.grad_slot();
      if (!s.accumulate) s.t.zero_();  // parts without a gradient contribute zero
      int64_t off = 0;
      for (const Var& o : outs) {
        int64_t c = o.value().cols();
        if (o.has_grad()) copy_block(o.grad().f32(), c, s.t.f32() + off, C, R, c, true, d);
        off += c;
      }
    });
  return outs;
}

}  // namespace ws
