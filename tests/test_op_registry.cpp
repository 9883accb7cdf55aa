// Runs the op registry (tests/op_registry.h): finite differences, CPU references, CPU vs
// CUDA parity (forward and backward; TF32 for GEMM cases), the CPU's bf16x3 GEMMs against
// its fp32 ones, and the coverage check.
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "engine/io.h"
#include "kernels/gemm.h"
#include "tests/op_registry.h"

using namespace ws;
using namespace ws::test;

namespace ws::test {
std::vector<OpCase>& op_registry() {
  static std::vector<OpCase> cases;
  return cases;
}

double tf32_atol(int64_t K) { return 3e-3 * std::sqrt(double(std::max<int64_t>(K, 1))); }
}  // namespace ws::test

namespace {
std::string name_of(const OpCase& c) { return c.variant.empty() ? c.op : str_cat(c.op, " (", c.variant, ")"); }

// Sets the GEMM precision for a scope.
struct PrecisionScope {
  GemmPrecision prev = gemm_precision();
  explicit PrecisionScope(GemmPrecision p) { set_gemm_precision(p); }
  ~PrecisionScope() { set_gemm_precision(prev); }
};

void run_parity(const OpCase& c, double atol, double rtol) {
  std::vector<Tensor> in = c.inputs();
  if (c.f) check_parity(name_of(c), c.f, in, atol, rtol, c.constant);
  else check_parity_forward(name_of(c), c.forward, in, atol, rtol);
}

// The declared ops: free functions returning a Var, a tensor or a result struct, at the
// top level of the op headers. Inline one-line wrappers (relu, add, mul_scalar, ...) are
// aliases of unary, binary and affine, which are covered through their enum members.
std::set<std::string> declared_ops() {
  static const char* headers[] = {"engine/ops.h",           "engine/optim.h",          "models/gmn/fused_ops.h",
                                  "models/nerf/field_ops.h", "models/nerf/field.h",    "models/render/composite.h",
                                  "models/render/march.h",  "models/train/siglip.h",  "models/train/render_loss.h"};
  const std::regex decl(
      R"(^(Var|Tensor|Composited|SampleBatch|PackedSamples|Csr|RenderLossResult|float|std::vector<Var>)\s+([a-z_0-9]+)\()");
  std::set<std::string> ops;
  for (const char* h : headers) {
    std::istringstream in(read_file(str_cat(WS_SOURCE_DIR, "/", h)));
    for (std::string line; std::getline(in, line);) {
      std::smatch m;
      if (std::regex_search(line, m, decl)) ops.insert(m[2]);
    }
  }
  // Ops that are methods or fill functions, which the scan above cannot see: a new one is
  // added here.
  for (const char* o : {"decoder", "adam_step", "adamw_step", "occupancy_update", "init_uniform", "init_normal"})
    ops.insert(o);
  return ops;
}

// Declared ops tested as a whole elsewhere, and why.
const std::map<std::string, std::string> kTestedElsewhere = {
    {"rendering_loss", "a whole training step: tests/test_step_parity.cpp (CPU vs CUDA) and test_sync_budget.cpp"},
    {"rendering_eval", "validation of a training run: tests/test_train.cpp"},
};
}  // namespace

TEST_CASE("registry: every op is registered (coverage)") {
  std::set<std::string> registered;
  for (const OpCase& c : op_registry()) registered.insert(c.op);
  std::set<std::string> ops = declared_ops();
  CHECK(ops.size() > 40);  // the scan found the headers
  MESSAGE(op_registry().size(), " cases of ", registered.size(), " ops; ", ops.size(), " ops declared");
  for (const std::string& op : ops)
    CHECK_MESSAGE((registered.count(op) || kTestedElsewhere.count(op)), "op '", op,
                  "' is declared but has no case in the registry (tests/op_cases_*.cpp)");
  for (const auto& kv : kTestedElsewhere) CHECK_MESSAGE(ops.count(kv.first), "stale exclusion '", kv.first, "'");
  // Every unary and binary kind, with a small and a realistic case each.
  std::vector<std::string> kinds = {
#define WS_KIND(name) "unary " #name,
      WS_UNARY_OPS(WS_KIND)
#undef WS_KIND
  };
  std::smatch m;
  std::string elementwise = read_file(str_cat(WS_SOURCE_DIR, "/kernels/elementwise.h"));
  REQUIRE(std::regex_search(elementwise, m, std::regex(R"(enum class Binary : uint8_t \{([^}]*)\})")));
  std::istringstream binaries(std::regex_replace(std::string(m[1]), std::regex("[ ,]+"), " "));
  for (std::string b; binaries >> b;) kinds.push_back("binary " + b);
  CHECK(kinds.size() == 16);
  for (const std::string& k : kinds) {
    bool small = false, big = false;
    for (const OpCase& c : op_registry())
      if (str_cat(c.op, " ", c.variant).rfind(k, 0) == 0) (c.realistic ? big : small) = true;
    CHECK_MESSAGE(small, k, " has no small case");
    CHECK_MESSAGE(big, k, " has no realistic case");
  }
  // And every registered op has its one realistic shape.
  for (const std::string& op : registered) {
    bool big = false;
    for (const OpCase& c : op_registry()) big = big || (c.op == op && c.realistic);
    CHECK_MESSAGE(big, "op '", op, "' has no realistic case");
  }
}

TEST_CASE("registry: finite-difference gradients of every small case") {
  int n = 0;
  for (const OpCase& c : op_registry()) {
    if (c.realistic || !c.f || !c.fd) continue;
    GradCheck g = c.grad;
    g.constant = c.constant;
    check_gradients(name_of(c), c.f, c.inputs(), g);
    ++n;
  }
  MESSAGE(n, " cases checked by finite differences");
  CHECK(n > 40);
}

TEST_CASE("registry: small cases match their plain CPU loops") {
  int n = 0;
  for (const OpCase& c : op_registry()) {
    if (c.realistic || !c.reference) continue;
    std::vector<Tensor> in = c.inputs();
    std::vector<float> got;
    if (c.f) {
      std::vector<Var> vars;
      for (const Tensor& t : in) vars.emplace_back(t, false);
      got = c.f(vars).value().to_vector();
    } else {
      got = c.forward(in)[0].to_vector();
    }
    check_close(got, c.reference(in), c.ref_atol, c.ref_rtol, name_of(c) + " vs its reference loop");
    ++n;
  }
  MESSAGE(n, " cases checked against a reference loop");
  CHECK(n > 20);
}

TEST_CASE("parity: op registry (small shapes): CPU vs CUDA forward and backward") {
  if (!gpu_or_skip("op registry (small shapes)")) return;
  for (const OpCase& c : op_registry())
    if (!c.realistic) run_parity(c, c.atol, c.rtol);
}

TEST_CASE("parity: op registry (realistic shapes): CPU vs CUDA forward and backward") {
  if (!gpu_or_skip("op registry (realistic shapes)")) return;
  for (const OpCase& c : op_registry())
    if (c.realistic) run_parity(c, c.atol, c.rtol);
}

TEST_CASE("parity: op registry (GEMM cases under TF32): within the stated tolerance") {
  if (!gpu_or_skip("op registry under TF32")) return;
  PrecisionScope tf32(GemmPrecision::Tf32);
  for (const OpCase& c : op_registry())
    if (c.gemm) run_parity(c, std::max(c.atol, c.tf32_atol), std::max(c.rtol, c.tf32_rtol));
}

// bf16x3 on the CPU within the TF32 tolerance of each case. Its GEMMs are 8x more accurate than
// TF32 (test_gemm_amx.cpp checks their bound), but a pre-activation within ~1e-5 of zero may
// change sign, and that ReLU's gradient then moves a whole row of the gradients by O(1): in
// cases marked relu_gradient, up to 10 % of gradient values may differ (counted and
// printed; the outputs must all agree).
TEST_CASE("precision: op registry (GEMM cases) in bf16x3 on the CPU: within TF32's tolerance") {
  if (!test::amx_or_skip("op registry in bf16x3")) return;
  int n = 0;
  for (const OpCase& c : op_registry())
    if (c.gemm && c.f) {
      check_precision_parity(name_of(c), c.f, c.inputs(), GemmPrecision::Bf16x3, std::max(c.atol, c.tf32_atol),
                             std::max(c.rtol, c.tf32_rtol), c.constant, c.relu_gradient ? 0.1 : 0.0);
      ++n;
    }
  MESSAGE(n, " GEMM cases run in bf16x3");
  CHECK(n >= 8);
}
