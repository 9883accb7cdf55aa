#include "engine/params.h"

#include <cmath>

#include "kernels/random.h"

namespace ws {

Var ParamSet::add(const std::string& name, Shape shape) {
  WS_CHECK(!name.empty(), "ParamSet::add: empty parameter name");
  WS_CHECK(!materialized(), "ParamSet::add('", name, "') after materialize()");
  WS_CHECK(!has(name), "ParamSet::add: parameter '", name, "' declared twice");
  Var v(Tensor(), true);
  index_[name] = params_.size();
  params_.push_back({name, v, numel_, shape});
  numel_ += shape.numel();
  return v;
}

void ParamSet::materialize(Device d) {
  WS_CHECK(!materialized(), "ParamSet::materialize() called twice");
  values_ = Tensor::empty({numel_}, DType::F32, d);
  grads_ = Tensor::zeros({numel_}, DType::F32, d);
  point_vars();
}

void ParamSet::point_vars() {
  for (Param& p : params_) {
    p.var.set_value(values_.view_at(p.offset, p.shape));
    p.var.set_grad(grads_.view_at(p.offset, p.shape));
  }
}

void ParamSet::zero_grad() {
  WS_CHECK(materialized(), "ParamSet::zero_grad() before materialize()");
  grads_.zero_();
}

const Param& ParamSet::param(const std::string& name) const {
  auto it = index_.find(name);
  WS_CHECK(it != index_.end(), "no parameter '", name, "' (", params_.size(), " declared)");
  return params_[it->second];
}

void ParamSet::to(Device d) {
  WS_CHECK(materialized(), "ParamSet::to() before materialize()");
  WS_CHECK(tape_size() == 0, "ParamSet::to() while the tape holds ", tape_size(), " ops that use the old storage");
  if (d == device()) return;
  values_ = values_.to(d);
  grads_ = grads_.to(d);
  point_vars();
}

// ---- initialisation -------------------------------------------------------------------
namespace {
float* param_data(const Var& p, const char* what) {
  WS_CHECK(p.defined() && p.value().defined(), what, ": parameter has no storage (materialize the ParamSet first)");
  return p.value().f32();
}
}  // namespace

void init_uniform(const Var& p, float lo, float hi, uint64_t seed, uint64_t stream) {
  fill_uniform(param_data(p, "init_uniform"), p.numel(), lo, hi, seed, stream, 0, p.device());
}

void init_normal(const Var& p, float mean, float std, uint64_t seed, uint64_t stream) {
  fill_normal(param_data(p, "init_normal"), p.numel(), mean, std, seed, stream, 0, p.device());
}

void init_linear_default(const Var& weight, const Var& bias, uint64_t seed, uint64_t stream) {
  float* w = param_data(weight, "init_linear_default");
  WS_CHECK(weight.value().ndim() == 2, "init_linear_default: weight must be [out, in], got ", describe(weight.value()));
  int64_t out = weight.shape()[0], in = weight.shape()[1];
  float bound = in > 0 ? float(1.0 / std::sqrt(double(in))) : 0.0f;
  fill_uniform(w, weight.numel(), -bound, bound, seed, stream, 0, weight.device());
  if (!bias.defined()) return;
  float* b = param_data(bias, "init_linear_default");
  WS_CHECK(bias.shape() == Shape{out}, "init_linear_default: bias ", describe(bias.value()), " for weight ",
           describe(weight.value()));
  fill_uniform(b, out, -bound, bound, seed, stream, uint64_t(weight.numel()), bias.device());
}

// ---- checkpoints ----------------------------------------------------------------------
void save_params(const std::string& path, const ParamSet& params, const Metadata& metadata) {
  WS_CHECK(params.materialized(), "save_params('", path, "'): the ParamSet is not materialized");
  NamedTensors tensors;
  for (const Param& p : params.params()) tensors.emplace_back(p.name, p.var.value());
  save_safetensors(path, tensors, metadata);
}

Metadata load_params(const TensorFile& file, ParamSet& params) {
  const std::string& f = file.path;
  WS_CHECK(params.materialized(), "load_params('", f, "'): the ParamSet is not materialized");
  for (const auto& [name, t] : file.tensors)
    WS_CHECK(params.has(name), "checkpoint ", f, ": tensor '", name, "' is not a parameter of the model");
  for (const Param& p : params.params()) {
    WS_CHECK(file.has(p.name), "checkpoint ", f, ": parameter '", p.name, "' is missing");
    const Tensor& t = file.get(p.name);
    WS_CHECK(t.dtype() == DType::F32, "checkpoint ", f, ": parameter '", p.name, "' is ", dtype_name(t.dtype()),
             ", model expects F32");
    WS_CHECK(t.shape() == p.shape, "checkpoint ", f, ": parameter '", p.name, "' has shape ", t.shape().str(),
             ", model expects ", p.shape.str());
  }
  for (const Param& p : params.params()) {
    Tensor dst = p.var.value();  // a view into the value slab
    dst.copy_from(file.get(p.name));
  }
  return file.metadata;
}

Metadata load_params(const std::string& path, ParamSet& params) {
  return load_params(load_safetensors(path), params);
}

}  // namespace ws
