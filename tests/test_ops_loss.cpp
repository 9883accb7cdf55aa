// smooth_l1 and cross_entropy: hand-computed values, naive double loops, finite
// differences, label checks and errors.
#include <cmath>

#include "tests/testing.h"

using namespace ws;
using ws::test::check_close;
using ws::test::check_gradients;
using ws::test::GradCheck;
using ws::test::random_indices;
using ws::test::random_tensor;

namespace {
Tensor vec(const std::vector<float>& v, Shape s) { return Tensor::from(v, s); }

// sum_r w_r sum_c huber(pred - target) / (R C), in double
double naive_smooth_l1(const Tensor& P, const Tensor& T, double beta, const Tensor* W) {
  std::vector<float> p = P.to_vector(), t = T.to_vector(), w = W ? W->to_vector() : std::vector<float>();
  int64_t C = P.cols();
  double s = 0;
  for (size_t i = 0; i < p.size(); ++i) {
    double d = double(p[i]) - t[i], a = std::fabs(d);
    double l = a < beta ? 0.5 * d * d / beta : a - 0.5 * beta;
    s += (W ? w[i / size_t(C)] : 1.0) * l;
  }
  return s / double(p.size());
}

// mean over rows of log sum_k exp(x_k) - x_label, in double
double naive_cross_entropy(const Tensor& X, const Tensor& labels) {
  std::vector<float> x = X.to_vector();
  std::vector<int32_t> y = labels.to_vector_i32();
  int64_t N = X.size(0), K = X.size(1);
  double total = 0;
  for (int64_t r = 0; r < N; ++r) {
    double m = x[r * K];
    for (int64_t k = 1; k < K; ++k) m = std::max(m, double(x[r * K + k]));
    double s = 0;
    for (int64_t k = 0; k < K; ++k) s += std::exp(x[r * K + k] - m);
    total += m + std::log(s) - x[r * K + y[r]];
  }
  return total / double(N);
}
}  // namespace

// ---- smooth_l1 --------------------------------------------------------------------------

TEST_CASE("smooth_l1: hand-computed values on both sides of beta, and their gradients") {
  Tensor p = vec({0.2f, -0.5f, 2.0f, -3.0f}, {4}), t = Tensor::zeros({4});
  // beta 1: 0.5 d^2 for |d| < 1, else |d| - 0.5:  0.02 + 0.125 + 1.5 + 2.5 = 4.145
  Var vp(p, true), vt(t, true);
  Var l = smooth_l1(vp, vt, 1.0f);
  CHECK(l.value().item() == doctest::Approx(4.145 / 4));
  backward(l);
  check_close(vp.grad().to_vector(), {0.05f, -0.125f, 0.25f, -0.25f}, 1e-7, 1e-6, "d/dpred");
  check_close(vt.grad().to_vector(), {-0.05f, 0.125f, -0.25f, 0.25f}, 1e-7, 1e-6, "d/dtarget");
  // beta 0.5: 0.5 d^2 / 0.5 for |d| < 0.5, else |d| - 0.25 (|d| = beta is linear):  0.04 + 0.25 + 1.75 + 2.75
  CHECK(smooth_l1(Var(p), Var(t), 0.5f).value().item() == doctest::Approx(4.79 / 4));
  // beta 0: plain L1
  CHECK(smooth_l1(Var(p), Var(t), 0.0f).value().item() == doctest::Approx(5.7 / 4));
}

TEST_CASE("smooth_l1: row weights give sum_r w_r l_r / (R C)") {
  Tensor p = vec({1.0f, 0.5f, -2.0f, 0.0f}, {2, 2}), t = Tensor::zeros({2, 2}), w = vec({2.0f, 0.5f}, {2});
  // rows: 0.5 + 0.125 and 1.5 + 0  ->  (2 * 0.625 + 0.5 * 1.5) / 4
  CHECK(smooth_l1(Var(p), Var(t), 1.0f, &w).value().item() == doctest::Approx(0.5));
}

TEST_CASE("smooth_l1 matches a naive double loop") {
  Tensor p = random_tensor({700, 3}, 1, -2, 2), t = random_tensor({700, 3}, 2, -2, 2),  // > 1024 elements
      w = random_tensor({700}, 3, 0, 2);
  for (float beta : {1.0f, 0.1f, 0.0f}) {
    CHECK(smooth_l1(Var(p), Var(t), beta).value().item() ==
          doctest::Approx(naive_smooth_l1(p, t, beta, nullptr)).epsilon(1e-5));
    CHECK(smooth_l1(Var(p), Var(t), beta, &w).value().item() ==
          doctest::Approx(naive_smooth_l1(p, t, beta, &w)).epsilon(1e-5));
  }
  Tensor p3 = random_tensor({2, 5, 4}, 4), t3 = random_tensor({2, 5, 4}, 5), w3 = random_tensor({2, 5}, 6);
  CHECK(smooth_l1(Var(p3), Var(t3), 0.5f, &w3).value().item() ==
        doctest::Approx(naive_smooth_l1(p3, t3, 0.5, &w3)).epsilon(1e-5));
}

TEST_CASE("smooth_l1: finite-difference gradients for pred and target") {
  Tensor p = random_tensor({6, 4}, 7, -2, 2), t = random_tensor({6, 4}, 8, -2, 2), w = random_tensor({6}, 9, 0, 2);
  for (float beta : {1.0f, 0.3f, 0.0f}) {
    check_gradients("smooth_l1", [beta](const std::vector<Var>& v) { return smooth_l1(v[0], v[1], beta); }, {p, t});
    check_gradients("smooth_l1 weighted",
                    [beta, w](const std::vector<Var>& v) { return smooth_l1(v[0], v[1], beta, &w); }, {p, t});
  }
  check_gradients(
      "smooth_l1 target constant", [](const std::vector<Var>& v) { return smooth_l1(v[0], v[1]); }, {p, t},
      GradCheck{1e-3, 2e-3, 2e-2, 48, {1}});
  check_gradients("smooth_l1 used twice",
                  [](const std::vector<Var>& v) { return add(smooth_l1(v[0], v[1]), smooth_l1(v[1], v[0], 0.5f)); },
                  {p, t});
}

TEST_CASE("smooth_l1: errors name the op and the shapes") {
  Var p(random_tensor({4, 3}, 1)), t(random_tensor({4, 3}, 2));
  CHECK_THROWS_WITH_AS(smooth_l1(p, Var(random_tensor({3, 4}, 3))),
                       doctest::Contains("smooth_l1: pred [4, 3] and target [3, 4] differ in shape"), Error);
  Tensor w = Tensor::full({3}, 1.0f);
  CHECK_THROWS_WITH_AS(
      smooth_l1(p, t, 1.0f, &w),
      doctest::Contains("smooth_l1: row_weights [3] must have one weight per row of pred [4, 3] (4 rows)"), Error);
  CHECK_THROWS_WITH_AS(smooth_l1(p, t, -1.0f), doctest::Contains("smooth_l1: beta must be >= 0"), Error);
}

// ---- cross_entropy ----------------------------------------------------------------------

TEST_CASE("cross_entropy: a hand-computed two-class case and its gradient") {
  Tensor x = vec({0, 0, 1, 3}, {2, 2}), labels = Tensor::from(std::vector<int32_t>{0, 1}, {2});
  // row 0: log 2; row 1: log(e + e^3) - 3 = log(1 + e^-2)
  double want = (std::log(2.0) + std::log1p(std::exp(-2.0))) / 2;
  Var vx(x, true);
  Var l = cross_entropy(vx, labels);
  CHECK(l.value().item() == doctest::Approx(want));
  backward(l);
  // (softmax - onehot) / N
  double s1 = 1 / (1 + std::exp(2.0));  // softmax of logit 1 against 3
  check_close(vx.grad().to_vector(), {-0.25f, 0.25f, float(s1 / 2), float(-s1 / 2)}, 1e-7, 1e-6, "d/dlogits");
}

TEST_CASE("cross_entropy: huge logits stay finite (max-shifted log-sum-exp)") {
  Tensor x = vec({1000, 0, -1000, 1000}, {2, 2}), labels = Tensor::from(std::vector<int32_t>{0, 0}, {2});
  Var vx(x, true);
  Var l = cross_entropy(vx, labels);
  CHECK(l.value().item() == doctest::Approx(1000.0));  // (0 + 2000) / 2
  backward(l);
  check_close(vx.grad().to_vector(), {0, 0, -0.5f, 0.5f}, 1e-7, 0, "d/dlogits");
}

TEST_CASE("cross_entropy matches a naive double loop, gradient rows sum to zero") {
  Tensor x = random_tensor({1500, 7}, 10, -4, 4), labels = random_indices(1500, 7, 11);
  Var vx(x, true);
  Var l = cross_entropy(vx, labels);
  CHECK(l.value().item() == doctest::Approx(naive_cross_entropy(x, labels)).epsilon(1e-5));
  backward(l);
  std::vector<float> g = vx.grad().to_vector();
  for (int64_t r = 0; r < 1500; r += 37) {
    double s = 0;
    for (int k = 0; k < 7; ++k) s += g[r * 7 + k];
    CHECK(std::fabs(s) < 1e-7);
  }
}

TEST_CASE("cross_entropy: finite-difference gradients") {
  Tensor x = random_tensor({8, 5}, 12, -3, 3), labels = random_indices(8, 5, 13);
  check_gradients("cross_entropy", [labels](const std::vector<Var>& v) { return cross_entropy(v[0], labels); }, {x});
  check_gradients("cross_entropy used twice",
                  [labels](const std::vector<Var>& v) {
                    return add(cross_entropy(v[0], labels), cross_entropy(mul_scalar(v[0], 3.0f), labels));
                  },
                  {x});
}

TEST_CASE("cross_entropy: labels are checked with a clear error") {
  Var x(random_tensor({3, 5}, 14));
  CHECK_THROWS_WITH_AS(cross_entropy(x, Tensor::from(std::vector<int32_t>{0, 4, 7}, {3})),
                       doctest::Contains("cross_entropy: label 7 of row 2 is outside [0, 5) for logits [3, 5]"), Error);
  CHECK_THROWS_WITH_AS(cross_entropy(x, Tensor::from(std::vector<int32_t>{-1, 0, 0}, {3})),
                       doctest::Contains("cross_entropy: label -1 of row 0 is outside [0, 5)"), Error);
  CHECK_THROWS_WITH_AS(cross_entropy(x, Tensor::from(std::vector<int32_t>{0, 1}, {2})),
                       doctest::Contains("cross_entropy: labels must be I32 [3] for logits [3, 5], got I32[2]"), Error);
  CHECK_THROWS_WITH_AS(cross_entropy(x, Tensor::zeros({3})), doctest::Contains("cross_entropy: labels must be I32 [3]"),
                       Error);
  CHECK_THROWS_WITH_AS(cross_entropy(Var(random_tensor({15}, 1)), Tensor::zeros({15}, DType::I32)),
                       doctest::Contains("cross_entropy: logits must be a non-empty [N, K], got [15]"), Error);
}

