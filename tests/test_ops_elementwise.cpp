#include <cmath>

#include "tests/testing.h"

using namespace ws;
using ws::test::random_tensor;

// Values against plain loops and finite-difference gradients of every unary and binary op:
// the op registry (tests/op_cases_engine.cpp).
TEST_CASE("unary ops: softplus and log_sigmoid stay stable at extremes") {
  Tensor big = Tensor::from(std::vector<float>{-100, 100}, {2});
  std::vector<float> sp = softplus(Var(big)).value().to_vector(), ls = log_sigmoid(Var(big)).value().to_vector();
  CHECK(sp[0] == doctest::Approx(0.0));
  CHECK(sp[1] == 100.0f);
  CHECK(ls[0] == -100.0f);
  CHECK(ls[1] == doctest::Approx(0.0));
}

TEST_CASE("trunc_exp: value is exp, gradient clamps the exponent at 15") {
  Var x(Tensor::from(std::vector<float>{1, 20}, {2}), true);
  Var y = trunc_exp(x);
  backward(sum(y));
  std::vector<float> g = x.grad().to_vector();
  CHECK(y.value().to_vector()[1] == doctest::Approx(std::exp(20.0f)).epsilon(1e-6));
  CHECK(g[0] == doctest::Approx(std::exp(1.0f)));
  CHECK(g[1] == doctest::Approx(std::exp(15.0f)).epsilon(1e-6));
}

TEST_CASE("binary ops broadcast the second operand over leading dims") {
  Tensor a = random_tensor({4, 3, 5}, 3), b = random_tensor({3, 5}, 4, 0.5f, 2.0f), s = random_tensor({1}, 5, 1, 2);
  std::vector<float> av = a.to_vector(), bv = b.to_vector();
  std::vector<float> got = div(Var(a), Var(b)).value().to_vector();
  for (size_t i = 0; i < av.size(); ++i) CHECK(got[i] == doctest::Approx(av[i] / bv[i % 15]));
  std::vector<float> got2 = mul(Var(s), Var(a)).value().to_vector();  // scalar first
  for (size_t i = 0; i < av.size(); ++i) CHECK(got2[i] == doctest::Approx(av[i] * s.item()));
  CHECK_THROWS_WITH_AS(add(Var(a), Var(random_tensor({4, 3}, 1))), doctest::Contains("do not broadcast"), Error);
}


TEST_CASE("binary ops on few or many long rows use every element once, on every thread") {
  // Grids split over threads in (row, column block) tasks, so that few rows (one, for
  // same-shape operands) spread too; the blocks must tile each row exactly, at and around
  // the block width.
  for (int64_t R : {1, 3, 63, 100}) {
    for (int64_t C : {1023, 1024, 1025, 40000}) {
      Tensor a = random_tensor({R, C}, 11), b = random_tensor({C}, 12, 0.5f, 2.0f);
      Var va(a, true), vb(b, true);
      Var y = mul(va, vb);
      std::vector<float> av = a.to_vector(), bv = b.to_vector(), got = y.value().to_vector();
      backward(sum(y));
      std::vector<float> ga = va.grad().to_vector(), gb = vb.grad().to_vector();
      int bad = 0;
      for (int64_t i = 0; i < R * C; ++i) bad += got[size_t(i)] != av[size_t(i)] * bv[size_t(i % C)] ||
                                                 ga[size_t(i)] != bv[size_t(i % C)];
      for (int64_t c = 0; c < C; ++c) {
        float want = 0;
        for (int64_t r = 0; r < R; ++r) want += av[size_t(r * C + c)];
        bad += std::fabs(gb[size_t(c)] - want) > 1e-4f * R;
      }
      CHECK_MESSAGE(bad == 0, R, " x ", C, ": ", bad, " wrong values");
    }
  }
}
