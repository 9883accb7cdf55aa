#include "tests/testing.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>

#include <sys/wait.h>

#include "core/rng.h"
#include "engine/io.h"
#include "kernels/gemm_amx.h"

namespace ws::test {

namespace {
int g_parity_skips = 0;
}

std::vector<float> naive_matmul(const Tensor& A, const Tensor& B, bool ta, bool tb) {
  std::vector<float> a = A.to_vector(), b = B.to_vector();
  int64_t M = ta ? A.size(1) : A.size(0), K = ta ? A.size(0) : A.size(1), N = tb ? B.size(0) : B.size(1);
  std::vector<float> c(size_t(M * N));
  for (int64_t i = 0; i < M; ++i)
    for (int64_t j = 0; j < N; ++j) {
      double s = 0;
      for (int64_t k = 0; k < K; ++k)
        s += double(ta ? a[k * M + i] : a[i * K + k]) * double(tb ? b[j * K + k] : b[k * N + j]);
      c[size_t(i * N + j)] = float(s);
    }
  return c;
}

Tensor random_tensor(Shape s, uint64_t seed, float lo, float hi, Device d) {
  std::vector<float> v(static_cast<size_t>(s.numel()));
  for (size_t i = 0; i < v.size(); ++i) v[i] = lo + (hi - lo) * philox_uniform(seed, i);
  return Tensor::from(v, s, d);
}

Tensor box_positions(int64_t B, int64_t S_random, uint64_t seed, float lo, float hi,
                     const std::vector<std::array<float, 3>>& special) {
  const int64_t S = S_random + int64_t(special.size());
  std::vector<float> v;
  for (int64_t b = 0; b < B; ++b) {
    for (int64_t s = 0; s < S_random * 3; ++s) v.push_back(lo + (hi - lo) * philox_uniform(seed, uint64_t(b * S * 3 + s)));
    for (const auto& p : special) v.insert(v.end(), p.begin(), p.end());
  }
  return Tensor::from(v, {B, S, 3});
}

Tensor random_indices(int64_t count, int32_t n, uint64_t seed, Device d) {
  std::vector<int32_t> v(static_cast<size_t>(count));
  for (size_t i = 0; i < v.size(); ++i) v[i] = int32_t(philox_uniform(seed, i) * float(n)) % n;
  return Tensor::from(v, {count}, d);
}

void check_close(const std::vector<float>& a, const std::vector<float>& b, double atol, double rtol,
                 const std::string& what, double outliers) {
  REQUIRE_MESSAGE(a.size() == b.size(), what, ": sizes ", a.size(), " vs ", b.size());
  int bad = 0;
  std::string report;
  for (size_t i = 0; i < a.size(); ++i) {
    double diff = std::fabs(double(a[i]) - double(b[i]));
    bool ok = diff <= atol + rtol * std::fabs(double(b[i])) && !std::isnan(a[i]) && !std::isnan(b[i]);
    if (!ok && bad++ < 5) report += str_cat("\n  [", i, "] got ", a[i], " expected ", b[i], " (|diff| ", diff, ")");
  }
  if (outliers > 0) MESSAGE(what, ": ", bad, " of ", a.size(), " values beyond the tolerance");
  CHECK_MESSAGE(double(bad) <= outliers * double(a.size()), what, ": ", bad, " of ", a.size(),
                " values differ (atol ", atol, ", rtol ", rtol, outliers > 0 ? str_cat(", a fraction ", outliers, " allowed") : "",
                ")", report);
}

namespace {
std::vector<Var> make_vars(const std::vector<Tensor>& inputs, const std::vector<int>& constant) {
  std::vector<Var> vars;
  for (size_t i = 0; i < inputs.size(); ++i) {
    bool c = std::find(constant.begin(), constant.end(), int(i)) != constant.end();
    vars.emplace_back(inputs[i], !c);
  }
  return vars;
}

// sum(w * y) in double, w in [-1, 1) from a fixed seed: the scalar the checks differentiate.
double weighted_sum(const Tensor& y) {
  std::vector<float> v = y.to_vector();
  double s = 0;
  for (size_t i = 0; i < v.size(); ++i) s += double(2.0f * philox_uniform(777, i) - 1.0f) * double(v[i]);
  return s;
}

Tensor weights_like(const Tensor& y) {
  std::vector<float> w(size_t(y.numel()));
  for (size_t i = 0; i < w.size(); ++i) w[i] = 2.0f * philox_uniform(777, i) - 1.0f;
  return Tensor::from(w, y.shape(), y.device());
}

// Runs f, then backward with dL/dy = w; returns y (the input Vars hold the gradients).
Tensor run_with_backward(const VarFn& f, std::vector<Var>& vars) {
  clear_tape();
  Var y = f(vars);
  REQUIRE_MESSAGE(y.requires_grad(), "the function's output does not require a gradient");
  Var w(weights_like(y.value()));
  backward(sum(mul(y, w)));
  return y.value();
}
}  // namespace

int check_param_gradients(ParamSet& ps, const std::function<Var()>& loss,
                          const std::function<bool(const std::string&)>& select, int per_param) {
  ps.zero_grad();
  backward(loss());
  const std::vector<float> grad = ps.grads().to_vector();
  int checked = 0;
  for (const Param& p : ps.params()) {
    if (select && !select(p.name)) continue;
    for (int64_t i = 0; i < p.shape.numel(); i += std::max<int64_t>(1, p.shape.numel() / per_param)) {
      const int64_t at = p.offset + i;
      const std::vector<float> v0 = ps.values().to_vector();
      auto eval = [&](float delta) {
        std::vector<float> v = v0;
        v[size_t(at)] += delta;
        ps.values().copy_from(Tensor::from(v, {ps.numel()}));
        NoGradGuard ng;
        return double(loss().value().item());
      };
      const float eps = 1e-3f;  // small: many ReLUs share each parameter, and crossings bias the difference
      const double lp = eval(eps), lm = eval(-eps), l0 = eval(0);
      ps.values().copy_from(Tensor::from(v0, {ps.numel()}));
      if (std::fabs((lp - l0) - (l0 - lm)) > 0.2 * (std::fabs(lp - l0) + std::fabs(l0 - lm)) + 1e-4) continue;  // kink
      const double numeric = (lp - lm) / (2 * eps);
      CHECK_MESSAGE(std::fabs(grad[size_t(at)] - numeric) <= 2e-3 + 3e-2 * std::fabs(numeric), p.name, "[", i,
                    "] analytic ", grad[size_t(at)], " numeric ", numeric);
      ++checked;
    }
  }
  return checked;
}

void check_gradients(const std::string& name, const VarFn& f, const std::vector<Tensor>& inputs,
                     const GradCheck& opt) {
  std::vector<Tensor> xs;
  for (const Tensor& t : inputs) xs.push_back(t.clone());
  std::vector<Var> vars = make_vars(xs, opt.constant);
  run_with_backward(f, vars);

  int checked = 0, kinks = 0;
  for (size_t k = 0; k < xs.size(); ++k) {
    if (!vars[k].requires_grad()) continue;
    REQUIRE_MESSAGE(vars[k].has_grad(), name, ": input ", k, " got no gradient");
    std::vector<float> analytic = vars[k].grad().to_vector();
    int64_t n = xs[k].numel();
    int64_t stride = std::max<int64_t>(1, n / opt.max_checks);
    for (int64_t i = 0; i < n; i += stride) {
      auto eval = [&](float delta) {
        std::vector<float> v = xs[k].to_vector();
        float orig = v[size_t(i)];
        v[size_t(i)] = orig + delta;
        Tensor perturbed = Tensor::from(v, xs[k].shape(), xs[k].device());
        std::vector<Var> pv;
        for (size_t j = 0; j < xs.size(); ++j) pv.emplace_back(j == k ? perturbed : xs[j], false);
        NoGradGuard ng;
        return weighted_sum(f(pv).value());
      };
      float e = float(opt.eps);
      double lp = eval(e), lm = eval(-e), l0 = eval(0.0f);
      double fwd = (lp - l0) / e, bwd = (l0 - lm) / e, numeric = (lp - lm) / (2 * e);
      // A kink (ReLU crossing zero inside the step) makes the one-sided slopes disagree;
      // for smooth functions they differ by about eps * f''.
      if (std::fabs(fwd - bwd) > 0.05 * (std::fabs(fwd) + std::fabs(bwd)) + 5 * opt.atol) {
        ++kinks;
        continue;
      }
      double a = analytic[size_t(i)];
      CHECK_MESSAGE(std::fabs(a - numeric) <= opt.atol + opt.rtol * std::fabs(numeric), name, ": d/d input ", k,
                    "[", i, "] analytic ", a, " numeric ", numeric);
      ++checked;
    }
  }
  CHECK_MESSAGE(checked > 0, name, ": no element could be checked (", kinks, " kinks)");
  CHECK_MESSAGE(kinks <= checked / 4 + 1, name, ": too many kinks skipped: ", kinks, " vs ", checked, " checked");
}

bool gpu_or_skip(const std::string& name) {
  if (cuda_available()) return true;
  ++g_parity_skips;
  MESSAGE("no GPU: parity test '", name, "' skipped");
  return false;
}

bool amx_or_skip(const std::string& name) {
  if (amx_usable()) return true;
  ++g_parity_skips;
  MESSAGE("no AMX (", amx_note(), "): test '", name, "' skipped");
  return false;
}

int parity_skips() { return g_parity_skips; }

namespace {
// Output and input gradients of one run (y, vars) against a reference run (y_ref, ref).
void check_runs_close(const std::string& name, const Tensor& y, const std::vector<Var>& vars, const Tensor& y_ref,
                      const std::vector<Var>& ref, double atol, double rtol, double grad_outliers) {
  check_close(y.to(Device::cpu()), y_ref, atol, rtol, name + " (output)");
  for (size_t k = 0; k < ref.size(); ++k)
    if (ref[k].has_grad())
      check_close(vars[k].grad().to(Device::cpu()), ref[k].grad(), atol, rtol,
                  str_cat(name, " (gradient of input ", k, ")"), grad_outliers);
}
}  // namespace

void check_parity(const std::string& name, const VarFn& f, const std::vector<Tensor>& inputs, double atol,
                  double rtol, const std::vector<int>& constant) {
  if (!gpu_or_skip(name)) return;
  std::vector<Tensor> cpu_in, gpu_in;
  for (const Tensor& t : inputs) {
    cpu_in.push_back(t.to(Device::cpu()).clone());
    gpu_in.push_back(t.to(Device::cuda()));
  }
  std::vector<Var> cv = make_vars(cpu_in, constant), gv = make_vars(gpu_in, constant);
  Tensor yc = run_with_backward(f, cv), yg = run_with_backward(f, gv);
  check_runs_close(name, yg, gv, yc, cv, atol, rtol, 0);
}

void check_precision_parity(const std::string& name, const VarFn& f, const std::vector<Tensor>& inputs,
                            GemmPrecision p, double atol, double rtol, const std::vector<int>& constant,
                            double grad_outliers) {
  const GemmPrecision before = gemm_precision();
  auto run = [&](GemmPrecision q, std::vector<Var>& vars) {  // forward and backward in precision q
    set_gemm_precision(q);
    std::vector<Tensor> in;
    for (const Tensor& t : inputs) in.push_back(t.to(Device::cpu()).clone());
    vars = make_vars(in, constant);
    Tensor y = run_with_backward(f, vars);
    set_gemm_precision(before);
    return y;
  };
  std::vector<Var> ref, got;
  Tensor y_ref = run(GemmPrecision::Fp32, ref), y = run(p, got);
  check_runs_close(str_cat(name, " in ", gemm_precision_name(p), " vs fp32"), y, got, y_ref, ref, atol, rtol,
                   grad_outliers);
}

void check_parity_forward(const std::string& name, const TensorFn& f, const std::vector<Tensor>& inputs, double atol,
                          double rtol) {
  if (!gpu_or_skip(name)) return;
  std::vector<Tensor> cpu_in, gpu_in;
  for (const Tensor& t : inputs) {
    cpu_in.push_back(t.to(Device::cpu()).clone());
    gpu_in.push_back(t.to(Device::cuda()));
  }
  std::vector<Tensor> yc = f(cpu_in), yg = f(gpu_in);
  REQUIRE_MESSAGE(yc.size() == yg.size(), name, ": ", yc.size(), " CPU outputs, ", yg.size(), " CUDA outputs");
  for (size_t k = 0; k < yc.size(); ++k) {
    const std::string what = str_cat(name, " (output ", k, ")");
    Tensor g = yg[k].to(Device::cpu());
    REQUIRE_MESSAGE((g.shape() == yc[k].shape() && g.dtype() == yc[k].dtype()), what, ": ", describe(g), " vs ",
                    describe(yc[k]));
    if (g.dtype() == DType::F32) {
      check_close(g, yc[k], atol, rtol, what);
    } else {
      std::vector<uint8_t> a(g.nbytes()), b(g.nbytes());
      g.copy_to_host(a.data(), a.size());
      yc[k].copy_to_host(b.data(), b.size());
      size_t first = 0;
      while (first < a.size() && a[first] == b[first]) ++first;
      CHECK_MESSAGE(first == a.size(), what, ": integer outputs differ (first at byte ", first, ")");
    }
  }
}

}  // namespace ws::test

#include <unistd.h>

#include <filesystem>

namespace ws::test {
namespace {
// Created on first use, removed with everything in it when the test binary exits.
struct TempDir {
  std::filesystem::path path = std::filesystem::temp_directory_path() / str_cat("wsnerf_tests_", ::getpid());
  TempDir() { std::filesystem::create_directories(path); }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};
}  // namespace

std::string temp_path(const std::string& name) {
  static const TempDir dir;
  return (dir.path / name).string();
}

CliRun run_wsnerf(const std::string& args) {
  const std::string bin = std::string(WS_BINARY_DIR) + "/wsnerf";
  REQUIRE_MESSAGE(std::ifstream(bin).good(), "no wsnerf binary at ", bin);
  const std::string out = temp_path("cli.stdout"), err = temp_path("cli.stderr");
  const int rc = std::system((bin + " " + args + " >" + out + " 2>" + err).c_str());
  return {WIFEXITED(rc) ? WEXITSTATUS(rc) : -1, read_file(out), read_file(err)};
}
}  // namespace ws::test
