// t-SNE: affinities as defined, separated clusters stay separated in 2-D, determinism.
#include <cmath>

#include "models/eval/tsne.h"
#include "tests/eval_testing.h"
#include "tests/testing.h"

using namespace ws;

namespace {
// Fraction of points whose nearest other point in y [n, 2] has their label.
double nn_label_agreement(const std::vector<float>& y, const std::vector<int>& labels) {
  const size_t n = labels.size();
  int agree = 0;
  for (size_t i = 0; i < n; ++i) {
    double best = 1e300;
    size_t arg = i;
    for (size_t j = 0; j < n; ++j) {
      if (j == i) continue;
      double dx = y[2 * i] - y[2 * j], dy = y[2 * i + 1] - y[2 * j + 1], d = dx * dx + dy * dy;
      if (d < best) best = d, arg = j;
    }
    agree += labels[arg] == labels[i];
  }
  return double(agree) / double(n);
}

// k clusters of m points in `dim` dimensions: centres 10 apart per axis at random, unit noise.
std::vector<float> clusters(int k, int m, int64_t dim, std::vector<int>& labels, uint64_t seed) {
  Rng rng(seed);
  std::vector<float> x;
  std::vector<std::vector<float>> c(static_cast<size_t>(k), std::vector<float>(static_cast<size_t>(dim)));
  for (auto& v : c)
    for (float& e : v) e = 10 * rng.normal();
  for (int i = 0; i < k * m; ++i) {
    labels.push_back(i % k);
    for (int64_t d = 0; d < dim; ++d) x.push_back(c[size_t(i % k)][size_t(d)] + rng.normal());
  }
  return x;
}
}  // namespace

TEST_CASE("tsne: joint affinities are symmetric, sum to one, zero on the diagonal") {
  std::vector<int> labels;
  std::vector<float> x = clusters(3, 10, 5, labels, 2);
  const int64_t n = 30;
  std::vector<double> p = tsne_affinities(x, n, 5, 5.0);
  double total = 0;
  for (int64_t i = 0; i < n; ++i) {
    CHECK(p[size_t(i * n + i)] == 0.0);
    for (int64_t j = 0; j < n; ++j) {
      total += p[size_t(i * n + j)];
      CHECK(p[size_t(i * n + j)] == doctest::Approx(p[size_t(j * n + i)]));
    }
  }
  CHECK(total == doctest::Approx(1.0));
  // Mostly within-cluster: each point's affinity mass outside its cluster is tiny.
  double across = 0;
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < n; ++j)
      if (labels[size_t(i)] != labels[size_t(j)]) across += p[size_t(i * n + j)];
  CHECK(across < 1e-3);
  CHECK_THROWS_WITH_AS(tsne_affinities(x, 1, 5, 5.0), doctest::Contains("at least 2 points"), Error);
}

TEST_CASE("tsne: well-separated clusters stay apart in 2-D, the same for a seed") {
  std::vector<int> labels;
  const int k = 5, m = 24;
  const int64_t dim = 20;
  std::vector<float> x = clusters(k, m, dim, labels, 4);
  TsneOptions opt;
  opt.iterations = 400;
  opt.perplexity = 15;
  int reports = 0;
  double last_kl = 0;
  std::vector<float> y = tsne(x, k * m, dim, opt, [&](int, double kl) {
    ++reports;
    last_kl = kl;
  });
  REQUIRE(y.size() == size_t(2 * k * m));
  double agree = nn_label_agreement(y, labels);
  MESSAGE("2-D nearest-neighbour label agreement ", agree, ", final KL ", last_kl);
  CHECK(agree >= 0.98);
  CHECK(reports == 8);
  CHECK(last_kl > 0);
  CHECK(last_kl < 1.5);
  // Chance agreement for comparison: the input labels shuffled are far below.
  std::vector<int> shuffled = labels;
  Rng rng(1);
  rng.shuffle(shuffled);
  CHECK(nn_label_agreement(y, shuffled) < 0.5);

  CHECK(tsne(x, k * m, dim, opt) == y);
  opt.seed = 9;
  CHECK(tsne(x, k * m, dim, opt) != y);
}
