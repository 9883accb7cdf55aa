#include "engine/autograd.h"

#include <vector>

#include "engine/trace.h"
#include "kernels/elementwise.h"

namespace ws {

namespace {
struct Tape {
  std::vector<std::function<void()>> fns;
  std::vector<const char*> names;   // per closure: its op's backward range name (WS_OP), or null
  std::vector<const char*> phases;  // per closure: its phase's backward range name (WS_PHASE), or null
  bool enabled = true;
};
Tape& tape() {
  static thread_local Tape t;
  return t;
}
}  // namespace

Var::Var(Tensor value, bool requires_grad) : node_(std::make_shared<VarNode>()) {
  node_->value = std::move(value);
  node_->requires_grad = requires_grad;
}

GradSlot Var::grad_slot() const {
  if (node_->grad.defined()) return {node_->grad, true};
  const Tensor& v = node_->value;
  node_->grad = Tensor::empty(v.shape(), v.dtype(), v.device());
  return {node_->grad, false};
}

void Var::add_grad(const Tensor& g, bool g_is_private) const {
  WS_CHECK(g.shape().numel() == shape().numel(), "gradient ", describe(g), " for a value ",
           describe(value()));
  if (!node_->grad.defined() && g_is_private) {
    node_->grad = g.reshape(shape());
    return;
  }
  GradSlot s = grad_slot();
  axpby(s.t.f32(), g.f32(), 1.0f, s.accumulate ? 1.0f : 0.0f, g.numel(), g.device());
}

bool grad_enabled() { return tape().enabled; }

bool needs_grad(std::initializer_list<const Var*> inputs) {
  if (!tape().enabled) return false;
  for (const Var* v : inputs)
    if (v && v->requires_grad()) return true;
  return false;
}

void record(std::function<void()> backward_fn) {
  if (!tape().enabled) return;
  tape().fns.push_back(std::move(backward_fn));
  tape().names.push_back(current_backward_name());
  tape().phases.push_back(current_phase_backward_name());
}

void backward(const Var& loss) {
  WS_CHECK(loss.defined() && loss.numel() == 1, "backward() needs a one-element loss, got ",
           loss.defined() ? describe(loss.value()) : "an undefined Var");
  WS_CHECK(loss.requires_grad(), "backward(): the loss does not depend on anything that requires a gradient");
  Var l = loss;
  l.add_grad(Tensor::full(loss.shape(), 1.0f, loss.device()), true);
  auto& fns = tape().fns;
  auto& names = tape().names;
  auto& phases = tape().phases;
  NoGradGuard no_grad;  // closures compute with kernels, never record
  WS_TRACE("backward");
  try {
    // Closures run newest first, in runs of one phase (WS_PHASE), each run inside its range.
    for (size_t end = fns.size(); end > 0;) {
      const char* phase = phases[end - 1];
      size_t begin = end - 1;
      while (begin > 0 && phases[begin - 1] == phase) --begin;
      auto run = [&] {
        for (size_t i = end; i-- > begin;) {
          TraceRange op(names[i] ? names[i] : "op backward");
          fns[i]();
          fns[i] = nullptr;  // frees what this op saved as soon as it is done
        }
      };
      if (phase) {
        TraceRange range(phase, true);
        run();
      } else {
        run();
      }
      end = begin;
    }
  } catch (...) {
    clear_tape();  // a failed backward leaves no half-run tape behind
    throw;
  }
  clear_tape();
}

void clear_tape() {
  tape().fns.clear();
  tape().names.clear();
  tape().phases.clear();
}
size_t tape_size() { return tape().fns.size(); }

NoGradGuard::NoGradGuard() : prev_(tape().enabled) { tape().enabled = false; }
NoGradGuard::~NoGradGuard() { tape().enabled = prev_; }

}  // namespace ws
