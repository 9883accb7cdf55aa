// layer_norm, batch_norm, dropout and l2_normalize.
#include "engine/ops.h"
#include "engine/ops/grad_out.h"
#include "kernels/batch_norm.h"
#include "kernels/dropout.h"
#include "kernels/l2_normalize.h"
#include "kernels/layer_norm.h"
#include "engine/trace.h"

namespace ws {

namespace {
// gamma and beta of a norm over C features: F32 [C] each.
void check_affine(const char* op, const Tensor& x, const Var& gamma_var, const Var& beta_var) {
  WS_CHECK(gamma_var.defined() && beta_var.defined(), op, ": gamma and beta are required (got ",
           gamma_var.defined() ? "" : "no ", "gamma, ", beta_var.defined() ? "" : "no ", "beta)");
  const Tensor &gamma = gamma_var.value(), &beta = beta_var.value();
  check_f32(op, gamma, "gamma");
  check_f32(op, beta, "beta");
  int64_t C = x.cols();
  WS_CHECK(gamma.ndim() == 1 && gamma.size(0) == C && beta.ndim() == 1 && beta.size(0) == C, op, ": gamma ",
           gamma.shape().str(), " and beta ", beta.shape().str(), " must be [", C, "] for x ", x.shape().str());
}
}  // namespace

Var layer_norm(const Var& x, const Var& gamma, const Var& beta, float eps) {
  WS_OP("layer_norm");
  const Tensor& X = x.value();
  check_f32("layer_norm", X, "x");
  WS_CHECK(X.ndim() >= 1 && X.cols() > 0, "layer_norm: x ", X.shape().str(), " has no features to normalise");
  check_affine("layer_norm", X, gamma, beta);
  Device d = common_device("layer_norm", {&X, &gamma.value(), &beta.value()});
  int64_t R = X.rows(), C = X.cols();
  Var out(Tensor::empty(X.shape(), DType::F32, d), needs_grad({&x, &gamma, &beta}));
  Tensor mean = Tensor::empty({R}, DType::F32, d), rstd = Tensor::empty({R}, DType::F32, d);
  layer_norm_forward(X.f32(), gamma.value().f32(), beta.value().f32(), out.value().f32(), mean.f32(), rstd.f32(), R,
                     C, eps, d);
  if (out.requires_grad())
    record([x, gamma, beta, out, mean, rstd, R, C, d] {
      if (!out.has_grad()) return;
      layer_norm_backward(x.value().f32(), gamma.value().f32(), mean.f32(), rstd.f32(), out.grad().f32(),
                          grad_out(x), grad_out(gamma), grad_out(beta), R, C, d);
    });
  return out;
}

Var batch_norm(const Var& x, const Var& gamma, const Var& beta, Tensor& running_mean, Tensor& running_var,
               bool training, float momentum, float eps) {
  WS_OP("batch_norm");
  const Tensor& X = x.value();
  check_f32("batch_norm", X, "x");
  WS_CHECK(X.ndim() == 2, "batch_norm: x must be [rows, features], got ", X.shape().str());
  int64_t R = X.size(0), C = X.size(1);
  check_affine("batch_norm", X, gamma, beta);
  check_f32("batch_norm", running_mean, "running_mean");
  check_f32("batch_norm", running_var, "running_var");
  WS_CHECK(running_mean.numel() == C && running_var.numel() == C, "batch_norm: running_mean ",
           running_mean.shape().str(), " and running_var ", running_var.shape().str(), " must have ", C,
           " elements for x ", X.shape().str());
  WS_CHECK(!training || R > 1, "batch_norm: training needs more than one row per feature, got x ", X.shape().str());
  Device d = common_device("batch_norm", {&X, &gamma.value(), &beta.value(), &running_mean, &running_var});
  Var out(Tensor::empty(X.shape(), DType::F32, d), needs_grad({&x, &gamma, &beta}));
  Tensor mean = Tensor::empty({C}, DType::F32, d), rstd = Tensor::empty({C}, DType::F32, d);
  batch_norm_forward(X.f32(), gamma.value().f32(), beta.value().f32(), running_mean.f32(), running_var.f32(),
                     out.value().f32(), mean.f32(), rstd.f32(), R, C, training, momentum, eps, d);
  if (out.requires_grad())
    record([x, gamma, beta, out, mean, rstd, R, C, training, d] {
      if (!out.has_grad()) return;
      batch_norm_backward(x.value().f32(), gamma.value().f32(), mean.f32(), rstd.f32(), out.grad().f32(),
                          grad_out(x), grad_out(gamma), grad_out(beta), R, C, training, d);
    });
  return out;
}

Var dropout(const Var& x, float p, bool training, uint64_t seed, uint64_t offset) {
  WS_OP("dropout");
  check_f32("dropout", x.value(), "x");
  WS_CHECK(p >= 0.0f && p <= 1.0f, "dropout: p must be in [0, 1], got ", p);
  if (!training || p == 0.0f) return x;
  Device d = x.device();
  int64_t n = x.numel();
  Var out(Tensor::empty(x.shape(), DType::F32, d), needs_grad({&x}));
  dropout_apply(x.value().f32(), out.value().f32(), n, p, seed, offset, false, d);
  if (out.requires_grad())
    record([x, out, n, p, seed, offset, d] {
      if (!out.has_grad()) return;
      GradSlot s = x.grad_slot();  // the same mask, recomputed from (seed, offset)
      dropout_apply(out.grad().f32(), s.t.f32(), n, p, seed, offset, s.accumulate, d);
    });
  return out;
}

Var l2_normalize(const Var& x, float eps) {
  WS_OP("l2_normalize");
  const Tensor& X = x.value();
  check_f32("l2_normalize", X, "x");
  WS_CHECK(X.ndim() >= 1, "l2_normalize: x must have at least one dimension, got ", X.shape().str());
  WS_CHECK(eps >= 0.0f, "l2_normalize: eps must be >= 0, got ", eps);
  Device d = X.device();
  int64_t R = X.rows(), C = X.cols();
  Var out(Tensor::empty(X.shape(), DType::F32, d), needs_grad({&x}));
  Tensor norm = Tensor::empty({R}, DType::F32, d);
  l2_normalize_forward(X.f32(), out.value().f32(), norm.f32(), R, C, eps, d);
  if (out.requires_grad())
    record([x, out, norm, R, C, eps, d] {
      if (!out.has_grad()) return;
      l2_normalize_backward(out.value().f32(), norm.f32(), out.grad().f32(), grad_out(x), R, C, eps, d);
    });
  return out;
}

}  // namespace ws
