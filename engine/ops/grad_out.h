// For backward closures whose kernel writes several gradients at once: the GradOut of a
// Var (a null one when it needs no gradient). The Var's node keeps the memory alive.
#pragma once
#include "engine/autograd.h"
#include "kernels/grad_out.h"

namespace ws {

inline GradOut grad_out(const Var& v) {
  if (!v.defined() || !v.requires_grad()) return {};
  GradSlot s = v.grad_slot();
  return {s.t.f32(), s.accumulate};
}

}  // namespace ws
