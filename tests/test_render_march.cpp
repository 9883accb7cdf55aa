// Marching: against a step-by-step loop written here (positions, counts, layout, budget),
// empty cells skipped, the sample count of an axis ray, budget truncation, padding,
// jitter determinism, errors, and CPU/GPU parity.
#include <cmath>

#include "models/render/march.h"
#include "tests/render_testing.h"
#include "tests/testing.h"

using namespace ws;
using ws::test::check_close;
using ws::test::grid_bits;
using ws::test::random_rays;
using ws::test::stack_bits;
using ws::test::TestRays;

namespace {
// What march() should produce, built ray by ray with a plain loop over every midpoint.
struct Expected {
  std::vector<float> x, t, delta;
  std::vector<int32_t> rays, ray_index;
  std::vector<int64_t> samples, kept;
};

Expected naive_march(const TestRays& r, int64_t B, const Tensor& bits, int res, const MarchOptions& opt) {
  int64_t S = opt.max_samples;
  Expected e{std::vector<float>(size_t(B * S * 3), kPaddingX), std::vector<float>(size_t(B * S), 0.0f),
             std::vector<float>(size_t(B * S), 0.0f), {}, {}, std::vector<int64_t>(size_t(B)),
             std::vector<int64_t>(size_t(B))};
  std::vector<bool> full(size_t(B), false);
  const uint8_t* all_bits = bits.defined() ? bits.u8() : nullptr;
  for (int64_t i = 0; i < r.n(); ++i) {
    int b = r.nerf[i];
    const float *o = &r.origins[3 * i], *d = &r.dirs[3 * i];
    std::vector<float> s;  // x, y, z, t per sample
    RayRange range = ray_box(o, d);
    if (!range.empty()) {
      float u = opt.jitter ? philox_uniform(opt.seed, uint64_t(i)) : 0.0f;
      float t0 = march_start(range.t_near, u, opt.step);
      for (int64_t k = 0;; ++k) {
        float t = march_midpoint(t0, k, opt.step), x[3];
        if (!(t < range.t_far)) break;
        int64_t cell = march_cell(o, d, t, res, x);
        if (!all_bits || occupancy_bit(all_bits + b * occupancy_bytes(res), cell))
          s.insert(s.end(), {x[0], x[1], x[2], t});
      }
    }
    int64_t n = int64_t(s.size()) / 4;
    if (full[b] || e.samples[b] + n > S) {
      full[b] = true;  // this ray and all later ones of the NeRF are dropped
      continue;
    }
    int64_t start = b * S + e.samples[b];
    e.rays.insert(e.rays.end(), {int32_t(start), int32_t(n)});
    e.ray_index.push_back(int32_t(i));
    for (int64_t k = 0; k < n; ++k) {
      for (int a = 0; a < 3; ++a) e.x[3 * (start + k) + a] = s[4 * k + a];
      e.t[start + k] = s[4 * k + 3];
      e.delta[start + k] = opt.step;
    }
    e.samples[b] += n;
    e.kept[b] += 1;
  }
  return e;
}

void check_same(const SampleBatch& got, const Expected& e, const std::string& what) {
  check_close(got.x.to_vector(), e.x, 0, 0, what + ": x");
  check_close(got.t.to_vector(), e.t, 0, 0, what + ": t");
  check_close(got.delta.to_vector(), e.delta, 0, 0, what + ": delta");
  CHECK_MESSAGE(got.rays.to_vector_i32() == e.rays, what, ": ray layout");
  CHECK_MESSAGE(got.ray_index.to_vector_i32() == e.ray_index, what, ": ray_index");
  CHECK_MESSAGE(got.samples == e.samples, what, ": samples per NeRF");
  CHECK_MESSAGE(got.rays_kept == e.kept, what, ": kept rays per NeRF");
}

// Three NeRFs with different grids (a ball, random cells, a thin shell) at resolution 24.
Tensor three_grids(int res) {
  auto ball = grid_bits(res, [](float x, float y, float z) {
    return (x - 0.5f) * (x - 0.5f) + (y - 0.5f) * (y - 0.5f) + (z - 0.45f) * (z - 0.45f) < 0.09f;
  });
  Rng rng(17);
  auto random = grid_bits(res, [&](float, float, float) { return rng.uniform() < 0.3f; });
  auto shell = grid_bits(res, [](float x, float y, float z) {
    float r2 = (x - 0.5f) * (x - 0.5f) + (y - 0.5f) * (y - 0.5f) + (z - 0.5f) * (z - 0.5f);
    return r2 > 0.12f && r2 < 0.16f;
  });
  return stack_bits({ball, random, shell});
}
}  // namespace

TEST_CASE("march matches a step-by-step loop over every midpoint") {
  const int res = 24;
  TestRays r = random_rays({300, 0, 250}, 3);  // NeRF 1 has no rays
  Tensor bits = three_grids(res);
  for (int jitter = 0; jitter < 2; ++jitter)
    for (int grid = 0; grid < 2; ++grid) {
      MarchOptions opt;
      opt.step = 0.01f;
      opt.max_samples = 200000;
      opt.jitter = jitter;
      opt.seed = 9;
      Tensor occ = grid ? bits : Tensor();
      SampleBatch got = march(r.origins_t(), r.dirs_t(), r.nerf_t(), 3, occ, res, opt);
      check_same(got, naive_march(r, 3, occ, res, opt), str_cat("jitter ", jitter, ", grid ", grid));
      CHECK(got.dropped() == 0);
      CHECK(got.rays_in == std::vector<int64_t>{300, 0, 250});
    }
  // The default (fine) step, where skipping jumps over many midpoints per cell.
  MarchOptions opt;
  opt.max_samples = 1 << 20;
  SampleBatch got = march(r.origins_t(), r.dirs_t(), r.nerf_t(), 3, bits, res, opt);
  check_same(got, naive_march(r, 3, bits, res, opt), "default step");
}

TEST_CASE("march: every sample lies in an occupied cell, a ray through empty cells has none") {
  const int res = 16;
  // Only the cells of one column (ix = 7, iy = 8) are occupied.
  std::vector<uint8_t> flags(size_t(res) * res * res, 0);
  for (int k = 0; k < res; ++k) flags[(size_t(7) * res + 8) * res + k] = 1;
  Tensor bits = stack_bits({pack_occupancy(flags)});
  TestRays r;
  auto add = [&](std::vector<float> o, std::vector<float> d) {
    r.origins.insert(r.origins.end(), o.begin(), o.end());
    r.dirs.insert(r.dirs.end(), d.begin(), d.end());
    r.nerf.push_back(0);
  };
  float cx = (7.5f / res) * 1.4f - 0.7f, cy = (8.5f / res) * 1.4f - 0.7f;
  add({cx, cy, -2}, {0, 0, 1});        // along the column: every midpoint is occupied
  add({-2, cy, 0.1f}, {1, 0, 0});      // crosses it once
  add({-2, -0.5f, 0.1f}, {1, 0, 0});   // never meets it
  MarchOptions opt;
  opt.step = 0.004f;
  SampleBatch got = march(r.origins_t(), r.dirs_t(), r.nerf_t(), 1, bits, res, opt);
  std::vector<int32_t> rays = got.rays.to_vector_i32();
  REQUIRE(rays.size() == 6);
  CHECK(rays[1] == int32_t(std::ceil(1.4 / 0.004 - 0.5)));  // all midpoints of a 1.4 path
  CHECK(rays[3] >= 21);  // one cell is 1.4/16 = 0.0875 long: 21 or 22 midpoints
  CHECK(rays[3] <= 22);
  CHECK(rays[5] == 0);
  std::vector<float> x = got.x.to_vector();
  for (int64_t s = 0; s < got.samples[0]; ++s)
    CHECK(flags[size_t(occupancy_cell(x[3 * s], x[3 * s + 1], x[3 * s + 2], res))] == 1);
  check_same(got, naive_march(r, 1, bits, res, opt), "column grid");
}

TEST_CASE("march without a grid: an axis ray gets every midpoint before t_far") {
  TestRays r;
  r.origins = {-2.0f, 0.1f, 0.2f};
  r.dirs = {1, 0, 0};
  r.nerf = {0};
  MarchOptions opt;  // default step 1.4 sqrt(3) / 1024
  SampleBatch got = march(r.origins_t(), r.dirs_t(), r.nerf_t(), 1, Tensor(), 0, opt);
  double step = 1.4 * std::sqrt(3.0) / 1024;
  int64_t n = int64_t(std::ceil(1.4 / step - 0.5));  // midpoints 1.3 + (k + 1/2) step < 2.7
  REQUIRE(got.samples[0] == n);
  std::vector<float> t = got.t.to_vector(), x = got.x.to_vector();
  CHECK(t[0] == doctest::Approx(1.3 + step / 2));
  CHECK(t[n - 1] == doctest::Approx(1.3 + (n - 0.5) * step));
  CHECK(x[0] == doctest::Approx((step / 2) / 1.4));  // x = (p + 0.7) / 1.4
  CHECK(x[1] == doctest::Approx(0.8 / 1.4));
  CHECK(x[2] == doctest::Approx(0.9 / 1.4));
}

TEST_CASE("march: the per-NeRF budget keeps rays in order until the next would not fit") {
  const int res = 24;
  TestRays r = random_rays({400, 300, 350}, 8);
  Tensor bits = three_grids(res);
  MarchOptions opt;
  opt.step = 0.01f;
  opt.max_samples = 3000;
  SampleBatch got = march(r.origins_t(), r.dirs_t(), r.nerf_t(), 3, bits, res, opt);
  check_same(got, naive_march(r, 3, bits, res, opt), "budget 3000");
  // Check the rule directly too: the first dropped ray would not have fitted.
  MarchOptions unlimited = opt;
  unlimited.max_samples = 1 << 20;
  SampleBatch all = march(r.origins_t(), r.dirs_t(), r.nerf_t(), 3, bits, res, unlimited);
  std::vector<int32_t> all_rays = all.rays.to_vector_i32();
  int64_t dropped = 0, first = 0;
  for (int b = 0; b < 3; ++b) {
    CHECK(got.samples[b] <= opt.max_samples);
    int64_t k = got.rays_kept[b], total = 0;
    for (int64_t j = 0; j < k; ++j) total += all_rays[2 * (first + j) + 1];
    CHECK(total == got.samples[b]);
    if (k < got.rays_in[b]) CHECK(total + all_rays[2 * (first + k) + 1] > opt.max_samples);
    dropped += got.rays_in[b] - k;
    first += got.rays_in[b];
  }
  CHECK(dropped > 0);
  CHECK(got.dropped() == dropped);
  // Padding: every slot after a NeRF's samples is outside the box, with no length.
  std::vector<float> x = got.x.to_vector(), delta = got.delta.to_vector();
  for (int b = 0; b < 3; ++b)
    for (int64_t s = b * 3000 + got.samples[b]; s < (b + 1) * 3000; ++s) {
      CHECK(x[3 * s] == kPaddingX);
      CHECK(delta[s] == 0.0f);
    }
}

TEST_CASE("march: jitter is one offset per ray, fixed by (seed, ray)") {
  TestRays r = random_rays({200}, 4);
  MarchOptions opt;
  opt.step = 0.02f;
  opt.max_samples = 1 << 18;
  opt.jitter = true;
  opt.seed = 5;
  auto run = [&] { return march(r.origins_t(), r.dirs_t(), r.nerf_t(), 1, Tensor(), 0, opt); };
  SampleBatch a = run(), b = run();
  check_close(a.t.to_vector(), b.t.to_vector(), 0, 0, "same seed");
  CHECK(a.rays.to_vector_i32() == b.rays.to_vector_i32());
  opt.seed = 6;
  SampleBatch c = run();
  CHECK(c.t.to_vector() != a.t.to_vector());
  // Each ray's first sample sits (u + 1/2) step past t_near with u in [0, 1), and the others follow at the step.
  std::vector<int32_t> rays = a.rays.to_vector_i32(), idx = a.ray_index.to_vector_i32();
  std::vector<float> t = a.t.to_vector();
  int with_samples = 0;
  for (size_t j = 0; j < idx.size(); ++j) {
    if (rays[2 * j + 1] < 2) continue;
    ++with_samples;
    RayRange range = ray_box(&r.origins[3 * idx[j]], &r.dirs[3 * idx[j]]);
    double u = (t[rays[2 * j]] - range.t_near) / 0.02 - 0.5;
    CHECK(u > -1e-3);
    CHECK(u < 1 + 1e-3);
    CHECK(t[rays[2 * j] + 1] - t[rays[2 * j]] == doctest::Approx(0.02).epsilon(1e-3));
  }
  CHECK(with_samples > 50);
}

TEST_CASE("march: errors name the problem") {
  TestRays r = random_rays({3, 2}, 1);
  MarchOptions opt;
  Tensor o = r.origins_t(), d = r.dirs_t();
  CHECK_THROWS_WITH_AS(march(o, d, Tensor::from(std::vector<int32_t>{0, 1, 0, 1, 1}, {5}), 2, Tensor(), 0, opt),
                       doctest::Contains("ray 2 has NeRF index 0 after 1"), Error);
  CHECK_THROWS_WITH_AS(march(o, d, Tensor::from(std::vector<int32_t>{0, 0, 0, 1, 2}, {5}), 2, Tensor(), 0, opt),
                       doctest::Contains("ray 4 has NeRF index 2"), Error);
  CHECK_THROWS_WITH_AS(march(o, d.reshape({15}), r.nerf_t(), 2, Tensor(), 0, opt), doctest::Contains("march: dirs"),
                       Error);
  CHECK_THROWS_WITH_AS(march(o, d, r.nerf_t(), 2, Tensor::zeros({2, 10}, DType::U8), 16, opt),
                       doctest::Contains("occupancy must be U8 [2, 512]"), Error);
  opt.step = 0;
  CHECK_THROWS_WITH_AS(march(o, d, r.nerf_t(), 2, Tensor(), 0, opt), doctest::Contains("step must be positive"),
                       Error);
}

// CPU/CUDA parity of march and march_packed: the op registry (tests/op_cases_models.cpp).
TEST_CASE("parity: march's order check on the GPU finds the same first bad ray as the CPU's") {
  if (!test::gpu_or_skip("march order check")) return;
  TestRays r = random_rays({5}, 12);
  MarchOptions opt;
  Device g = Device::cuda();
  Tensor bad = Tensor::from(std::vector<int32_t>{0, 1, 1, 0, 2}, {5});
  for (Device d : {Device::cpu(), g})
    CHECK_THROWS_WITH_AS(march(r.origins_t(d), r.dirs_t(d), bad.to(d), 3, Tensor(), 0, opt),
                         doctest::Contains("ray 3 has NeRF index 0 after 1"), Error);
}
