#include "tests/testing.h"

using namespace ws;
using ws::test::random_tensor;

// Sums and means against plain loops, and every gradient here: the op registry
// (tests/op_cases_engine.cpp).
TEST_CASE("concat and split along the last dim") {
  Tensor a = random_tensor({4, 2}, 3), b = random_tensor({4, 3}, 4);
  Var c = concat_last({Var(a), Var(b)});
  CHECK(c.shape() == Shape{4, 5});
  std::vector<float> cv = c.value().to_vector(), av = a.to_vector(), bv = b.to_vector();
  for (int r = 0; r < 4; ++r) {
    CHECK(cv[r * 5 + 1] == av[r * 2 + 1]);
    CHECK(cv[r * 5 + 4] == bv[r * 3 + 2]);
  }
  std::vector<Var> parts = split_last(c, {2, 3});
  CHECK(parts[1].value().to_vector() == bv);
  CHECK_THROWS_WITH_AS(concat_last({Var(a), Var(random_tensor({3, 2}, 1))}), doctest::Contains("leading dims differ"),
                       Error);
}

