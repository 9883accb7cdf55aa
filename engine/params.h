// Parameters in slabs: a model declares named parameters, then materialize() places
// all values in ONE allocation and all gradients in another, each parameter a view at
// its offset. Backward accumulates into the gradient views (Var::set_grad), the
// optimizer updates the whole slab in one kernel, and checkpoints address parameters
// by name.
#pragma once
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/autograd.h"
#include "engine/safetensors.h"

namespace ws {

struct Param {
  std::string name;  // e.g. "enc.block0.edge.weight"
  Var var;
  int64_t offset;  // first element in the slabs
  Shape shape;
};

class ParamSet {
 public:
  // Declares a parameter; the Var gets its storage at materialize(). Names are unique.
  Var add(const std::string& name, Shape shape);
  // Allocates the value and gradient slabs on d: values uninitialised (use the init
  // helpers or a loader), gradients zero.
  void materialize(Device d);
  bool materialized() const { return values_.defined(); }

  const std::vector<Param>& params() const { return params_; }
  Tensor values() const { return values_; }  // F32 [P] (a handle): every parameter, in declaration order
  Tensor grads() const { return grads_; }    // F32 [P]
  int64_t numel() const { return numel_; }
  Device device() const { return values_.device(); }
  void zero_grad();

  bool has(const std::string& name) const { return index_.count(name) != 0; }
  const Param& param(const std::string& name) const;  // an error naming unknown names
  Var get(const std::string& name) const { return param(name).var; }

  // Moves both slabs to d (the Vars follow; the tape must be empty).
  void to(Device d);

 private:
  void point_vars();  // re-points every Var into the current slabs
  std::vector<Param> params_;
  std::unordered_map<std::string, size_t> index_;
  int64_t numel_ = 0;
  Tensor values_, grads_;
};

// ---- initialisation (values drawn by element index: the same on every device) ------
void init_uniform(const Var& p, float lo, float hi, uint64_t seed, uint64_t stream = 0);
void init_normal(const Var& p, float mean, float std, uint64_t seed, uint64_t stream = 0);
// PyTorch's nn.Linear default: weight [out,in] and bias [out] (optional) both
// U(±1/sqrt(in)); the bias continues the weight's random sequence.
void init_linear_default(const Var& weight, const Var& bias, uint64_t seed, uint64_t stream = 0);

// ---- checkpoints: one F32 tensor per parameter, by name ------------------------------
void save_params(const std::string& path, const ParamSet& params, const Metadata& metadata = {});
// Fills a materialized ParamSet; fails naming the file and the parameter when a name is
// missing or extra, or a shape or dtype differs. Returns the file's metadata.
Metadata load_params(const std::string& path, ParamSet& params);
Metadata load_params(const TensorFile& file, ParamSet& params);

}  // namespace ws
