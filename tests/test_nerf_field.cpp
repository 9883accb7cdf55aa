// NeRF fields: the batched bias-free MLP, the heads, and whole fields of every family
// against a naive per-sample evaluation; gradients, initialisation, determinism, parity.
#include <array>
#include <cmath>

#include "core/rng.h"
#include "models/nerf/field.h"
#include "tests/nerf_reference.h"
#include "tests/testing.h"

using namespace ws;
using ws::test::check_close;
using ws::test::check_gradients;
using ws::test::random_tensor;

namespace {
// Positions [B,S,3]: random in [lo, hi)^3 plus points on the box's faces, corners and outside.
Tensor field_positions(int64_t B, int64_t S_random, uint64_t seed, float lo = -0.1f, float hi = 1.1f) {
  const std::vector<std::array<float, 3>> special = {{0.5f, 0.5f, 0.5f}, {0.0f, 0.3f, 0.6f}, {1.0f, 1.0f, 1.0f},
                                                     {0.2f, 1.0f, 0.4f}, {-0.5f, 0.5f, 0.5f}, {0.7f, 0.2f, 1.05f},
                                                     {1e-4f, 0.9999f, 0.5f}};
  return test::box_positions(B, S_random, seed, lo, hi, special);
}

// Encoding parameters well away from their tiny initial values, so they matter in the output.
void randomise_encoding(FieldBatch& f, uint64_t seed) {
  if (!f.encoding.defined()) return;
  Tensor e = f.encoding.value();  // a handle to the slab
  e.copy_from(random_tensor(f.encoding.shape(), seed, -0.5f, 0.5f));
}

std::vector<float> naive_field(const FieldBatch& f, const Tensor& x) {
  std::vector<float> mlp = f.mlp.value().to_vector(), xv = x.to_vector(), out;
  std::vector<float> enc = f.encoding.defined() ? f.encoding.value().to_vector() : std::vector<float>();
  const int64_t S = x.size(1), P = f.arch.mlp_params(), E = f.arch.encoding_params();
  for (int64_t i = 0; i < x.rows(); ++i) {
    const int64_t b = i / S;
    std::vector<double> r = ws::test::ref_field(f.arch, mlp.data() + b * P, enc.data() + b * E, xv.data() + i * 3);
    for (double v : r) out.push_back(float(v));
  }
  return out;
}
}  // namespace

// ---- the batched MLP ------------------------------------------------------------------

TEST_CASE("batched_mlp: one bias-free MLP per NeRF, ReLU or sine hidden layers (naive loop)") {
  const std::vector<int> widths = {20, 9, 11, 16};
  const int64_t B = 3, S = 7, P = 20 * 9 + 9 * 11 + 11 * 16;
  Tensor x = random_tensor({B, S, 20}, 1), w = random_tensor({B, P}, 2, -0.5f, 0.5f);
  for (bool sine : {false, true}) {
    Tensor y = batched_mlp(Var(x), Var(w), widths, sine ? MlpActivation::Sine : MlpActivation::Relu).value();
    REQUIRE(y.shape() == Shape{B, S, 16});
    std::vector<float> xv = x.to_vector(), wv = w.to_vector(), want;
    for (int64_t i = 0; i < B * S; ++i) {
      std::vector<double> h(xv.begin() + i * 20, xv.begin() + (i + 1) * 20);
      for (double v : ws::test::ref_mlp(h, wv.data() + (i / S) * P, widths, sine)) want.push_back(float(v));
    }
    check_close(y.to_vector(), want, 1e-5, 1e-5, sine ? "sine MLP" : "ReLU MLP");
  }
}

// Finite-difference gradients of batched_mlp, nerf_heads and field_raw, and CPU/CUDA
// parity: the op registry (tests/op_cases_models.cpp).
TEST_CASE("batched_mlp: a partial input gradient equals the full one on its columns") {
  const std::vector<int> widths = {6, 5, 7, 4};
  const int64_t B = 2, S = 9, P = 6 * 5 + 5 * 7 + 7 * 4;
  Tensor x = random_tensor({B, S, 6}, 3), w = random_tensor({B, P}, 4, -0.8f, 0.8f);
  // Columns [2, 5) only: equal to the full gradient there, zero elsewhere (fresh and accumulated).
  Var xf(x, true), xp(x, true), wv(w);
  backward(sum(batched_mlp(xf, wv, widths, MlpActivation::Sine)));
  backward(sum(batched_mlp(xp, wv, widths, MlpActivation::Sine, 2, 5)));
  std::vector<float> full = xf.grad().to_vector(), part = xp.grad().to_vector(), want(full.size());
  for (size_t i = 0; i < full.size(); ++i) want[i] = (i % 6 >= 2 && i % 6 < 5) ? full[i] : 0.0f;
  check_close(part, want, 0, 0, "partial input gradient");
  backward(sum(batched_mlp(xp, wv, widths, MlpActivation::Sine, 2, 5)));
  for (float& v : want) v *= 2;
  check_close(xp.grad().to_vector(), want, 1e-6, 1e-6, "accumulated partial input gradient");

  CHECK_THROWS_WITH_AS(batched_mlp(Var(x), Var(Tensor::zeros({B, P - 1})), widths, MlpActivation::Relu),
                       doctest::Contains("batched_mlp: weights must be [2, 93] for widths of 3 layers, got [2, 92]"),
                       Error);
  CHECK_THROWS_WITH_AS(batched_mlp(Var(x), Var(w), {7, 5, 7, 4}, MlpActivation::Relu),
                       doctest::Contains("batched_mlp: x must be [B,S,7], got [2, 9, 6]"), Error);
}

// ---- heads ------------------------------------------------------------------------------

TEST_CASE("nerf_heads: sigmoid colour, exp(o - 1) density inside the open box, trunc_exp gradient") {
  Tensor x = field_positions(2, 10, 5);
  const int64_t S = x.size(1);
  Tensor o = random_tensor({2, S, 16}, 6, -3.0f, 3.0f);
  Tensor y = nerf_heads(Var(o), x).value();
  std::vector<float> ov = o.to_vector(), xv = x.to_vector(), want;
  for (int64_t i = 0; i < 2 * S; ++i) {
    const float* p = xv.data() + i * 3;
    bool inside = p[0] > 0 && p[0] < 1 && p[1] > 0 && p[1] < 1 && p[2] > 0 && p[2] < 1;
    for (int c = 0; c < 3; ++c) want.push_back(float(1 / (1 + std::exp(-double(ov[size_t(i * 16 + c)])))));
    want.push_back(inside ? float(std::exp(double(ov[size_t(i * 16 + 3)]) - 1)) : 0.0f);
  }
  check_close(y.to_vector(), want, 1e-6, 1e-6, "nerf_heads");

  // Overflowing exponent outside the box: 0, not NaN. The gradient's exponent stops at 15.
  Tensor big = Tensor::full({1, 2, 4}, 200.0f);
  Tensor pos = Tensor::from(std::vector<float>{1.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f}, {1, 2, 3});
  Var bo(big, true);
  Var out = nerf_heads(bo, pos);
  std::vector<float> yv = out.value().to_vector();
  CHECK(yv[3] == 0.0f);
  CHECK(std::isinf(yv[7]));
  backward(sum(out));
  std::vector<float> g = bo.grad().to_vector();
  CHECK(g[3] == 0.0f);
  CHECK(g[7] == doctest::Approx(std::exp(15.0)).epsilon(1e-6));
  CHECK_THROWS_WITH_AS(nerf_heads(Var(Tensor::zeros({1, 2, 3})), pos), doctest::Contains("nerf_heads: raw outputs must be [B,S,K >= 4]"),
                       Error);
}

// ---- whole fields --------------------------------------------------------------------------

TEST_CASE("field_raw matches a naive per-sample evaluation for every family and unseen variants") {
  for (const char* name : {"MLP", "TRI", "HASH", "MLP-32H", "TRI-8C", "TRI-16W", "HASH-3N", "HASH-11T"}) {
    const ArchSpec a = find_arch(name);
    FieldBatch f = init_field_batch(a, 2, 11, Device::cpu());
    randomise_encoding(f, 12);
    Tensor x = field_positions(2, 40, 13);
    Tensor y;
    {
      NoGradGuard ng;
      y = field_raw(f, x).value();
    }
    REQUIRE(y.shape() == Shape{2, x.size(1), 4});
    check_close(y.to_vector(), naive_field(f, x), 2e-5, 2e-4, str_cat("field_raw ", name));
  }
  // A user spec: 3 hash features per level (input 12 -> padded to 16), one hidden layer.
  const ArchSpec custom = ArchSpec::from_json(
      nlohmann::json{{"family", "hash"}, {"name", "H3F"}, {"hidden_layers", 1}, {"hash_levels", 4}, {"hash_features", 3}},
      "custom");
  FieldBatch f = init_field_batch(custom, 2, 14, Device::cpu());
  randomise_encoding(f, 15);
  Tensor x = field_positions(2, 40, 16);
  check_close(field_raw(f, x).value().to_vector(), naive_field(f, x), 2e-5, 2e-4, "field_raw H3F");
  clear_tape();

  FieldBatch tri = init_field_batch(find_arch("TRI"), 2, 1, Device::cpu());
  CHECK_THROWS_WITH_AS(field_raw(tri.arch, tri.mlp, Var(), x), doctest::Contains("field_input: TRI (tri) needs encoding"),
                       Error);
  CHECK_THROWS_WITH_AS(field_raw(tri, Tensor::zeros({3, 5, 3})), doctest::Contains("field_input: encoding must be [3, 49152]"),
                       Error);
}

TEST_CASE("init_field: the authors' initialisation, and NeRF b starts the same in any batch") {
  for (const char* name : {"MLP", "TRI", "HASH"}) {
    const ArchSpec a = find_arch(name);
    FieldBatch f = init_field_batch(a, 3, 31, Device::cpu());
    std::vector<float> w = f.mlp.value().to_vector();
    std::vector<int> widths = a.layer_widths();
    int64_t off = 0;
    for (size_t k = 0; k + 1 < widths.size(); ++k) {
      const double in = widths[k], out = widths[k + 1];
      const double bound =
          a.family == Family::Tri ? (k == 0 ? 30.0 / in : std::sqrt(6.0 / in)) : std::sqrt(6.0 / (in + out));
      double max_abs = 0, mean = 0;
      for (int64_t i = 0; i < int64_t(in * out); ++i) {
        max_abs = std::max(max_abs, std::fabs(double(w[size_t(off + i)])));
        mean += w[size_t(off + i)];
      }
      CHECK(max_abs <= bound);
      CHECK(max_abs > 0.95 * bound);
      CHECK(std::fabs(mean / (in * out)) < 0.1 * bound);
      off += int64_t(in * out);
    }
    if (a.family == Family::Tri) {
      std::vector<float> e = f.encoding.value().to_vector();
      double ss = 0;
      for (float v : e) ss += double(v) * v;
      CHECK(std::sqrt(ss / double(e.size())) == doctest::Approx(1e-3).epsilon(0.02));
    }
    if (a.family == Family::Hash) {
      std::vector<float> e = f.encoding.value().to_vector();
      float mx = 0;
      for (float v : e) mx = std::max(mx, std::fabs(v));
      CHECK(mx <= 1e-4f);
      CHECK(mx > 0.99e-4f);
    }
    FieldBatch g = init_field_batch(a, 2, 31, Device::cpu());
    const int64_t P = a.total_params();
    CHECK(g.params.values().numel() == 2 * P);
    CHECK(f.mlp.value().to_vector() != std::vector<float>(size_t(3 * a.mlp_params()), 0.0f));
    std::vector<float> f1 = f.mlp.value().view_at(a.mlp_params(), {a.mlp_params()}).to_vector();
    CHECK(f1 == g.mlp.value().view_at(a.mlp_params(), {a.mlp_params()}).to_vector());
    CHECK(f1 != f.mlp.value().view_at(0, {a.mlp_params()}).to_vector());
  }
}

TEST_CASE("field_raw forward and backward are bitwise reproducible") {
  for (const char* name : {"MLP", "TRI", "HASH"}) {
    const ArchSpec a = find_arch(name);
    FieldBatch f = init_field_batch(a, 3, 41, Device::cpu());
    randomise_encoding(f, 42);
    Tensor x = field_positions(3, 5000, 43);
    Tensor wts = random_tensor({3, x.size(1), 4}, 44);
    auto run = [&] {
      f.params.zero_grad();
      Var y = field_raw(f, x);
      backward(sum(mul(y, Var(wts))));
      return std::make_pair(y.value().to_vector(), f.params.grads().to_vector());
    };
    auto r1 = run(), r2 = run();
    CHECK_MESSAGE(r1.first == r2.first, name, ": outputs differ between runs");
    CHECK_MESSAGE(r1.second == r2.second, name, ": gradients differ between runs");
  }
}

