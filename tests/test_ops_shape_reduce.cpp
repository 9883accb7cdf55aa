#include "tests/testing.h"

using namespace ws;
using ws::test::check_close;
using ws::test::check_gradients;
using ws::test::check_parity;
using ws::test::random_tensor;

TEST_CASE("sums and means match naive loops") {
  Tensor x = random_tensor({2500, 3}, 1);  // more rows than one reduce block
  std::vector<float> v = x.to_vector();
  double total = 0, col[3] = {0, 0, 0};
  std::vector<float> rows(2500);
  for (size_t i = 0; i < v.size(); ++i) {
    total += v[i];
    col[i % 3] += v[i];
    rows[i / 3] += v[i];
  }
  CHECK(sum(Var(x)).value().item() == doctest::Approx(total).epsilon(1e-5));
  CHECK(mean(Var(x)).value().item() == doctest::Approx(total / 7500).epsilon(1e-5));
  check_close(sum_rows(Var(x)).value().to_vector(), {float(col[0]), float(col[1]), float(col[2])}, 1e-4, 1e-5,
              "sum_rows");
  check_close(row_sum(Var(x)).value().to_vector(), rows, 1e-6, 1e-5, "row_sum");
  for (float& r : rows) r /= 3;
  check_close(row_mean(Var(x)).value().to_vector(), rows, 1e-6, 1e-5, "row_mean");
}

TEST_CASE("reductions: finite-difference gradients") {
  Tensor x = random_tensor({9, 5}, 2);
  check_gradients("sum", [](const std::vector<Var>& v) { return sum(v[0]); }, {x});
  check_gradients("mean", [](const std::vector<Var>& v) { return mean(v[0]); }, {x});
  check_gradients("sum_rows", [](const std::vector<Var>& v) { return sum_rows(v[0]); }, {x});
  check_gradients("row_sum", [](const std::vector<Var>& v) { return row_sum(v[0]); }, {x});
  check_gradients("row_mean", [](const std::vector<Var>& v) { return row_mean(v[0]); }, {x});
}

TEST_CASE("concat and split along the last dim, and their gradients") {
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
  check_gradients("concat_last", [](const std::vector<Var>& v) { return concat_last({v[0], v[1], v[0]}); }, {a, b});
  // only one part used: the other part's columns get zero gradient
  check_gradients("split_last", [](const std::vector<Var>& v) { return split_last(v[0], {1, 3, 1})[1]; },
                  {random_tensor({3, 5}, 5)});
  check_gradients("reshape", [](const std::vector<Var>& v) { return mul(reshape(v[0], {15}), reshape(v[0], {15})); },
                  {random_tensor({3, 5}, 6)});
  CHECK_THROWS_WITH_AS(concat_last({Var(a), Var(random_tensor({3, 2}, 1))}), doctest::Contains("leading dims differ"),
                       Error);
}

TEST_CASE("parity: reductions and concat on CUDA match the CPU") {
  Tensor x = random_tensor({3000, 7}, 7);
  check_parity("sum", [](const std::vector<Var>& v) { return sum(v[0]); }, {x}, 1e-3, 1e-5);
  check_parity("sum_rows", [](const std::vector<Var>& v) { return sum_rows(v[0]); }, {x}, 1e-3, 1e-5);
  check_parity("row_mean", [](const std::vector<Var>& v) { return row_mean(v[0]); }, {x});
  check_parity("concat", [](const std::vector<Var>& v) { return concat_last({v[0], v[0]}); }, {x});
}
