// smooth_l1 and cross_entropy: per-element / per-row losses from kernels/loss.h, summed
// by the deterministic block reduction of kernels/reduce.h and scaled to a mean.
#include <vector>

#include "engine/ops.h"
#include "engine/ops/grad_out.h"
#include "kernels/loss.h"
#include "kernels/reduce.h"
#include "engine/trace.h"

namespace ws {

namespace {
// out [1] = scale * sum of items [n]
void scaled_total(const Tensor& items, float scale, const Tensor& out) {
  Device d = items.device();
  Tensor s = Tensor::empty({1}, DType::F32, d);
  sum_rows(items.f32(), s.f32(), items.numel(), 1, false, d);
  affine(s.f32(), out.f32(), scale, 0.0f, 1, d);
}

// What both smooth-L1 losses require of their inputs.
void check_smooth_l1_inputs(const char* op, const Tensor& P, const Tensor& T, float beta) {
  check_f32(op, P, "pred");
  check_f32(op, T, "target");
  WS_CHECK(P.shape() == T.shape(), op, ": pred ", P.shape().str(), " and target ", T.shape().str(), " differ in shape");
  WS_CHECK(beta >= 0.0f, op, ": beta must be >= 0, got ", beta);
}
}  // namespace

Var smooth_l1(const Var& pred, const Var& target, float beta, const Tensor* row_weights) {
  WS_OP("smooth_l1");
  const Tensor &P = pred.value(), &T = target.value();
  check_smooth_l1_inputs("smooth_l1", P, T, beta);
  WS_CHECK(P.numel() > 0, "smooth_l1: empty input ", P.shape().str());
  int64_t n = P.numel(), R = P.rows(), C = P.cols();
  Tensor W;
  if (row_weights) {
    W = *row_weights;
    check_f32("smooth_l1", W, "row_weights");
    WS_CHECK(W.numel() == R, "smooth_l1: row_weights ", W.shape().str(), " must have one weight per row of pred ",
             P.shape().str(), " (", R, " rows)");
  }
  Device d = common_device("smooth_l1", {&P, &T, row_weights ? &W : nullptr});
  const float* w = W.defined() ? W.f32() : nullptr;
  float scale = 1.0f / float(n);  // n = R * C
  Var out(Tensor::empty({1}, DType::F32, d), needs_grad({&pred, &target}));
  Tensor l = Tensor::empty({n}, DType::F32, d);
  smooth_l1_elements(P.f32(), T.f32(), w, l.f32(), n, C, beta, d);
  scaled_total(l, scale, out.value());
  if (out.requires_grad())
    record([pred, target, W, out, scale, n, C, beta, d] {
      if (!out.has_grad()) return;
      smooth_l1_backward(pred.value().f32(), target.value().f32(), W.defined() ? W.f32() : nullptr,
                         out.grad().f32(), scale, grad_out(pred), grad_out(target), n, C, beta, d);
    });
  return out;
}

Var smooth_l1_prefix(const Var& pred, const Var& target, const Tensor& rows_used, float beta) {
  WS_OP("smooth_l1_prefix");
  const Tensor &P = pred.value(), &T = target.value();
  check_smooth_l1_inputs("smooth_l1_prefix", P, T, beta);
  WS_CHECK(rows_used.defined() && rows_used.dtype() == DType::I32 && rows_used.numel() == 1,
           "smooth_l1_prefix: rows_used must be I32 [1], got ", rows_used.defined() ? describe(rows_used) : "undefined");
  Device d = common_device("smooth_l1_prefix", {&P, &T, &rows_used});
  const int64_t n = P.numel(), R = P.rows(), C = P.cols();
  // Used rows weigh 1, the rest 0: the sum over all rows then equals the sum over the used
  // ones exactly (the trailing zeros add nothing), and the scale comes from the count.
  Tensor w = Tensor::empty({R}, DType::F32, d), l = Tensor::empty({n}, DType::F32, d),
         total = Tensor::empty({1}, DType::F32, d);
  prefix_row_weights(rows_used.i32(), w.f32(), R, d);
  smooth_l1_elements(P.f32(), T.f32(), w.f32(), l.f32(), n, C, beta, d);
  sum_rows(l.f32(), total.f32(), n, 1, false, d);
  Var out(Tensor::empty({1}, DType::F32, d), needs_grad({&pred, &target}));
  divide_by_count(total.f32(), rows_used.i32(), C, out.value().f32(), d);
  if (out.requires_grad())
    record([pred, target, w, rows_used, out, n, C, beta, d] {
      if (!out.has_grad()) return;
      Tensor g = Tensor::empty({1}, DType::F32, d);  // dL/dout / (rows_used * C)
      divide_by_count(out.grad().f32(), rows_used.i32(), C, g.f32(), d);
      smooth_l1_backward(pred.value().f32(), target.value().f32(), w.f32(), g.f32(), 1.0f, grad_out(pred),
                         grad_out(target), n, C, beta, d);
    });
  return out;
}

Var cross_entropy(const Var& logits, const Tensor& labels) {
  WS_OP("cross_entropy");
  const Tensor& X = logits.value();
  check_f32("cross_entropy", X, "logits");
  WS_CHECK(X.ndim() == 2 && X.size(0) > 0 && X.size(1) > 0, "cross_entropy: logits must be a non-empty [N, K], got ",
           X.shape().str());
  int64_t N = X.size(0), K = X.size(1);
  WS_CHECK(labels.defined() && labels.dtype() == DType::I32 && labels.ndim() == 1 && labels.size(0) == N,
           "cross_entropy: labels must be I32 [", N, "] for logits ", X.shape().str(), ", got ",
           labels.defined() ? describe(labels) : "undefined");
  Device d = common_device("cross_entropy", {&X, &labels});
  // Checked on the host: an out-of-range label would read outside its row.
  std::vector<int32_t> lv = labels.to_vector_i32();
  for (size_t i = 0; i < lv.size(); ++i)
    WS_CHECK(lv[i] >= 0 && lv[i] < K, "cross_entropy: label ", lv[i], " of row ", i, " is outside [0, ", K,
             ") for logits ", X.shape().str());
  Var out(Tensor::empty({1}, DType::F32, d), needs_grad({&logits}));
  Tensor loss = Tensor::empty({N}, DType::F32, d), lse = Tensor::empty({N}, DType::F32, d);
  cross_entropy_rows(X.f32(), labels.i32(), loss.f32(), lse.f32(), N, K, d);
  float scale = 1.0f / float(N);
  scaled_total(loss, scale, out.value());
  if (out.requires_grad())
    record([logits, labels, lse, out, scale, N, K, d] {
      if (!out.has_grad()) return;
      cross_entropy_backward(logits.value().f32(), labels.i32(), lse.f32(), out.grad().f32(), scale,
                             grad_out(logits), N, K, d);
    });
  return out;
}

}  // namespace ws
