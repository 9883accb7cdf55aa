#include "engine/layers.h"

#include "engine/ops.h"

namespace ws {

Linear Linear::declare(ParamSet& ps, const std::string& name, int64_t in, int64_t out, bool bias) {
  Linear l;
  l.w = ps.add(name + ".weight", {out, in});
  if (bias) l.b = ps.add(name + ".bias", {out});
  return l;
}

Var Linear::operator()(const Var& x) const { return linear(x, w, b); }

LayerNorm LayerNorm::declare(ParamSet& ps, const std::string& name, int64_t dim) {
  return {ps.add(name + ".weight", {dim}), ps.add(name + ".bias", {dim})};
}

void LayerNorm::init() const {
  gamma.value().fill_(1.0f);
  beta.value().fill_(0.0f);
}

Var LayerNorm::operator()(const Var& x) const { return layer_norm(x, gamma, beta); }

Embedding Embedding::declare(ParamSet& ps, const std::string& name, int64_t count, int64_t dim) {
  return {ps.add(name + ".weight", {count, dim})};
}

Var Embedding::operator()(const Tensor& ids, const Csr* grouped) const { return embedding(table, ids, grouped); }

}  // namespace ws
