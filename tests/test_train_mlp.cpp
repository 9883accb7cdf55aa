// End to end through the engine: ParamSet + linear + SiLU + AdamW + OneCycle fit a
// small MLP to a smooth function of two inputs.
#include <cmath>

#include "engine/optim.h"
#include "engine/ops.h"
#include "core/rng.h"
#include "engine/schedule.h"
#include "tests/testing.h"

using namespace ws;

namespace {
struct FitResult {
  float initial_mse, final_mse;
};

// 2 -> 32 -> 32 -> 1 on 256 points of f(x, y) = sin(2x) cos(1.5y) + 0.3xy over [-1, 1]^2.
FitResult fit_mlp(Device d, int steps) {
  const int64_t n = 256;
  std::vector<float> xs(n * 2), ys(n);
  for (int64_t i = 0; i < n; ++i) {
    float x = 2 * philox_uniform(5, uint64_t(2 * i)) - 1, y = 2 * philox_uniform(5, uint64_t(2 * i + 1)) - 1;
    xs[size_t(2 * i)] = x;
    xs[size_t(2 * i + 1)] = y;
    ys[size_t(i)] = std::sin(2 * x) * std::cos(1.5f * y) + 0.3f * x * y;
  }
  Var input(Tensor::from(xs, {n, 2}, d)), target(Tensor::from(ys, {n, 1}, d));

  ParamSet ps;
  const int64_t widths[] = {2, 32, 32, 1};
  std::vector<Var> w, b;
  for (int l = 0; l < 3; ++l) {
    w.push_back(ps.add(str_cat("mlp.", l, ".weight"), {widths[l + 1], widths[l]}));
    b.push_back(ps.add(str_cat("mlp.", l, ".bias"), {widths[l + 1]}));
  }
  ps.materialize(d);
  for (int l = 0; l < 3; ++l) init_linear_default(w[size_t(l)], b[size_t(l)], 42, uint64_t(l));

  auto loss_fn = [&] {
    Var h = input;
    for (int l = 0; l < 3; ++l) {
      h = linear(h, w[size_t(l)], b[size_t(l)]);
      if (l < 2) h = silu(h);
    }
    return mean(square(sub(h, target)));
  };
  Adam opt(ps, AdamConfig::adamw(1e-2f));
  OneCycle sched{1e-2, steps};
  FitResult r{};
  for (int t = 0; t < steps; ++t) {
    ps.zero_grad();
    Var loss = loss_fn();
    if (t == 0) r.initial_mse = loss.value().item();
    backward(loss);
    clip_grad_norm(ps, 10.0f);
    opt.step(float(sched.lr(opt.steps())));
  }
  NoGradGuard no_grad;
  r.final_mse = loss_fn().value().item();
  return r;
}
}  // namespace

TEST_CASE("train: an MLP fits a smooth 2-d function with AdamW + OneCycle") {
  FitResult r = fit_mlp(Device::cpu(), 800);
  MESSAGE("MSE ", r.initial_mse, " -> ", r.final_mse);
  CHECK(r.initial_mse > 0.05f);
  CHECK(r.final_mse < 1e-3f);
  CHECK(r.final_mse < r.initial_mse / 100);
}

TEST_CASE("parity: the MLP fit on the GPU reaches the CPU's error") {
  if (!ws::test::gpu_or_skip("MLP fit")) return;
  FitResult c = fit_mlp(Device::cpu(), 800), g = fit_mlp(Device::cuda(), 800);
  MESSAGE("MSE cpu ", c.final_mse, " cuda ", g.final_mse);
  CHECK(g.initial_mse == doctest::Approx(c.initial_mse).epsilon(1e-4));
  CHECK(g.final_mse < 1e-3f);
  CHECK(g.final_mse < 2 * c.final_mse + 1e-5f);  // rounding differs, so the paths drift apart a little
  CHECK(c.final_mse < 2 * g.final_mse + 1e-5f);
}
