#include "engine/optim.h"

#include <cmath>

#include "kernels/adam.h"
#include "kernels/elementwise.h"
#include "kernels/reduce.h"
#include "engine/trace.h"

namespace ws {

namespace {
const char* kAdamFormat = "wsnerf.adam/1";
const char* variant(const AdamConfig& c) { return c.decoupled ? "adamw" : "adam"; }
}  // namespace

Adam::Adam(ParamSet& params, AdamConfig cfg) : params_(params), cfg_(cfg) {
  WS_CHECK(params.materialized(), "Adam: the ParamSet is not materialized");
  WS_CHECK(cfg.beta1 >= 0 && cfg.beta1 < 1 && cfg.beta2 >= 0 && cfg.beta2 < 1, "Adam: betas (", cfg.beta1, ", ",
           cfg.beta2, ") must be in [0, 1)");
  m_ = Tensor::zeros({params.numel()}, DType::F32, params.device());
  v_ = Tensor::zeros({params.numel()}, DType::F32, params.device());
}

void Adam::step(float lr) {
  WS_OP("adam_step");
  Device d = params_.device();
  WS_CHECK(params_.numel() == m_.numel(), "Adam: the ParamSet has ", params_.numel(), " values, the state ",
           m_.numel());
  if (m_.device() != d) {
    m_ = m_.to(d);
    v_ = v_.to(d);
  }
  ++steps_;
  double t = double(steps_);
  AdamStep s;
  s.beta1 = cfg_.beta1;
  s.beta2 = cfg_.beta2;
  s.eps = cfg_.eps;
  s.l2 = cfg_.decoupled ? 0.0f : cfg_.weight_decay;
  s.decay = cfg_.decoupled ? float(1.0 - double(lr) * cfg_.weight_decay) : 1.0f;
  s.step_size = float(lr / (1.0 - std::pow(double(cfg_.beta1), t)));
  s.bc2_sqrt = float(std::sqrt(1.0 - std::pow(double(cfg_.beta2), t)));
  adam_step(params_.values().f32(), params_.grads().f32(), m_.f32(), v_.f32(), m_.numel(), s, d);
}

void Adam::save(const std::string& path) const {
  save_safetensors(path, {{"adam.m", m_}, {"adam.v", v_}},
                   {{"format", kAdamFormat},
                    {"step", std::to_string(steps_)},
                    {"variant", variant(cfg_)},
                    {"beta1", str_cat(cfg_.beta1)},
                    {"beta2", str_cat(cfg_.beta2)},
                    {"eps", str_cat(cfg_.eps)},
                    {"weight_decay", str_cat(cfg_.weight_decay)}});
}

void Adam::load(const std::string& path) {
  TensorFile f = load_safetensors(path);
  WS_CHECK(f.meta_or("format", "") == kAdamFormat, "optimizer state ", path, ": format '", f.meta_or("format", ""),
           "', expected '", kAdamFormat, "'");
  WS_CHECK(f.meta("variant") == variant(cfg_), "optimizer state ", path, ": saved by ", f.meta("variant"),
           ", this optimizer is ", variant(cfg_));
  const Tensor &m = f.get("adam.m"), &v = f.get("adam.v");
  for (const Tensor* t : {&m, &v})
    WS_CHECK(t->dtype() == DType::F32 && t->shape() == m_.shape(), "optimizer state ", path, ": holds ",
             describe(*t), ", the parameters need F32", m_.shape().str());
  int64_t step = -1;
  try {
    size_t used = 0;
    step = std::stoll(f.meta("step"), &used);
    if (used != f.meta("step").size()) step = -1;
  } catch (const std::exception&) {
  }
  WS_CHECK(step >= 0, "optimizer state ", path, ": step '", f.meta("step"), "' is not a non-negative integer");
  m_.copy_from(m);
  v_.copy_from(v);
  steps_ = step;
}

float grad_norm(const ParamSet& params) {
  WS_OP("grad_norm");
  WS_CHECK(params.materialized(), "grad_norm: the ParamSet is not materialized");
  Device d = params.device();
  int64_t n = params.numel();
  if (n == 0) return 0.0f;
  // Squares into scratch (from the caching allocator), then the fixed-order block sum.
  Tensor sq = Tensor::empty({n}, DType::F32, d), total = Tensor::empty({1}, DType::F32, d);
  unary_forward(Unary::Square, params.grads().f32(), sq.f32(), n, d);
  sum_rows(sq.f32(), total.f32(), n, 1, false, d);
  return std::sqrt(total.item());
}

float clip_grad_norm(ParamSet& params, float max_norm) {
  float norm = grad_norm(params);
  float coef = max_norm / (norm + 1e-6f);
  if (coef < 1.0f) affine(params.grads().f32(), params.grads().f32(), coef, 0.0f, params.numel(), params.device());
  return norm;
}

}  // namespace ws
