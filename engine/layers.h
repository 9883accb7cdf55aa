// Parameter bundles for model code: a Linear (PyTorch layout, weight [out, in]), a
// LayerNorm and an Embedding, declared in a ParamSet by name and initialised as
// PyTorch's defaults (Linear U(±1/sqrt(in)), LayerNorm 1/0, Embedding N(0, 1)).
#pragma once
#include <string>

#include "engine/ops.h"
#include "engine/params.h"

namespace ws {

struct Linear {
  Var w, b;  // [out, in], [out] (b undefined when bias-free)
  static Linear declare(ParamSet& ps, const std::string& name, int64_t in, int64_t out, bool bias = true);
  void init(uint64_t seed, uint64_t stream) const { init_linear_default(w, b, seed, stream); }
  Var operator()(const Var& x) const;
};

struct LayerNorm {
  Var gamma, beta;  // [dim]
  static LayerNorm declare(ParamSet& ps, const std::string& name, int64_t dim);
  void init() const;
  Var operator()(const Var& x) const;
};

struct Embedding {
  Var table;  // [count, dim]
  static Embedding declare(ParamSet& ps, const std::string& name, int64_t count, int64_t dim);
  void init(uint64_t seed, uint64_t stream) const { init_normal(table, 0.0f, 1.0f, seed, stream); }
  // ids I32 [N] -> [N, dim]; `grouped`: their checked CSR (see ops.h embedding).
  Var operator()(const Tensor& ids, const Csr* grouped = nullptr) const;
};

}  // namespace ws
