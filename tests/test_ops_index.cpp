// Indexing and segment ops: naive loops, CSR construction and validation, accumulation,
// determinism across runs and thread counts. Finite-difference gradients and CPU/CUDA
// parity of every op here: the op registry (tests/op_cases_engine.cpp).
#include <omp.h>

#include <algorithm>
#include <cstring>

#include "core/rng.h"
#include "tests/testing.h"

using namespace ws;
using ws::test::check_close;
using ws::test::check_gradients;
using ws::test::GradCheck;
using ws::test::random_indices;
using ws::test::random_tensor;

namespace {
using Ints = std::vector<int32_t>;

Tensor ints(const Ints& v) { return Tensor::from(v, {int64_t(v.size())}); }

Ints offsets_of(const Ints& sizes) {
  Ints off{0};
  for (int32_t s : sizes) off.push_back(off.back() + s);
  return off;
}

Ints random_permutation(int32_t n, uint64_t seed) {
  Ints p(static_cast<size_t>(n));
  for (int32_t i = 0; i < n; ++i) p[size_t(i)] = i;
  Rng rng(seed);
  for (int32_t i = n - 1; i > 0; --i) std::swap(p[size_t(i)], p[rng.next_u32() % uint32_t(i + 1)]);
  return p;
}

// Uneven segment sizes as in the graph network: mostly 16..64, some empty, a few huge.
Ints uneven_sizes(int32_t S, uint64_t seed) {
  Ints sizes(static_cast<size_t>(S));
  Rng rng(seed);
  for (int32_t s = 0; s < S; ++s) {
    uint32_t r = rng.next_u32() % 100;
    sizes[size_t(s)] = r < 10 ? 0 : r < 12 ? 1000 + int32_t(rng.next_u32() % 3097) : 16 + int32_t(rng.next_u32() % 49);
  }
  return sizes;
}

Csr make_csr(const Ints& sizes, const Ints& perm = {}) {
  Csr c{ints(offsets_of(sizes)), Tensor()};
  if (!perm.empty()) c.perm = ints(perm);
  return c;
}

// ---- naive references ---------------------------------------------------------------
std::vector<float> naive_gather(const Tensor& x, const Ints& idx) {
  std::vector<float> xv = x.to_vector(), out;
  int64_t C = x.ndim() == 2 ? x.size(1) : 1;
  for (int32_t i : idx)
    for (int64_t c = 0; c < C; ++c) out.push_back(xv[size_t(i * C + c)]);
  return out;
}

std::vector<float> naive_scatter(const Tensor& x, const Ints& idx, int64_t n) {
  std::vector<float> xv = x.to_vector();
  int64_t C = x.ndim() == 2 ? x.size(1) : 1;
  std::vector<double> acc(size_t(n * C), 0.0);
  for (size_t i = 0; i < idx.size(); ++i)
    for (int64_t c = 0; c < C; ++c) acc[size_t(idx[i] * C + c)] += xv[i * size_t(C) + size_t(c)];
  return std::vector<float>(acc.begin(), acc.end());
}

std::vector<float> naive_segment(const Tensor& x, const Ints& sizes, const Ints& perm, bool mean) {
  std::vector<float> xv = x.to_vector(), out;
  int64_t C = x.ndim() == 2 ? x.size(1) : 1, e = 0;
  for (int32_t n : sizes) {
    std::vector<double> acc(size_t(C), 0.0);
    for (int32_t k = 0; k < n; ++k, ++e) {
      int64_t r = perm.empty() ? e : perm[size_t(e)];
      for (int64_t c = 0; c < C; ++c) acc[size_t(c)] += xv[size_t(r * C + c)];
    }
    for (int64_t c = 0; c < C; ++c) out.push_back(float(mean && n ? acc[size_t(c)] / n : acc[size_t(c)]));
  }
  return out;
}

std::vector<float> naive_exclusive_cumsum(const Tensor& x, const Ints& sizes) {
  std::vector<float> xv = x.to_vector(), out(xv.size());
  int64_t C = x.ndim() == 2 ? x.size(1) : 1, e = 0;
  for (int32_t n : sizes) {
    for (int64_t c = 0; c < C; ++c) {
      double run = 0;
      for (int32_t k = 0; k < n; ++k) {
        out[size_t((e + k) * C + c)] = float(run);
        run += xv[size_t((e + k) * C + c)];
      }
    }
    e += n;
  }
  return out;
}

bool bitwise_equal(const Tensor& a, const Tensor& b) {
  std::vector<float> av = a.to_vector(), bv = b.to_vector();
  return av.size() == bv.size() && std::memcmp(av.data(), bv.data(), av.size() * sizeof(float)) == 0;
}
}  // namespace

// ---- csr_from_index -----------------------------------------------------------------
TEST_CASE("csr_from_index: counting sort with a stable perm") {
  const int32_t S = 37;
  Tensor idx = random_indices(500, S - 3, 11);  // the last three segments stay empty
  Ints iv = idx.to_vector_i32();
  Csr c = csr_from_index(idx, S);
  REQUIRE(c.segments() == S);
  Ints off = c.offsets.to_vector_i32(), perm = c.perm.to_vector_i32();
  REQUIRE(perm.size() == iv.size());
  CHECK(off[0] == 0);
  for (int32_t s = 0; s < S; ++s) {
    Ints want;  // positions with idx == s in increasing order
    for (size_t i = 0; i < iv.size(); ++i)
      if (iv[i] == s) want.push_back(int32_t(i));
    Ints got(perm.begin() + off[size_t(s)], perm.begin() + off[size_t(s) + 1]);
    CHECK_MESSAGE(got == want, "segment ", s);
  }
  CHECK(off[S] == 500);
  CHECK_THROWS_WITH_AS(csr_from_index(ints({0, 3, 1}), 3), doctest::Contains("csr_from_index: idx[1] = 3 is outside [0, 3)"),
                       Error);
  CHECK_THROWS_WITH_AS(csr_from_index(ints({0, -2}), 3), doctest::Contains("idx[1] = -2"), Error);
  Csr empty = csr_from_index(ints({}), 4);
  CHECK(empty.offsets.to_vector_i32() == Ints{0, 0, 0, 0, 0});
}

// ---- gather / embedding / scatter -----------------------------------------------------
TEST_CASE("gather_rows, embedding, scatter_add_rows match naive loops") {
  Tensor x = random_tensor({9, 70}, 1);  // 70 columns: two column blocks on the CPU
  Ints iv = random_indices(300, 9, 2).to_vector_i32();
  iv[5] = 8;
  Tensor idx = ints(iv);
  check_close(gather_rows(Var(x), idx).value().to_vector(), naive_gather(x, iv), 0, 0, "gather_rows");
  Csr grouped = csr_from_index(idx, 9);
  check_close(gather_rows(Var(x), idx, &grouped).value().to_vector(), naive_gather(x, iv), 0, 0, "gather_rows grouped");
  check_close(embedding(Var(x), idx).value().to_vector(), naive_gather(x, iv), 0, 0, "embedding");
  Tensor x1 = random_tensor({9}, 3);  // one-column form
  Var g1 = gather_rows(Var(x1), idx);
  CHECK(g1.shape() == Shape{300});
  check_close(g1.value().to_vector(), naive_gather(x1, iv), 0, 0, "gather_rows [N]");

  Tensor y = random_tensor({300, 5}, 4);
  check_close(scatter_add_rows(Var(y), idx, 12).value().to_vector(), naive_scatter(y, iv, 12), 1e-5, 1e-5,
              "scatter_add_rows (rows 9..11 empty)");
}

TEST_CASE("gather backward: grouped segment sum equals the scatter-add and a naive loop") {
  Tensor x = random_tensor({6, 3}, 5);
  Ints iv = random_indices(40, 5, 6).to_vector_i32();  // row 5 never gathered: its gradient is 0
  Tensor idx = ints(iv), g = random_tensor({40, 3}, 7);
  Csr grouped = csr_from_index(idx, 6);
  std::vector<float> want = naive_scatter(g, iv, 6);
  for (const Csr* grp : {static_cast<const Csr*>(nullptr), static_cast<const Csr*>(&grouped)}) {
    Var xv(x, true);
    backward(sum(mul(gather_rows(xv, idx, grp), Var(g))));
    check_close(xv.grad().to_vector(), want, 1e-5, 1e-5, grp ? "grouped" : "scatter");
  }
  // accumulation into an existing gradient (two uses of x)
  Var xv(x, true);
  backward(sum(add(mul(gather_rows(xv, idx, &grouped), Var(g)), mul(gather_rows(xv, idx), Var(g)))));
  std::vector<float> twice = want;
  for (float& v : twice) v *= 2;
  check_close(xv.grad().to_vector(), twice, 1e-5, 1e-5, "accumulated");
}

// ---- segments ---------------------------------------------------------------------------
TEST_CASE("segment_sum and segment_mean match naive loops (perm, empty and uneven segments)") {
  SUBCASE("small, hand-made") {
    Ints sizes{0, 3, 1, 0, 7, 2, 0};
    Tensor x = random_tensor({13, 5}, 12);
    Ints perm = random_permutation(13, 13);
    for (bool mean : {false, true})
      for (const Ints& p : {Ints{}, perm}) {
        Csr seg = make_csr(sizes, p);
        Var y = mean ? segment_mean(Var(x), seg) : segment_sum(Var(x), seg);
        CHECK(y.shape() == Shape{7, 5});
        check_close(y.value().to_vector(), naive_segment(x, sizes, p, mean), 1e-6, 1e-6,
                    str_cat(mean ? "mean" : "sum", p.empty() ? "" : " with perm"));
      }
    Tensor x1 = random_tensor({13}, 14);
    check_close(segment_sum(Var(x1), make_csr(sizes)).value().to_vector(), naive_segment(x1, sizes, {}, false), 1e-6,
                1e-6, "sum of [E]");
  }
  SUBCASE("large, uneven, parallel path") {
    Ints sizes = uneven_sizes(2000, 15);
    int32_t E = offsets_of(sizes).back();
    Tensor x = random_tensor({E, 70}, 16);
    Ints perm = random_permutation(E, 17);
    for (bool mean : {false, true}) {
      Csr seg = make_csr(sizes, perm);
      Var y = mean ? segment_mean(Var(x), seg) : segment_sum(Var(x), seg);
      check_close(y.value().to_vector(), naive_segment(x, sizes, perm, mean), 1e-4, 1e-4, mean ? "mean" : "sum");
    }
  }
}

TEST_CASE("segment backward is a gather (divided by the count for the mean)") {
  Ints sizes{2, 0, 3, 1};
  Ints perm = random_permutation(6, 18);
  Tensor x = random_tensor({6, 2}, 19), g = random_tensor({4, 2}, 20);
  std::vector<float> gv = g.to_vector();
  for (bool mean : {false, true}) {
    Var xv(x, true);
    Csr seg = make_csr(sizes, perm);
    backward(sum(mul(mean ? segment_mean(xv, seg) : segment_sum(xv, seg), Var(g))));
    std::vector<float> want(12);
    int e = 0;
    for (int s = 0; s < 4; ++s)
      for (int k = 0; k < sizes[size_t(s)]; ++k, ++e)
        for (int c = 0; c < 2; ++c) want[size_t(perm[size_t(e)] * 2 + c)] = gv[size_t(s * 2 + c)] / (mean ? sizes[size_t(s)] : 1);
    check_close(xv.grad().to_vector(), want, 1e-6, 1e-6, mean ? "mean" : "sum");
  }
}

TEST_CASE("segment_exclusive_cumsum matches a naive loop") {
  Ints sizes{4, 0, 1, 6, 0, 3};
  Tensor x1 = random_tensor({14}, 21), x2 = random_tensor({14, 70}, 22);
  Csr seg = make_csr(sizes);
  check_close(segment_exclusive_cumsum(Var(x1), seg).value().to_vector(), naive_exclusive_cumsum(x1, sizes), 1e-6,
              1e-6, "[E]");
  check_close(segment_exclusive_cumsum(Var(x2), seg).value().to_vector(), naive_exclusive_cumsum(x2, sizes), 1e-6,
              1e-6, "[E,C]");
  Ints big = uneven_sizes(3000, 23);
  Tensor xb = random_tensor({offsets_of(big).back()}, 24);
  check_close(segment_exclusive_cumsum(Var(xb), make_csr(big)).value().to_vector(), naive_exclusive_cumsum(xb, big),
              1e-4, 1e-4, "large [E]");
}

TEST_CASE("every op accumulates into a gradient that already holds one") {
  // x feeds the op twice: the second backward closure adds into the first one's gradient.
  Ints sizes{0, 3, 1, 0, 7, 2, 0};
  Csr plain = make_csr(sizes), permuted = make_csr(sizes, random_permutation(13, 36));
  Tensor x = random_tensor({13, 3}, 37), idx = random_indices(20, 13, 38);
  Csr grouped = csr_from_index(idx, 13);
  using Op = std::function<Var(const Var&)>;
  std::vector<std::pair<const char*, Op>> ops = {
      {"gather_rows", [=](const Var& v) { return gather_rows(v, idx); }},
      {"gather_rows grouped", [=](const Var& v) { return gather_rows(v, idx, &grouped); }},
      {"scatter_add_rows", [=](const Var& v) { return scatter_add_rows(v, ints(Ints(13, 2)), 4); }},
      {"segment_sum", [=](const Var& v) { return segment_sum(v, permuted); }},
      {"segment_mean", [=](const Var& v) { return segment_mean(v, plain); }},
      {"segment_exclusive_cumsum", [=](const Var& v) { return segment_exclusive_cumsum(v, plain); }},
  };
  for (auto& [name, op] : ops)
    check_gradients(str_cat(name, " twice"), [op = op](const std::vector<Var>& v) { return add(op(v[0]), mul(op(v[0]), op(v[0]))); },
                    {x});
}

// ---- errors --------------------------------------------------------------------------------
TEST_CASE("indexing and segments: errors name the op and the problem") {
  Tensor x = random_tensor({5, 2}, 29);
  CHECK_THROWS_WITH_AS(gather_rows(Var(x), ints({0, 4, 5})), doctest::Contains("gather_rows: idx[2] = 5 is outside [0, 5)"),
                       Error);
  CHECK_THROWS_WITH_AS(embedding(Var(x), ints({1, -1})), doctest::Contains("embedding: idx[1] = -1 is outside [0, 5)"),
                       Error);
  CHECK_THROWS_WITH_AS(gather_rows(Var(x), Tensor::zeros({3}, DType::F32)), doctest::Contains("idx must be I32"),
                       Error);
  CHECK_THROWS_WITH_AS(scatter_add_rows(Var(x), ints({0, 1}), 3), doctest::Contains("needs one entry per row"), Error);
  CHECK_THROWS_WITH_AS(scatter_add_rows(Var(x), ints({0, 1, 2, 3, 3}), 3),
                       doctest::Contains("scatter_add_rows: idx[3] = 3 is outside [0, 3)"), Error);

  Tensor idx = ints({1, 0, 1});
  Csr wrong_count = csr_from_index(idx, 3);
  CHECK_THROWS_WITH_AS(gather_rows(Var(x), idx, &wrong_count), doctest::Contains("has 3 segments"), Error);
  Csr not_grouping{ints({0, 1, 3, 3, 3, 3}), Tensor()};  // claims idx is sorted
  CHECK_THROWS_WITH_AS(gather_rows(Var(x), idx, &not_grouping), doctest::Contains("is not the CSR of idx"), Error);

  auto seg_sum = [&](Ints off, Ints perm) {
    Csr c{ints(off), perm.empty() ? Tensor() : ints(perm)};
    return segment_sum(Var(x), c);
  };
  CHECK_NOTHROW(seg_sum({0, 2, 5}, {}));
  CHECK_THROWS_WITH_AS(seg_sum({0, 3, 2, 5}, {}),
                       doctest::Contains("segment_sum: CSR offsets must be non-decreasing: offsets[1] = 3 > offsets[2] = 2"),
                       Error);
  CHECK_THROWS_WITH_AS(seg_sum({0, 2, 4}, {}), doctest::Contains("offsets end at 4 but the data has 5 rows"), Error);
  CHECK_THROWS_WITH_AS(seg_sum({1, 2, 5}, {}), doctest::Contains("must start at 0"), Error);
  CHECK_THROWS_WITH_AS(seg_sum({0, 2, 5}, {0, 1, 2, 3}), doctest::Contains("perm must be I32 [5]"), Error);
  CHECK_THROWS_WITH_AS(seg_sum({0, 2, 5}, {0, 1, 2, 3, 5}), doctest::Contains("perm[4] = 5 is outside [0, 5)"), Error);
  Csr repeats{ints({0, 2, 5}), ints({0, 1, 2, 1, 4})};  // ops check the range only (O(E) sequential)
  CHECK_NOTHROW(check_csr("test", repeats, 5));
  CHECK_THROWS_WITH_AS(check_csr("test", repeats, 5, true),
                       doctest::Contains("test: CSR perm is not a permutation: 1 appears twice (again at perm[3])"), Error);
  CHECK_NOTHROW(check_csr("test", csr_from_index(random_indices(300, 7, 35), 7), 300, true));
  CHECK_THROWS_WITH_AS(segment_mean(Var(x), Csr{Tensor::zeros({3}), Tensor()}),
                       doctest::Contains("segment_mean: CSR offsets must be I32 [S+1]"), Error);
  CHECK_THROWS_WITH_AS(segment_exclusive_cumsum(Var(x), Csr{ints({0, 5}), ints({0, 1, 2, 3, 4})}),
                       doctest::Contains("segment_exclusive_cumsum: perm is not supported"), Error);
}

// ---- determinism -------------------------------------------------------------------------------
TEST_CASE("indexing and segments are bitwise deterministic across runs and thread counts") {
  Ints sizes = uneven_sizes(1500, 30);
  int32_t E = offsets_of(sizes).back();
  Ints perm = random_permutation(E, 31);
  Csr seg = make_csr(sizes, perm), plain = make_csr(sizes);
  Tensor x = random_tensor({E, 40}, 32), nodes = random_tensor({1500, 40}, 33), idx = random_indices(E, 1500, 34);
  Csr grouped = csr_from_index(idx, 1500);
  // All ops with their gradients: the output and the input gradients of one run.
  auto run = [&]() {
    std::vector<Tensor> res;
    Var xv(x, true), nv(nodes, true);
    Var y = add(add(segment_mean(xv, seg), segment_sum(xv, plain)),
                add(scatter_add_rows(xv, idx, 1500), segment_sum(segment_exclusive_cumsum(xv, plain), plain)));
    Var z = add(gather_rows(nv, idx, &grouped), gather_rows(nv, idx));
    backward(add(sum(mul(y, y)), sum(mul(z, xv))));
    return std::vector<Tensor>{y.value(), z.value(), xv.grad(), nv.grad()};
  };
  int threads = omp_get_max_threads();
  std::vector<Tensor> a = run(), b = run();
  omp_set_num_threads(1);
  std::vector<Tensor> one = run();
  omp_set_num_threads(3);
  std::vector<Tensor> three = run();
  omp_set_num_threads(threads);
  for (size_t i = 0; i < a.size(); ++i) {
    CHECK_MESSAGE(bitwise_equal(a[i], b[i]), "result ", i, " differs between two runs");
    CHECK_MESSAGE(bitwise_equal(a[i], one[i]), "result ", i, " differs with 1 thread");
    CHECK_MESSAGE(bitwise_equal(a[i], three[i]), "result ", i, " differs with 3 threads");
  }
}

