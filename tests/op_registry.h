// The op test registry (after ggml's test-backend-ops): every differentiable op of
// engine/ops.h and every model-level fused op is registered once (tests/op_cases_*.cpp),
// with small shapes and one realistic shape. tests/test_op_registry.cpp runs them:
//   - finite-difference gradients of every small differentiable case,
//   - the CPU result against a plain reference loop where a case has one,
//   - CPU vs CUDA parity of the output and of every input gradient, every case (the
//     realistic shapes only there: they are sized for a GPU),
//   - the GEMM cases again under TF32 with the stated tolerance,
//   - coverage: every op the headers declare has a case, so a new op cannot go untested.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "tests/testing.h"

namespace ws::test {

struct OpCase {
  std::string op;       // the op's name as the headers spell it (coverage)
  std::string variant;  // what this case exercises
  bool realistic = false;  // the realistic shape: parity only (needs a GPU), no finite differences
  // The inputs, made on the CPU when the case runs (realistic ones are large).
  std::function<std::vector<Tensor>()> inputs;
  // A differentiable op: its output from Vars of the inputs, on any device (index tensors
  // come as constant Vars; use .value()). Several outputs: concatenate them.
  VarFn f;
  std::vector<int> constant;  // inputs without a gradient (index tensors, positions)
  // Or a forward-only op: its outputs from the input tensors, on their device (F32
  // outputs compared with the tolerance, integer ones exactly).
  std::function<std::vector<Tensor>(const std::vector<Tensor>&)> forward;
  bool fd = true;        // finite differences for the small differentiable case
  GradCheck grad;        // their step and tolerances
  double atol = 1e-4, rtol = 1e-4;  // CPU vs CUDA (outputs and gradients)
  // Cases whose work is GEMMs run again with TF32 tensor cores (and in bf16x3 on the CPU), to
  // this tolerance.
  bool gemm = false;
  double tf32_atol = 0, tf32_rtol = 1e-2;
  // Its backward passes a ReLU mask: a pre-activation near zero may change sign under
  // another precision and move a gradient row by O(1) (the bf16x3 check allows a few).
  bool relu_gradient = false;
  // A plain CPU loop the CPU output must match, and its tolerance.
  std::function<std::vector<float>(const std::vector<Tensor>&)> reference;
  double ref_atol = 1e-5, ref_rtol = 1e-5;
};

std::vector<OpCase>& op_registry();

struct OpRegistrar {
  explicit OpRegistrar(const std::function<void(std::vector<OpCase>&)>& add) { add(op_registry()); }
};

// TF32 tolerance of a GEMM-bound case whose longest sum has K terms of inputs in [-1, 1]
// (kernels/gemm.h): 10-bit mantissas give ~1e-3 relative per product, growing as sqrt(K).
double tf32_atol(int64_t K);

}  // namespace ws::test

// WS_OP_CASES(name) { cases.push_back(...); }: registers cases at start-up.
#define WS_OP_CASES(name)                                                      \
  static void name(std::vector<ws::test::OpCase>& cases);                     \
  static const ws::test::OpRegistrar name##_registrar(name);                  \
  static void name(std::vector<ws::test::OpCase>& cases)
