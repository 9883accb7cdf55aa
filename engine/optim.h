// Adam and AdamW over a ParamSet's slabs (one fused kernel per step), and gradient
// clipping by global norm. The learning rate comes from the caller each step, so any
// schedule (engine/schedule.h) drives it: opt.step(sched.lr(opt.steps())).
#pragma once
#include <string>

#include "engine/params.h"

namespace ws {

struct AdamConfig {
  float beta1 = 0.9f, beta2 = 0.999f, eps = 1e-8f;
  float weight_decay = 0.0f;
  bool decoupled = false;  // false: Adam (L2 added to the gradient); true: AdamW (p -= lr*wd*p)

  static AdamConfig adam(float weight_decay = 0.0f, float eps = 1e-8f) { return {0.9f, 0.999f, eps, weight_decay, false}; }
  static AdamConfig adamw(float weight_decay = 1e-2f, float eps = 1e-8f) { return {0.9f, 0.999f, eps, weight_decay, true}; }
};

class Adam {
 public:
  // The state (m, v: F32 [P], zero) lives beside the parameters; params must be materialized.
  Adam(ParamSet& params, AdamConfig cfg = {});

  // One update of every parameter from the gradients in the slab (the state follows the
  // parameters if they moved to another device).
  void step(float lr);
  int64_t steps() const { return steps_; }  // updates done so far (t of the bias corrections)
  const AdamConfig& config() const { return cfg_; }
  const Tensor& m() const { return m_; }
  const Tensor& v() const { return v_; }

  // Resume: m, v and the step count in a safetensors file (metadata format wsnerf.adam/1).
  void save(const std::string& path) const;
  void load(const std::string& path);

 private:
  ParamSet& params_;
  AdamConfig cfg_;
  Tensor m_, v_;
  int64_t steps_ = 0;
};

// Scales all gradients so their global L2 norm is at most max_norm (as
// torch.nn.utils.clip_grad_norm_, coefficient max_norm / (norm + 1e-6)); returns the
// norm before clipping. The sum of squares has a fixed order (kernels/reduce.h).
float clip_grad_norm(ParamSet& params, float max_norm);
// The global L2 norm of the gradients.
float grad_norm(const ParamSet& params);

}  // namespace ws
