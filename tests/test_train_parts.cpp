#include <cmath>
#include <map>
#include <set>

#include "models/train/pair_sampler.h"
#include "models/train/siglip.h"
#include "tests/testing.h"

using namespace ws;

// Finite-difference gradients of siglip_loss and centre_by_group, and CPU/CUDA parity: the
// op registry (tests/op_cases_models.cpp).
TEST_CASE("siglip: a 2x2 batch against the hand-computed loss") {
  // a = [[1,0],[0,1]], b = [[1,0],[1,1]]/norm: cosines [[1, 1/sqrt2], [0, 1/sqrt2]]
  Var a(Tensor::from(std::vector<float>{2, 0, 0, 3}, {2, 2})), b(Tensor::from(std::vector<float>{1, 0, 1, 1}, {2, 2}));
  Var t(Tensor::from(std::vector<float>{kSiglipInitLogT}, {1})), bias(Tensor::from(std::vector<float>{kSiglipInitBias}, {1}));
  double r = 1 / std::sqrt(2.0), cos[2][2] = {{1, r}, {0, r}}, want = 0;
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 2; ++j) {
      double l = 10 * cos[i][j] - 10, z = i == j ? 1 : -1;
      want += -std::log(1 / (1 + std::exp(-z * l)));
    }
  want /= 2;
  CHECK(siglip_loss(a, b, t, bias).value().item() == doctest::Approx(want).epsilon(1e-5));
}

TEST_CASE("siglip: batch centring by architecture, and a per-architecture offset it cancels") {
  // rows: MLP, TRI, MLP, TRI, HASH; MLP mean (2,1), TRI mean (0,2), HASH alone -> zero.
  Var z(Tensor::from(std::vector<float>{1, 0, 0, 1, 3, 2, 0, 3, 5, 5}, {5, 2}));
  const std::vector<std::string> g = {"MLP", "TRI", "MLP", "TRI", "HASH"};
  CHECK(centre_by_group(z, g).value().to_vector() == std::vector<float>{-1, -1, 0, -1, 1, 1, 0, 1, 0, 0});
  // SigLIP on two pairs (MLP,TRI),(MLP,TRI): adding a vector per architecture (however
  // large) changes the raw loss, not the centred one.
  const std::vector<std::string> pairs = {"MLP", "TRI", "MLP", "TRI"};
  Tensor x = test::random_tensor({4, 3}, 5);
  std::vector<float> shifted = x.to_vector();
  for (int r = 0; r < 4; ++r)
    for (int k = 0; k < 3; ++k) shifted[size_t(r * 3 + k)] += (r % 2 ? -40.0f : 25.0f) * float(k + 1);
  Var t(Tensor::from(std::vector<float>{kSiglipInitLogT}, {1})), bias(Tensor::from(std::vector<float>{kSiglipInitBias}, {1}));
  auto loss = [&](const Tensor& rows, bool centre) {
    Var v(rows);
    if (centre) v = centre_by_group(v, pairs);
    Tensor idx_a = Tensor::from(std::vector<int32_t>{0, 2}, {2}), idx_b = Tensor::from(std::vector<int32_t>{1, 3}, {2});
    return siglip_loss(gather_rows(v, idx_a), gather_rows(v, idx_b), t, bias).value().item();
  };
  Tensor xs = Tensor::from(shifted, {4, 3});
  CHECK(loss(xs, true) == doctest::Approx(loss(x, true)).epsilon(1e-4));
  CHECK(std::fabs(loss(xs, false) - loss(x, false)) > 0.1);
  CHECK_THROWS_WITH_AS(centre_by_group(z, {"MLP"}), doctest::Contains("must be [1, D]"), Error);
}

TEST_CASE("pair sampler: each object once per epoch, distinct architectures, the cycling order") {
  PairSampler s(10, {"MLP", "TRI", "HASH"}, 4, 7);
  CHECK(s.batches_per_epoch() == 3);
  for (int e = 0; e < 3; ++e) {
    std::vector<SampledBatch> batches = s.epoch(e);
    REQUIRE(batches.size() == 3);
    std::multiset<int64_t> seen;
    std::vector<std::pair<std::string, std::string>> pairs;
    for (const SampledBatch& b : batches) {
      CHECK(b.paired);
      REQUIRE(b.objects.size() % 2 == 0);
      for (size_t k = 0; k < b.objects.size(); k += 2) {
        CHECK(b.objects[k] == b.objects[k + 1]);
        CHECK(b.archs[k] != b.archs[k + 1]);
        seen.insert(b.objects[k]);
        pairs.push_back({b.archs[k], b.archs[k + 1]});
      }
    }
    CHECK(seen.size() == 10);
    CHECK(std::set<int64_t>(seen.begin(), seen.end()).size() == 10);
    using P = std::pair<std::string, std::string>;
    for (size_t i = 0; i < pairs.size(); ++i) {
      if (i % 4 == 3) continue;  // the random one
      P want = std::vector<P>{{"MLP", "TRI"}, {"TRI", "HASH"}, {"MLP", "HASH"}}[(i - i / 4) % 3];
      CHECK(pairs[i] == want);
    }
  }
  CHECK(s.epoch(1)[0].objects != s.epoch(2)[0].objects);  // reshuffled
  CHECK(s.epoch(1)[0].objects == PairSampler(10, {"MLP", "TRI", "HASH"}, 4, 7).epoch(1)[0].objects);  // replayable
  PairSampler single(5, {"MLP"}, 2, 1);
  std::vector<SampledBatch> b = single.epoch(0);
  CHECK(b.size() == 2);
  CHECK(b[0].objects.size() == 4);
  CHECK_FALSE(b[0].paired);
}
