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
