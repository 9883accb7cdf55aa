// Shared test helpers: random tensors, closeness checks that print the first
// mismatches, finite-difference gradient checks and CPU-vs-CUDA parity checks.
#pragma once
#include <doctest/doctest.h>

#include <array>
#include <functional>
#include <string>
#include <vector>

#include "engine/ops.h"
#include "engine/params.h"
#include "kernels/gemm.h"

namespace ws::test {

// Uniform values in [lo, hi) from a fixed seed (host-side; deterministic).
Tensor random_tensor(Shape s, uint64_t seed, float lo = -1.0f, float hi = 1.0f, Device d = Device::cpu());
// Uniform integers in [0, n).
Tensor random_indices(int64_t count, int32_t n, uint64_t seed, Device d = Device::cpu());
// Positions [B, S_random + special.size(), 3]: per NeRF, S_random points uniform in
// [lo, hi)^3, then the given special points (box faces, corners, outside).
Tensor box_positions(int64_t B, int64_t S_random, uint64_t seed, float lo, float hi,
                     const std::vector<std::array<float, 3>>& special = {});

// C = op(A) op(B) by the textbook triple loop, in double (A, B F32 matrices; op = transpose
// where ta / tb): the reference every matmul test compares against.
std::vector<float> naive_matmul(const Tensor& A, const Tensor& B, bool ta, bool tb);

// Checks |a - b| <= atol + rtol |b| element-wise; on failure reports the first mismatches.
// `outliers` > 0: that fraction of the values may miss (counted and printed; NaN never passes).
void check_close(const std::vector<float>& a, const std::vector<float>& b, double atol, double rtol,
                 const std::string& what, double outliers = 0);
inline void check_close(const Tensor& a, const Tensor& b, double atol, double rtol, const std::string& what,
                        double outliers = 0) {
  REQUIRE_MESSAGE(a.shape() == b.shape(), what, ": shapes ", a.shape().str(), " vs ", b.shape().str());
  check_close(a.to_vector(), b.to_vector(), atol, rtol, what, outliers);
}

// f builds an output from Vars made of `inputs` (all F32; each requires a gradient
// unless listed in `constant`). The check compares d(sum(w * f))/d(input) from backward
// with central differences on up to `max_checks` elements per input. Elements where
// the one-sided differences disagree (a kink, e.g. ReLU at 0) are skipped and counted.
struct GradCheck {
  double eps = 1e-3;
  double atol = 2e-3;
  double rtol = 2e-2;
  int max_checks = 48;
  std::vector<int> constant;  // input indices that get no gradient
};
using VarFn = std::function<Var(const std::vector<Var>&)>;
void check_gradients(const std::string& name, const VarFn& f, const std::vector<Tensor>& inputs,
                     const GradCheck& opt = GradCheck());

// Central differences against backward() for the parameters of `ps` (every
// numel/`per_param` element of each parameter `select` accepts; all when select is null):
// loss() builds a scalar from the parameters' current values. Points where the two one-sided
// differences disagree by more than 20 % sit on a ReLU kink and are skipped. Returns how
// many elements were compared.
int check_param_gradients(ParamSet& ps, const std::function<Var()>& loss,
                          const std::function<bool(const std::string&)>& select = nullptr, int per_param = 3);

// Runs f on the CPU and on CUDA (inputs copied over), comparing outputs and input
// gradients. Without a GPU it records a skip (the test binary then reports it, and a
// test case that only skipped exits with ctest's skip code 77).
void check_parity(const std::string& name, const VarFn& f, const std::vector<Tensor>& inputs,
                  double atol = 1e-4, double rtol = 1e-4, const std::vector<int>& constant = {});
// The same on the CPU alone: f (forward and backward) under GEMM precision p against fp32.
// grad_outliers: the fraction of gradient values that may miss the tolerance (ReLU sign flips).
void check_precision_parity(const std::string& name, const VarFn& f, const std::vector<Tensor>& inputs,
                            GemmPrecision p, double atol, double rtol, const std::vector<int>& constant = {},
                            double grad_outliers = 0);
// The same for an op without gradients: f maps input tensors (on either device) to output
// tensors; F32 outputs are compared with the tolerance, integer ones exactly.
using TensorFn = std::function<std::vector<Tensor>(const std::vector<Tensor>&)>;
void check_parity_forward(const std::string& name, const TensorFn& f, const std::vector<Tensor>& inputs,
                          double atol = 1e-5, double rtol = 1e-5);
// True when a GPU is present; otherwise records one skipped parity test.
bool gpu_or_skip(const std::string& name);
// True when the CPU's AMX tiles are usable (kernels/gemm_amx.h); otherwise records one
// skipped test, counted with the GPU skips.
bool amx_or_skip(const std::string& name);
int parity_skips();

}  // namespace ws::test

namespace ws::test {
// A fresh path under a per-process temporary folder (created on first use), for tests that write files.
std::string temp_path(const std::string& name);

// Runs the built `wsnerf ARGS` through the shell (stdout and stderr captured in this
// process's temporary folder); status is the exit code, -1 when killed by a signal.
struct CliRun {
  int status;
  std::string out, err;
};
CliRun run_wsnerf(const std::string& args);
}  // namespace ws::test
