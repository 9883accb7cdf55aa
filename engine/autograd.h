// Reverse-mode autograd on a tape.
//
// A Var is a handle to a value tensor plus, once backward reaches it, a gradient.
// Ops compute their output eagerly and, when any input requires a gradient and
// recording is on, push a closure onto the tape that reads the output's gradient and
// adds into the inputs' gradients. backward(loss) runs the tape in reverse once and
// clears it (freeing the saved activations).
//
// Gradient convention (as llm.c states it for its layers): backward closures ADD into
// input gradients. grad_slot() tells a kernel whether the slot already holds a
// gradient (accumulate) or is fresh memory it must overwrite, so no zero-fill is needed.
#pragma once
#include <functional>
#include <memory>
#include <string>

#include "engine/tensor.h"

namespace ws {

struct VarNode {
  Tensor value;
  Tensor grad;  // undefined until a gradient arrives
  bool requires_grad = false;
};

// Where a backward kernel writes a gradient: `t` holds one already when `accumulate`.
struct GradSlot {
  Tensor t;
  bool accumulate = false;
  float* f32_or_null() const { return t.defined() ? t.f32() : nullptr; }  // no slot taken: null
};

class Var {
 public:
  Var() = default;
  explicit Var(Tensor value, bool requires_grad = false);

  bool defined() const { return node_ != nullptr; }
  const Tensor& value() const { return node_->value; }
  const Tensor& grad() const { return node_->grad; }
  bool has_grad() const { return node_ && node_->grad.defined(); }
  bool requires_grad() const { return node_ && node_->requires_grad; }
  const Shape& shape() const { return node_->value.shape(); }
  int64_t numel() const { return node_->value.numel(); }
  Device device() const { return node_->value.device(); }

  // Replaces the value (parameters are re-pointed into slabs; loaders fill them).
  void set_value(Tensor v) { node_->value = std::move(v); }
  // Sets the gradient storage (parameter slabs); it then accumulates.
  void set_grad(Tensor g) { node_->grad = std::move(g); }

  // For backward closures: the slot to write this Var's gradient into.
  GradSlot grad_slot() const;
  // grad_slot() where this Var takes a gradient, else an empty slot (f32_or_null() is null).
  GradSlot grad_slot_if_required() const { return requires_grad() ? grad_slot() : GradSlot{}; }
  // Adds g into the gradient. g is taken over without a copy when the gradient is
  // still empty and `g_is_private` says no other tensor shares g's storage.
  void add_grad(const Tensor& g, bool g_is_private = false) const;
  bool same_node(const Var& o) const { return node_ == o.node_; }

 private:
  std::shared_ptr<VarNode> node_;
};

// ---- the tape ------------------------------------------------------------------
bool grad_enabled();
// True when recording is on and one of the inputs requires a gradient.
bool needs_grad(std::initializer_list<const Var*> inputs);
// Appends a backward closure (ignored while recording is off).
void record(std::function<void()> backward_fn);
// Runs the tape in reverse from a one-element loss (its gradient is 1), then clears it.
void backward(const Var& loss);
// Drops everything recorded (e.g. after a forward pass whose gradient is not wanted).
void clear_tape();
size_t tape_size();

// Turns recording off in a scope (inference, evaluation, optimizer updates).
class NoGradGuard {
 public:
  NoGradGuard();
  ~NoGradGuard();
  NoGradGuard(const NoGradGuard&) = delete;
  NoGradGuard& operator=(const NoGradGuard&) = delete;

 private:
  bool prev_;
};

}  // namespace ws
