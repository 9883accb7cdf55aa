// Compositing: a naive double loop per ray (with the early stop), per-sample weights, a
// constant field rendered analytically through march(), finite-difference gradients,
// errors, and CPU/GPU parity.
#include <cmath>

#include "engine/ops.h"
#include "models/render/composite.h"
#include "models/render/march.h"
#include "tests/render_testing.h"
#include "tests/testing.h"

using namespace ws;
using ws::test::check_close;
using ws::test::check_gradients;
using ws::test::GradCheck;
using ws::test::random_tensor;

namespace {
struct NaiveRender {
  std::vector<float> color, opacity, weights;
};

// The volume-rendering formulas of docs/design.md §4.3 in double, one ray at a time.
NaiveRender naive_composite(const Tensor& rgb_t, const Tensor& sigma_t, const Tensor& delta_t, const Tensor& rays_t,
                            const Tensor& bg_t, double eps = 1e-4) {
  std::vector<float> rgb = rgb_t.to_vector(), sigma = sigma_t.to_vector(), delta = delta_t.to_vector(),
                     bg = bg_t.to_vector();
  std::vector<int32_t> rays = rays_t.to_vector_i32();
  size_t R = rays.size() / 2;
  NaiveRender out{std::vector<float>(3 * R), std::vector<float>(R), std::vector<float>(sigma.size(), 0.0f)};
  for (size_t r = 0; r < R; ++r) {
    double cum = 0, total = 0, c[3] = {0, 0, 0};
    for (int32_t k = 0; k < rays[2 * r + 1]; ++k) {
      size_t s = size_t(rays[2 * r] + k);
      double T = std::exp(-cum);
      if (T < eps) break;
      double tau = double(sigma[s]) * delta[s], w = T * (1 - std::exp(-tau));
      for (int a = 0; a < 3; ++a) c[a] += w * rgb[3 * s + a];
      total += w;
      cum += tau;
      out.weights[s] = float(w);
    }
    for (int a = 0; a < 3; ++a) out.color[3 * r + a] = float(c[a] + (1 - total) * bg[3 * r + a]);
    out.opacity[r] = float(total);
  }
  return out;
}

// A packed layout over N slots: rays of 0..max_count samples with gaps between some.
Tensor random_layout(int64_t R, int max_count, uint64_t seed, int64_t* N) {
  Rng rng(seed);
  std::vector<int32_t> v;
  int64_t next = 0;
  for (int64_t r = 0; r < R; ++r) {
    if (rng.below(4) == 0) next += rng.below(5);  // slots on no ray
    int32_t n = int32_t(rng.below(max_count + 1));
    v.push_back(int32_t(next));
    v.push_back(n);
    next += n;
  }
  *N = next + 3;
  return Tensor::from(v, {R, 2});
}

Var color_and_opacity(const Composited& c) {
  return concat_last({c.color, reshape(c.opacity, {c.opacity.shape()[0], 1})});
}
}  // namespace

TEST_CASE("composite matches a naive double loop, with and without the early stop") {
  int64_t N = 0, R = 60;
  Tensor rays = random_layout(R, 30, 1, &N);
  Tensor rgb = random_tensor({N, 3}, 2, 0, 1), bg = random_tensor({R, 3}, 3, 0, 1);
  Tensor delta = random_tensor({N}, 4, 0.02f, 0.06f);
  for (float sigma_max : {5.0f, 400.0f}) {  // 400: most rays stop early
    Tensor sigma = random_tensor({N}, 5, 0, sigma_max);
    Composited c = composite(Var(rgb), Var(sigma), delta, rays, Var(bg));
    NaiveRender e = naive_composite(rgb, sigma, delta, rays, bg);
    check_close(c.color.value().to_vector(), e.color, 2e-6, 1e-5, str_cat("colour, sigma <= ", sigma_max));
    check_close(c.opacity.value().to_vector(), e.opacity, 2e-6, 1e-5, str_cat("opacity, sigma <= ", sigma_max));
    check_close(composite_weights(sigma, delta, rays).to_vector(), e.weights, 2e-6, 1e-5,
                str_cat("weights, sigma <= ", sigma_max));
  }
}

TEST_CASE("composite: samples after the transmittance falls below 1e-4 are dropped") {
  // tau = 5 per sample: T = 1, e^-5, e^-10 (< 1e-4): the third sample and later do nothing.
  Tensor sigma = Tensor::full({6}, 500.0f), delta = Tensor::full({6}, 0.01f);
  Tensor rays = Tensor::from(std::vector<int32_t>{0, 6}, {1, 2});
  Tensor bg = Tensor::from(std::vector<float>{0.0f, 0.0f, 1.0f}, {1, 3});
  std::vector<float> rgb_v(18, 0.25f);
  for (int s = 2; s < 6; ++s) rgb_v[3 * s] = 1000.0f;  // would show if they contributed
  Tensor rgb = Tensor::from(rgb_v, {6, 3});
  Var vrgb(rgb, true), vsigma(sigma, true);
  Composited c = composite(vrgb, vsigma, delta, rays, Var(bg));
  double w0 = 1 - std::exp(-5.0), w1 = std::exp(-5.0) * (1 - std::exp(-5.0)), W = w0 + w1;
  CHECK(c.opacity.value().item() == doctest::Approx(W).epsilon(1e-6));
  std::vector<float> col = c.color.value().to_vector();
  CHECK(col[0] == doctest::Approx(0.25 * W).epsilon(1e-6));
  CHECK(col[2] == doctest::Approx(0.25 * W + (1 - W)).epsilon(1e-6));
  std::vector<float> w = composite_weights(sigma, delta, rays).to_vector();
  CHECK(w[0] == doctest::Approx(w0));
  CHECK(w[1] == doctest::Approx(w1));
  for (int s = 2; s < 6; ++s) CHECK(w[s] == 0.0f);
  backward(sum(c.color));
  std::vector<float> gr = vrgb.grad().to_vector(), gs = vsigma.grad().to_vector();
  for (int s = 2; s < 6; ++s) {
    CHECK(gr[3 * s] == 0.0f);
    CHECK(gs[s] == 0.0f);
  }
  CHECK(gr[0] == doctest::Approx(w0));
}

TEST_CASE("composite: a constant field gives opacity 1 - exp(-sigma L) and blends with the background") {
  test::TestRays r;
  r.origins = {-2, 0.1f, 0.2f, 0.3f, -3, -0.1f, -1, -1, -1, 0.05f, 0.1f, 0.0f};
  float k = 1 / std::sqrt(3.0f);
  r.dirs = {1, 0, 0, 0, 1, 0, k, k, k, 0, 0, 1};  // lengths 1.4, 1.4, 1.4 sqrt(3), 0.7 (origin inside)
  r.nerf = {0, 0, 0, 0};
  std::vector<double> L = {1.4, 1.4, 1.4 * std::sqrt(3.0), 0.7};
  MarchOptions opt;
  opt.step = 0.005f;
  SampleBatch s = march(r.origins_t(), r.dirs_t(), r.nerf_t(), 1, Tensor(), 0, opt);
  const float sigma = 2.0f, rgb[3] = {0.2f, 0.5f, 0.9f}, bgc[3] = {1.0f, 0.0f, 0.3f};
  int64_t N = s.max_samples;
  std::vector<float> rgb_v(size_t(3 * N));
  for (int64_t i = 0; i < N; ++i)
    for (int a = 0; a < 3; ++a) rgb_v[3 * i + a] = rgb[a];
  std::vector<float> bg_v;
  for (int i = 0; i < 4; ++i) bg_v.insert(bg_v.end(), bgc, bgc + 3);
  Composited c = composite(Var(Tensor::from(rgb_v, {N, 3})), Var(Tensor::full({N}, sigma)), s.delta, s.rays,
                           Var(Tensor::from(bg_v, {4, 3})));
  std::vector<float> op = c.opacity.value().to_vector(), col = c.color.value().to_vector();
  for (int i = 0; i < 4; ++i) {
    double expect = 1 - std::exp(-sigma * L[i]);
    // The midpoint grid covers L to within half a step at either end.
    CHECK_MESSAGE(std::fabs(op[i] - expect) <= sigma * opt.step * std::exp(-sigma * L[i]) + 1e-5, "ray ", i,
                  ": opacity ", op[i], " expected ", expect);
    for (int a = 0; a < 3; ++a)
      CHECK(col[3 * i + a] == doctest::Approx(rgb[a] * op[i] + bgc[a] * (1 - op[i])).epsilon(1e-5));
  }
}

// The plain finite-difference check of composite and CPU/CUDA parity: the op registry
// (tests/op_cases_models.cpp). Here: early stops, partial use, accumulation.
TEST_CASE("composite: finite-difference gradients with early stops, the opacity alone, and accumulation") {
  int64_t N = 0, R = 12;
  Tensor rays = random_layout(R, 12, 7, &N);
  Tensor rgb = random_tensor({N, 3}, 8, 0, 1), bg = random_tensor({R, 3}, 9, 0, 1);
  Tensor delta = random_tensor({N}, 10, 0.02f, 0.06f);
  auto f = [&](const std::vector<Var>& v) { return color_and_opacity(composite(v[0], v[1], delta, rays, v[2])); };
  GradCheck opt;
  opt.max_checks = 60;
  // Large densities: most rays stop early; only the samples before the stop get gradients.
  check_gradients("composite (early stop)", f, {rgb, random_tensor({N}, 12, 0, 150), bg}, opt);
  // Only the opacity used (no colour gradient), and [B, S, 3] / [B, S] shaped inputs.
  auto g = [&](const std::vector<Var>& v) {
    return composite(reshape(v[0], {1, N, 3}), reshape(v[1], {1, N}), delta, rays, v[2]).opacity;
  };
  check_gradients("composite (opacity only)", g, {rgb, random_tensor({N}, 13, 0, 6), bg}, opt);
  // Gradients that arrive on top of others (the inputs feed two composites).
  auto h = [&](const std::vector<Var>& v) {
    return add(composite(v[0], v[1], delta, rays, v[2]).color,
               composite(v[0], mul_scalar(v[1], 0.5f), delta, rays, v[2]).color);
  };
  check_gradients("composite (accumulating)", h, {rgb, random_tensor({N}, 14, 0, 6), bg}, opt);
}

TEST_CASE("composite: errors name the op and the shapes") {
  Tensor rays = Tensor::from(std::vector<int32_t>{0, 3, 3, 2}, {2, 2});
  Var rgb(Tensor::zeros({5, 3})), sigma(Tensor::zeros({5})), bg(Tensor::zeros({2, 3}));
  Tensor delta = Tensor::zeros({5});
  CHECK_THROWS_WITH_AS(composite(Var(Tensor::zeros({5, 4})), sigma, delta, rays, bg),
                       doctest::Contains("composite: rgb [5, 4] must be [N, 3]"), Error);
  CHECK_THROWS_WITH_AS(composite(rgb, sigma, Tensor::zeros({4}), rays, bg), doctest::Contains("composite: delta [4]"),
                       Error);
  CHECK_THROWS_WITH_AS(composite(rgb, sigma, delta, rays, Var(Tensor::zeros({3, 3}))),
                       doctest::Contains("background must be [2, 3]"), Error);
  CHECK_THROWS_WITH_AS(composite(rgb, sigma, delta, Tensor::from(std::vector<int32_t>{0, 3, 3, 3}, {2, 2}), bg),
                       doctest::Contains("ray 1 has samples [3, 6) outside the 5 samples"), Error);
  CHECK_THROWS_WITH_AS(composite_weights(sigma.value(), delta, Tensor::zeros({2, 2})),
                       doctest::Contains("composite_weights: rays must be I32 [R, 2]"), Error);
}

