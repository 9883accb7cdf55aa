#include <cmath>

#include "engine/optim.h"
#include "engine/schedule.h"
#include "tests/testing.h"

using namespace ws;
using ws::test::check_close;
using ws::test::random_tensor;
using ws::test::temp_path;

namespace {
// Two parameters, 20,001 values in all (above the CPU's parallel grain).
struct Model {
  ParamSet ps;
  explicit Model(Device d = Device::cpu()) {
    ps.add("a.weight", {100, 200});
    ps.add("a.bias", {1});
    ps.materialize(d);
    ps.values().copy_from(random_tensor({ps.numel()}, 11, -1, 1));
  }
};

// Gradient of step t: mostly O(1), some tiny (eps matters) and some exactly zero.
Tensor gradient_at(int t, int64_t n) {
  std::vector<float> g = random_tensor({n}, 100 + uint64_t(t), -1, 1).to_vector();
  for (size_t i = 0; i < g.size(); i += 7) g[i] *= 1e-7f;
  for (size_t i = 3; i < g.size(); i += 11) g[i] = 0.0f;
  return Tensor::from(g, {n});
}

// The update formulas as PyTorch documents them (torch.optim.Adam / AdamW), in double.
struct ReferenceAdam {
  std::vector<double> p, m, v;
  AdamConfig c;
  int t = 0;
  ReferenceAdam(const Tensor& p0, AdamConfig cfg) : c(cfg) {
    for (float x : p0.to_vector()) p.push_back(x);
    m.assign(p.size(), 0.0);
    v.assign(p.size(), 0.0);
  }
  void step(const std::vector<float>& grad, double lr) {
    ++t;
    for (size_t i = 0; i < p.size(); ++i) {
      double g = grad[i];
      if (c.decoupled) p[i] -= lr * c.weight_decay * p[i];  // AdamW: θ ← θ − γλθ
      else g += c.weight_decay * p[i];                      // Adam: g ← g + λθ
      m[i] = c.beta1 * m[i] + (1 - c.beta1) * g;
      v[i] = c.beta2 * v[i] + (1 - c.beta2) * g * g;
      double mhat = m[i] / (1 - std::pow(double(c.beta1), t)), vhat = v[i] / (1 - std::pow(double(c.beta2), t));
      p[i] -= lr * mhat / (std::sqrt(vhat) + c.eps);
    }
  }
  std::vector<float> params() const { return std::vector<float>(p.begin(), p.end()); }
};

void run_against_reference(AdamConfig cfg, const char* what) {
  Model model;
  ReferenceAdam ref(model.ps.values(), cfg);
  Adam opt(model.ps, cfg);
  OneCycle sched{0.05, 6};
  for (int t = 0; t < 6; ++t) {
    Tensor g = gradient_at(t, model.ps.numel());
    model.ps.grads().copy_from(g);
    float lr = float(sched.lr(opt.steps()));
    opt.step(lr);
    ref.step(g.to_vector(), lr);
    check_close(model.ps.values().to_vector(), ref.params(), 2e-6, 1e-5, str_cat(what, " after step ", t + 1));
  }
  CHECK(opt.steps() == 6);
}
}  // namespace

TEST_CASE("Adam (L2 weight decay in the gradient) follows PyTorch's update over several steps") {
  run_against_reference(AdamConfig::adam(0.1f), "Adam");
  run_against_reference(AdamConfig::adam(0.0f, 1e-15f), "Adam eps 1e-15");  // the NeRF fitting recipe
}

TEST_CASE("AdamW (decoupled weight decay) follows PyTorch's update over several steps") {
  run_against_reference(AdamConfig::adamw(0.1f), "AdamW");
  AdamConfig odd = AdamConfig::adamw(0.01f);
  odd.beta1 = 0.5f;
  odd.beta2 = 0.9f;
  run_against_reference(odd, "AdamW betas (0.5, 0.9)");
}

TEST_CASE("Adam state save/load resumes exactly where it stopped") {
  AdamConfig cfg = AdamConfig::adamw(0.05f);
  Model a;
  Adam opt_a(a.ps, cfg);
  for (int t = 0; t < 3; ++t) {
    a.ps.grads().copy_from(gradient_at(t, a.ps.numel()));
    opt_a.step(0.01f);
  }
  std::string params = temp_path("resume_params.safetensors"), state = temp_path("resume_adam.safetensors");
  save_params(params, a.ps);
  opt_a.save(state);
  for (int t = 3; t < 5; ++t) {
    a.ps.grads().copy_from(gradient_at(t, a.ps.numel()));
    opt_a.step(0.01f);
  }

  Model b;
  Adam opt_b(b.ps, cfg);
  load_params(params, b.ps);
  opt_b.load(state);
  CHECK(opt_b.steps() == 3);
  for (int t = 3; t < 5; ++t) {
    b.ps.grads().copy_from(gradient_at(t, b.ps.numel()));
    opt_b.step(0.01f);
  }
  check_close(b.ps.values(), a.ps.values(), 0, 0, "resumed parameters");
  check_close(opt_b.v(), opt_a.v(), 0, 0, "resumed second moment");

  Adam plain(b.ps, AdamConfig::adam());
  CHECK_THROWS_WITH_AS(plain.load(state), doctest::Contains("saved by adamw, this optimizer is adam"), Error);
  ParamSet small;
  small.add("x", {3});
  small.materialize(Device::cpu());
  Adam other(small, cfg);
  CHECK_THROWS_WITH_AS(other.load(state), doctest::Contains("the parameters need F32[3]"), Error);
  CHECK_THROWS_WITH_AS(other.load(params), doctest::Contains("format ''"), Error);
}

TEST_CASE("clip_grad_norm returns the norm before clipping and scales as torch does") {
  Model m;
  Tensor g = gradient_at(0, m.ps.numel());
  std::vector<float> gv = g.to_vector();
  double sq = 0;
  for (float x : gv) sq += double(x) * x;
  double norm = std::sqrt(sq);

  m.ps.grads().copy_from(g);
  CHECK(grad_norm(m.ps) == doctest::Approx(norm).epsilon(1e-5));
  float returned = clip_grad_norm(m.ps, float(2 * norm));  // under the limit: untouched
  CHECK(returned == doctest::Approx(norm).epsilon(1e-5));
  check_close(m.ps.grads().to_vector(), gv, 0, 0, "unclipped gradients");

  float max_norm = float(norm / 4);
  returned = clip_grad_norm(m.ps, max_norm);
  CHECK(returned == doctest::Approx(norm).epsilon(1e-5));
  std::vector<float> want = gv;
  for (float& x : want) x = float(x * (max_norm / (norm + 1e-6)));
  check_close(m.ps.grads().to_vector(), want, 1e-7, 1e-5, "clipped gradients");
  CHECK(grad_norm(m.ps) == doctest::Approx(max_norm).epsilon(1e-5));
}
