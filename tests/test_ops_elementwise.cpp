#include <cmath>

#include "tests/testing.h"

using namespace ws;
using ws::test::check_close;
using ws::test::check_gradients;
using ws::test::check_parity;
using ws::test::random_tensor;

namespace {
// The naive reference each unary op is checked against.
double reference(Unary op, double x) {
  switch (op) {
    case Unary::Relu: return x > 0 ? x : 0;
    case Unary::Silu: return x / (1 + std::exp(-x));
    case Unary::Sin: return std::sin(x);
    case Unary::Cos: return std::cos(x);
    case Unary::Sigmoid: return 1 / (1 + std::exp(-x));
    case Unary::Exp: case Unary::TruncExp: return std::exp(x);
    case Unary::Softplus: return std::log1p(std::exp(x));
    case Unary::LogSigmoid: return -std::log1p(std::exp(-x));
    case Unary::Tanh: return std::tanh(x);
    case Unary::Square: return x * x;
    case Unary::Neg: return -x;
  }
  return 0;
}
const Unary kAllUnary[] = {
#define WS_ITEM(name) Unary::name,
    WS_UNARY_OPS(WS_ITEM)
#undef WS_ITEM
};
}  // namespace

TEST_CASE("unary ops match naive loops") {
  Tensor x = random_tensor({7, 33}, 1, -4, 4);
  std::vector<float> xv = x.to_vector();
  for (Unary op : kAllUnary) {
    std::vector<float> got = unary(op, Var(x)).value().to_vector(), want(xv.size());
    for (size_t i = 0; i < xv.size(); ++i) want[i] = float(reference(op, xv[i]));
    check_close(got, want, 1e-6, 1e-5, unary_name(op));
  }
  // stable at extremes
  Tensor big = Tensor::from(std::vector<float>{-100, 100}, {2});
  std::vector<float> sp = softplus(Var(big)).value().to_vector(), ls = log_sigmoid(Var(big)).value().to_vector();
  CHECK(sp[0] == doctest::Approx(0.0));
  CHECK(sp[1] == 100.0f);
  CHECK(ls[0] == -100.0f);
  CHECK(ls[1] == doctest::Approx(0.0));
}

TEST_CASE("unary ops: finite-difference gradients") {
  Tensor x = random_tensor({5, 13}, 2, -3, 3);
  for (Unary op : kAllUnary)
    check_gradients(unary_name(op), [op](const std::vector<Var>& v) { return unary(op, v[0]); }, {x});
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

TEST_CASE("binary ops: finite-difference gradients, full and broadcast") {
  Tensor a = random_tensor({6, 4}, 6), b = random_tensor({6, 4}, 7, 0.5f, 2), row = random_tensor({4}, 8, 0.5f, 2),
         one = random_tensor({1}, 9, 0.5f, 2);
  for (Binary op : {Binary::Add, Binary::Sub, Binary::Mul, Binary::Div}) {
    auto f = [op](const std::vector<Var>& v) { return binary(op, v[0], v[1]); };
    check_gradients("binary full", f, {a, b});
    check_gradients("binary row broadcast", f, {a, row});
    check_gradients("binary scalar broadcast", f, {a, one});
  }
  check_gradients("affine", [](const std::vector<Var>& v) { return affine(v[0], -2.5f, 1.0f); }, {a});
}

TEST_CASE("parity: element-wise ops on CUDA match the CPU") {
  Tensor x = random_tensor({64, 33}, 10, -3, 3), row = random_tensor({33}, 11, 0.5f, 2);
  for (Unary op : kAllUnary)
    check_parity(unary_name(op), [op](const std::vector<Var>& v) { return unary(op, v[0]); }, {x});
  for (Binary op : {Binary::Add, Binary::Sub, Binary::Mul, Binary::Div})
    check_parity("binary", [op](const std::vector<Var>& v) { return binary(op, v[0], v[1]); }, {x, row});
}
