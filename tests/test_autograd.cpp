#include "tests/testing.h"

using namespace ws;
using ws::test::check_gradients;
using ws::test::random_tensor;

TEST_CASE("autograd: gradients accumulate when a Var is used twice") {
  Var x(Tensor::from(std::vector<float>{1, 2, 3}, {3}), true);
  Var y = add(mul(x, x), x);  // dy/dx = 2x + 1
  backward(sum(y));
  CHECK(x.grad().to_vector() == std::vector<float>{3, 5, 7});
}

TEST_CASE("autograd: add passes its gradient on to both operands, the same Var or not") {
  // add's backward gives a its gradient as a copy and hands b the buffer itself: b's later
  // accumulation must not reach a, nor a Var used as both operands lose a term.
  Var x(Tensor::from(std::vector<float>{1, 2, 3}, {3}), true), y(Tensor::from(std::vector<float>{4, 5, 6}, {3}), true);
  backward(sum(add(add(x, x), mul(y, y))));  // d/dx = 2, d/dy = 2y
  CHECK(x.grad().to_vector() == std::vector<float>{2, 2, 2});
  CHECK(y.grad().to_vector() == std::vector<float>{8, 10, 12});
  Var u(Tensor::from(std::vector<float>{1, 2, 3}, {3}), true), v(Tensor::from(std::vector<float>{1, 1, 1}, {3}), true);
  Var s = add(u, v);
  backward(sum(add(mul(s, s), v)));  // d/du = 2s, d/dv = 2s + 1: v's two gradients meet in s's buffer
  CHECK(u.grad().to_vector() == std::vector<float>{4, 6, 8});
  CHECK(v.grad().to_vector() == std::vector<float>{5, 7, 9});
}

TEST_CASE("autograd: no-grad mode records nothing") {
  Var x(Tensor::full({4}, 1.0f), true);
  {
    NoGradGuard g;
    Var y = relu(x);
    CHECK_FALSE(y.requires_grad());
  }
  CHECK(tape_size() == 0);
}

TEST_CASE("autograd: errors name the op and the shapes") {
  Var a(Tensor::zeros({2, 3})), b(Tensor::zeros({4, 5}));
  CHECK_THROWS_WITH_AS(matmul(a, b), doctest::Contains("matmul: inner sizes differ"), Error);
  CHECK_THROWS_WITH_AS(add(a, b), doctest::Contains("[2, 3] and [4, 5]"), Error);
  Var s(Tensor::zeros({2}), true);
  CHECK_THROWS_WITH_AS(backward(s), doctest::Contains("one-element loss"), Error);
}
