// layer_norm, batch_norm, dropout, l2_normalize: naive double loops, finite differences,
// hand formulas for the running statistics, dropout statistics, determinism, errors.
#include <omp.h>

#include <cmath>

#include "core/rng.h"
#include "tests/testing.h"

using namespace ws;
using ws::test::check_close;
using ws::test::check_gradients;
using ws::test::GradCheck;
using ws::test::random_tensor;

namespace {
// y[r,c] = (x - mean_r) / sqrt(var_r + eps) * g[c] + b[c], biased variance, in double.
std::vector<float> naive_layer_norm(const Tensor& X, const Tensor& G, const Tensor& B, double eps) {
  std::vector<float> x = X.to_vector(), g = G.to_vector(), b = B.to_vector(), y(x.size());
  int64_t R = X.rows(), C = X.cols();
  for (int64_t r = 0; r < R; ++r) {
    double m = 0, v = 0;
    for (int64_t c = 0; c < C; ++c) m += x[r * C + c];
    m /= double(C);
    for (int64_t c = 0; c < C; ++c) v += (x[r * C + c] - m) * (x[r * C + c] - m);
    v /= double(C);
    for (int64_t c = 0; c < C; ++c) y[r * C + c] = float((x[r * C + c] - m) / std::sqrt(v + eps) * g[c] + b[c]);
  }
  return y;
}

// The layer-norm gradients for dL/dy = dy, in double: dx, dgamma, dbeta.
struct LnGrads {
  std::vector<float> dx, dgamma, dbeta;
};
LnGrads naive_layer_norm_backward(const Tensor& X, const Tensor& G, const Tensor& DY, double eps) {
  std::vector<float> x = X.to_vector(), g = G.to_vector(), dy = DY.to_vector();
  int64_t R = X.rows(), C = X.cols();
  LnGrads out{std::vector<float>(x.size()), std::vector<float>(size_t(C)), std::vector<float>(size_t(C))};
  std::vector<double> dg(static_cast<size_t>(C)), db(dg), xhat(dg);
  for (int64_t r = 0; r < R; ++r) {
    double m = 0, v = 0;
    for (int64_t c = 0; c < C; ++c) m += x[r * C + c];
    m /= double(C);
    for (int64_t c = 0; c < C; ++c) v += (x[r * C + c] - m) * (x[r * C + c] - m);
    double rs = 1 / std::sqrt(v / double(C) + eps), s1 = 0, s2 = 0;
    for (int64_t c = 0; c < C; ++c) {
      xhat[c] = (x[r * C + c] - m) * rs;
      double dxhat = double(dy[r * C + c]) * g[c];
      s1 += dxhat;
      s2 += dxhat * xhat[c];
      dg[c] += double(dy[r * C + c]) * xhat[c];
      db[c] += dy[r * C + c];
    }
    for (int64_t c = 0; c < C; ++c)
      out.dx[r * C + c] = float(rs * (double(dy[r * C + c]) * g[c] - s1 / double(C) - xhat[c] * s2 / double(C)));
  }
  for (int64_t c = 0; c < C; ++c) {
    out.dgamma[c] = float(dg[c]);
    out.dbeta[c] = float(db[c]);
  }
  return out;
}

// Runs layer_norm forward + backward with dL/dy = dy; returns {y, dx, dgamma, dbeta}.
std::vector<std::vector<float>> run_layer_norm(const Tensor& x, const Tensor& g, const Tensor& b, const Tensor& dy) {
  Var vx(x, true), vg(g, true), vb(b, true);
  Var y = layer_norm(vx, vg, vb);
  backward(sum(mul(y, Var(dy))));
  return {y.value().to_vector(), vx.grad().to_vector(), vg.grad().to_vector(), vb.grad().to_vector()};
}

// Column statistics of x [R,C] in double: mean and biased variance.
void naive_column_stats(const Tensor& X, std::vector<double>& mean, std::vector<double>& var) {
  std::vector<float> x = X.to_vector();
  int64_t R = X.size(0), C = X.size(1);
  mean.assign(size_t(C), 0.0);
  var.assign(size_t(C), 0.0);
  for (int64_t r = 0; r < R; ++r)
    for (int64_t c = 0; c < C; ++c) mean[c] += x[r * C + c];
  for (double& m : mean) m /= double(R);
  for (int64_t r = 0; r < R; ++r)
    for (int64_t c = 0; c < C; ++c) var[c] += (x[r * C + c] - mean[c]) * (x[r * C + c] - mean[c]);
  for (double& v : var) v /= double(R);
}

// Sets the OpenMP thread count for a scope.
struct ThreadCount {
  int prev = max_threads();
  explicit ThreadCount(int n) { omp_set_num_threads(n); }
  ~ThreadCount() { omp_set_num_threads(prev); }
};
}  // namespace

// ---- layer_norm -----------------------------------------------------------------------

TEST_CASE("layer_norm matches a naive double loop, forward and backward") {
  // 2100 rows: three row blocks for the parameter-gradient partials, C not a multiple of 8
  for (Shape s : {Shape{5, 7}, Shape{2100, 33}, Shape{3, 4, 128}}) {
    int64_t C = s.last();
    Tensor x = random_tensor(s, 1, -2, 3), g = random_tensor({C}, 2, 0.5f, 1.5f), b = random_tensor({C}, 3),
           dy = random_tensor(s, 4);
    std::vector<std::vector<float>> got = run_layer_norm(x, g, b, dy);
    check_close(got[0], naive_layer_norm(x, g, b, 1e-5), 1e-5, 1e-4, "layer_norm " + s.str());
    LnGrads want = naive_layer_norm_backward(x, g, dy, 1e-5);
    check_close(got[1], want.dx, 1e-5, 1e-3, "layer_norm dx " + s.str());
    check_close(got[2], want.dgamma, 1e-4, 1e-4, "layer_norm dgamma " + s.str());
    check_close(got[3], want.dbeta, 1e-4, 1e-4, "layer_norm dbeta " + s.str());
  }
}

TEST_CASE("layer_norm: rows with a large mean and tiny spread stay accurate (two-pass variance)") {
  // E[x^2] - E[x]^2 in float would lose the variance (1/12) entirely next to 1000^2
  Tensor x = random_tensor({64, 32}, 5, 1000.0f, 1001.0f), g = Tensor::full({32}, 1.0f), b = Tensor::zeros({32});
  std::vector<float> y = layer_norm(Var(x), Var(g), Var(b), 0.0f).value().to_vector();
  check_close(y, naive_layer_norm(x, g, b, 0.0), 2e-3, 2e-3, "layer_norm near 1000");
}

// The plain finite-difference checks of layer_norm, batch_norm and dropout, and CPU/CUDA
// parity: the op registry (tests/op_cases_engine.cpp). Here: repeated use, partial gradients.
TEST_CASE("layer_norm: finite-difference gradients when used twice and for some inputs only") {
  Tensor x = random_tensor({6, 9}, 6, -2, 2), g = random_tensor({9}, 7, 0.5f, 1.5f), b = random_tensor({9}, 8);
  auto f = [](const std::vector<Var>& v) { return layer_norm(v[0], v[1], v[2]); };
  // used twice: every gradient accumulates into a slot that already holds one
  auto twice = [](const std::vector<Var>& v) {
    return add(layer_norm(v[0], v[1], v[2]), layer_norm(mul_scalar(v[0], 2.0f), v[1], v[2], 0.1f));
  };
  check_gradients("layer_norm used twice", twice, {x, g, b}, GradCheck{1e-3, 3e-3, 2e-2, 60});
  check_gradients("layer_norm, x only", f, {x, g, b}, GradCheck{1e-3, 3e-3, 2e-2, 60, {1, 2}});
  check_gradients("layer_norm, gamma only", f, {x, g, b}, GradCheck{1e-3, 3e-3, 2e-2, 60, {0, 2}});
}

TEST_CASE("layer_norm: gradients are identical for any thread count and run") {
  Tensor x = random_tensor({9000, 48}, 9), g = random_tensor({48}, 10), b = random_tensor({48}, 11),
         dy = random_tensor({9000, 48}, 12);
  std::vector<std::vector<float>> one, two, again;
  {
    ThreadCount t(1);
    one = run_layer_norm(x, g, b, dy);
  }
  {
    ThreadCount t(2);
    two = run_layer_norm(x, g, b, dy);
    again = run_layer_norm(x, g, b, dy);
  }
  for (size_t k = 0; k < one.size(); ++k) {
    CHECK_MESSAGE(one[k] == two[k], "output/gradient ", k, " differs between 1 and 2 threads");
    CHECK_MESSAGE(two[k] == again[k], "output/gradient ", k, " differs between two runs");
  }
}

TEST_CASE("layer_norm: errors name the op and the shapes") {
  Var x(random_tensor({4, 7}, 1)), g(Tensor::full({7}, 1.0f)), b(Tensor::zeros({7}));
  CHECK_THROWS_WITH_AS(layer_norm(x, Var(Tensor::full({5}, 1.0f)), b),
                       doctest::Contains("layer_norm: gamma [5] and beta [7] must be [7] for x [4, 7]"), Error);
  CHECK_THROWS_WITH_AS(layer_norm(x, g, Var()),
                       doctest::Contains("layer_norm: gamma and beta are required (got gamma, no beta)"), Error);
  CHECK_THROWS_WITH_AS(layer_norm(Var(Tensor::zeros({4, 7}, DType::I32)), g, b),
                       doctest::Contains("layer_norm: x must be F32"), Error);
}

// ---- batch_norm -------------------------------------------------------------------------

TEST_CASE("batch_norm: a hand-computed two-row case, output and running stats") {
  Tensor x = Tensor::from(std::vector<float>{1, 10, 3, 20}, {2, 2});  // columns {1,3} and {10,20}
  Tensor rm = Tensor::from(std::vector<float>{0, 1}, {2}), rv = Tensor::from(std::vector<float>{1, 2}, {2});
  Var g(Tensor::from(std::vector<float>{1, 2}, {2})), b(Tensor::from(std::vector<float>{0, 1}, {2}));
  std::vector<float> y = batch_norm(Var(x), g, b, rm, rv, true, 0.1f, 0.0f).value().to_vector();
  // column 0: mean 2, biased var 1 -> -1, 1; column 1: mean 15, biased var 25 -> 2 * (-1, 1) + 1
  check_close(y, {-1, -1, 1, 3}, 1e-6, 1e-6, "batch_norm output");
  // running = 0.9 running + 0.1 batch (mean; unbiased var: 2 and 50)
  check_close(rm.to_vector(), {0.2f, 0.9f + 1.5f}, 1e-6, 1e-6, "running_mean");
  check_close(rv.to_vector(), {0.9f + 0.2f, 1.8f + 5.0f}, 1e-5, 1e-6, "running_var");
}

TEST_CASE("batch_norm matches naive loops in training and evaluation") {
  int64_t R = 2500, C = 6;  // three row blocks
  Tensor x = random_tensor({R, C}, 20, -1, 4), g = random_tensor({C}, 21, 0.5f, 1.5f), b = random_tensor({C}, 22);
  Tensor rm = random_tensor({C}, 23), rv = random_tensor({C}, 24, 0.5f, 2.0f);
  std::vector<float> rm0 = rm.to_vector(), rv0 = rv.to_vector(), xv = x.to_vector(), gv = g.to_vector(),
                     bv = b.to_vector();
  std::vector<double> mean, var;
  naive_column_stats(x, mean, var);
  float momentum = 0.25f, eps = 1e-3f;

  std::vector<float> y = batch_norm(Var(x), Var(g), Var(b), rm, rv, true, momentum, eps).value().to_vector(),
                     want(y.size());
  for (int64_t i = 0; i < R * C; ++i) {
    int64_t c = i % C;
    want[i] = float((xv[i] - mean[c]) / std::sqrt(var[c] + eps) * gv[c] + bv[c]);
  }
  check_close(y, want, 1e-5, 1e-4, "batch_norm training");
  std::vector<float> rm_want(C), rv_want(C);
  for (int64_t c = 0; c < C; ++c) {
    rm_want[c] = float((1 - momentum) * rm0[c] + momentum * mean[c]);
    rv_want[c] = float((1 - momentum) * rv0[c] + momentum * var[c] * R / (R - 1));
  }
  check_close(rm.to_vector(), rm_want, 1e-6, 1e-5, "running_mean update");
  check_close(rv.to_vector(), rv_want, 1e-6, 1e-5, "running_var update");
  std::vector<float> rm1 = rm.to_vector(), rv1 = rv.to_vector();

  // evaluation: normalise with the (updated) running stats and leave them alone
  y = batch_norm(Var(x), Var(g), Var(b), rm, rv, false, momentum, eps).value().to_vector();
  for (int64_t i = 0; i < R * C; ++i) {
    int64_t c = i % C;
    want[i] = float((xv[i] - double(rm_want[c])) / std::sqrt(double(rv_want[c]) + eps) * gv[c] + bv[c]);
  }
  check_close(y, want, 1e-5, 1e-4, "batch_norm evaluation");
  CHECK(rm.to_vector() == rm1);  // unchanged in evaluation
  CHECK(rv.to_vector() == rv1);
}

TEST_CASE("batch_norm: finite-difference gradients when used twice, in training and evaluation") {
  Tensor x = random_tensor({7, 5}, 25, -2, 2), g = random_tensor({5}, 26, 0.5f, 1.5f), b = random_tensor({5}, 27);
  Tensor rm = random_tensor({5}, 28), rv = random_tensor({5}, 29, 0.5f, 2.0f);
  for (bool training : {true, false}) {
    auto twice = [&rm, &rv, training](const std::vector<Var>& v) {
      Var y = batch_norm(v[0], v[1], v[2], rm, rv, training, 0.1f, 1e-5f);
      return add(y, batch_norm(y, v[1], v[2], rm, rv, training, 0.1f, 1e-5f));
    };
    check_gradients(training ? "batch_norm training twice" : "batch_norm eval twice", twice, {x, g, b},
                    GradCheck{1e-3, 3e-3, 2e-2, 60});
  }
}

TEST_CASE("batch_norm: errors name the op and the shapes") {
  Var x(random_tensor({4, 3}, 1)), g(Tensor::full({3}, 1.0f)), b(Tensor::zeros({3}));
  Tensor rm = Tensor::zeros({3}), rv = Tensor::full({3}, 1.0f), bad = Tensor::zeros({4});
  CHECK_THROWS_WITH_AS(batch_norm(x, g, b, bad, rv, true),
                       doctest::Contains("batch_norm: running_mean [4] and running_var [3] must have 3 elements"),
                       Error);
  CHECK_THROWS_WITH_AS(batch_norm(Var(random_tensor({1, 3}, 2)), g, b, rm, rv, true),
                       doctest::Contains("batch_norm: training needs more than one row"), Error);
  CHECK_THROWS_WITH_AS(batch_norm(Var(random_tensor({2, 3, 4}, 2)), g, b, rm, rv, true),
                       doctest::Contains("batch_norm: x must be [rows, features], got [2, 3, 4]"), Error);
  CHECK_NOTHROW(batch_norm(Var(random_tensor({1, 3}, 2)), g, b, rm, rv, false));  // one row is fine in evaluation
}

// ---- dropout ----------------------------------------------------------------------------

TEST_CASE("dropout: keep fraction, scale, and the Philox mask of (seed, offset)") {
  int64_t n = 200000;
  float p = 0.3f;
  Tensor x = random_tensor({n / 100, 100}, 30, 0.5f, 1.5f);  // no zeros: a zero output means dropped
  std::vector<float> xv = x.to_vector();
  std::vector<float> y = dropout(Var(x), p, true, 42, 1000).value().to_vector();
  int64_t kept = 0, mask_mismatch = 0;
  std::vector<float> want(y.size());
  for (int64_t i = 0; i < n; ++i) {
    bool keep = philox_uniform(42, 1000 + uint64_t(i)) >= p;
    kept += y[i] != 0.0f;
    mask_mismatch += keep != (y[i] != 0.0f);
    want[i] = keep ? float(double(xv[i]) / (1.0 - p)) : 0.0f;
  }
  CHECK(mask_mismatch == 0);
  // sd of the kept fraction is sqrt(p (1-p) / n) ~ 0.001
  CHECK(std::fabs(double(kept) / double(n) - (1.0 - p)) < 0.005);
  check_close(y, want, 0, 1e-6, "kept values scaled by 1/(1-p)");

  std::vector<float> same = dropout(Var(x), p, true, 42, 1000).value().to_vector();
  CHECK(same == y);
  // another offset draws another mask; offset k is the mask of offset 0 shifted by k
  std::vector<float> shifted = dropout(Var(x), p, true, 42, 1001).value().to_vector();
  int64_t differ = 0, shift_mismatch = 0;
  for (int64_t i = 0; i + 1 < n; ++i) {
    differ += (shifted[i] != 0.0f) != (y[i] != 0.0f);
    shift_mismatch += (shifted[i] != 0.0f) != (y[i + 1] != 0.0f);
  }
  CHECK(differ > n / 10);  // independent masks differ in 2 p (1-p) = 42 % of places
  CHECK(shift_mismatch == 0);
  std::vector<float> other_seed = dropout(Var(x), p, true, 43, 1000).value().to_vector();
  CHECK(other_seed != y);
}

TEST_CASE("dropout: identity when not training or p = 0, zeros for p = 1") {
  Var x(random_tensor({10, 10}, 31), true);
  CHECK(dropout(x, 0.5f, false, 1, 0).same_node(x));
  CHECK(dropout(x, 0.0f, true, 1, 0).same_node(x));
  std::vector<float> y = dropout(x, 1.0f, true, 1, 0).value().to_vector();
  CHECK(y == std::vector<float>(100, 0.0f));
  CHECK_THROWS_WITH_AS(dropout(x, 1.5f, true, 1, 0), doctest::Contains("dropout: p must be in [0, 1], got 1.5"), Error);
  CHECK_THROWS_WITH_AS(dropout(x, -0.1f, true, 1, 0), doctest::Contains("dropout: p must be in [0, 1]"), Error);
}

TEST_CASE("dropout: the backward uses the forward's mask") {
  Tensor x = random_tensor({50, 20}, 32, 0.5f, 1.5f);
  Var vx(x, true);
  Var y = dropout(vx, 0.4f, true, 9, 77);
  backward(sum(y));
  std::vector<float> yv = y.value().to_vector(), gx = vx.grad().to_vector();
  for (size_t i = 0; i < yv.size(); ++i) CHECK(gx[i] == (yv[i] != 0.0f ? doctest::Approx(1.0 / 0.6) : 0.0));
  check_gradients(
      "dropout used twice",
      [](const std::vector<Var>& v) { return add(dropout(v[0], 0.4f, true, 9, 77), dropout(v[0], 0.4f, true, 9, 5)); },
      {x});
}

// ---- l2_normalize -----------------------------------------------------------------------

TEST_CASE("l2_normalize matches a naive loop, including rows below eps") {
  std::vector<float> xv = random_tensor({6, 5}, 40, -2, 2).to_vector();
  for (int c = 0; c < 5; ++c) {
    xv[10 + c] = 0.0f;   // row 2: zero
    xv[20 + c] = 1e-3f;  // row 4: norm ~2.2e-3 < eps
  }
  Tensor x = Tensor::from(xv, {6, 5});
  float eps = 0.01f;
  std::vector<float> y = l2_normalize(Var(x), eps).value().to_vector(), want(xv.size());
  for (int r = 0; r < 6; ++r) {
    double n = 0;
    for (int c = 0; c < 5; ++c) n += double(xv[r * 5 + c]) * xv[r * 5 + c];
    n = std::max(std::sqrt(n), double(eps));
    for (int c = 0; c < 5; ++c) want[r * 5 + c] = float(xv[r * 5 + c] / n);
  }
  check_close(y, want, 1e-6, 1e-5, "l2_normalize");
  double n0 = 0;
  for (int c = 0; c < 5; ++c) n0 += double(y[c]) * y[c];
  CHECK(n0 == doctest::Approx(1.0).epsilon(1e-6));
}

TEST_CASE("l2_normalize: finite-difference gradients above and below eps") {
  std::vector<float> xv = random_tensor({5, 8}, 41, -2, 2).to_vector();
  for (int c = 0; c < 8; ++c) xv[16 + c] *= 0.005f;  // row 2: norm < eps = 0.1, gradient dy / eps
  Tensor x = Tensor::from(xv, {5, 8});
  check_gradients(
      "l2_normalize", [](const std::vector<Var>& v) { return l2_normalize(v[0], 0.1f); }, {x},
      GradCheck{1e-3, 3e-3, 2e-2, 40});
  check_gradients(
      "l2_normalize used twice",
      [](const std::vector<Var>& v) { return add(l2_normalize(v[0]), l2_normalize(v[0], 0.1f)); }, {x},
      GradCheck{1e-3, 3e-3, 2e-2, 40});
  CHECK_THROWS_WITH_AS(l2_normalize(Var(Tensor::zeros({3}, DType::I32))),
                       doctest::Contains("l2_normalize: x must be F32"), Error);
}

