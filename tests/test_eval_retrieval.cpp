// Retrieval recall on embeddings whose answer is known by construction, the exclusion
// of the query itself, and the random baseline against its expected value.
#include <cmath>
#include <map>

#include "models/eval/eval_sets.h"
#include "models/eval/retrieval.h"
#include "tests/eval_testing.h"
#include "tests/testing.h"

using namespace ws;

namespace {
// F32 [n, dim] of N(0, 1) values: random embeddings, one draw per seed.
Tensor gaussian_embeddings(int64_t n, int64_t dim, uint64_t seed) {
  std::vector<float> v(size_t(n * dim));
  for (size_t i = 0; i < v.size(); ++i) v[i] = philox_normal(seed, uint64_t(i));
  return Tensor::from(v, {n, dim});
}

// n objects in archs A and B (test split): A_i = e_i, B_i = e_pi(i) + 0.5 e_i (normalised
// by the cosine). Query A_i finds B_j with pi(j) = i first (similarity 1 / |B_j|), then its
// own B_i (0.5 / |B_i|) when pi(i) != i, zero elsewhere.
EmbeddingSet permuted_pair(const std::vector<int>& pi) {
  const int64_t n = int64_t(pi.size());
  EmbeddingSet set;
  std::vector<float> v(size_t(2 * n * n), 0.0f);
  for (int64_t i = 0; i < n; ++i) {
    std::string key = str_cat("chair/", i);
    set.rows.push_back({key, "chair", "A", "test", ""});
    v[size_t(i * n + i)] = 1.0f;
  }
  for (int64_t i = 0; i < n; ++i) {
    std::string key = str_cat("chair/", i);
    set.rows.push_back({key, "chair", "B", "test", ""});
    v[size_t((n + i) * n + pi[size_t(i)])] += 1.0f;
    v[size_t((n + i) * n + i)] += 0.5f;
  }
  set.embeddings = Tensor::from(v, {2 * n, n});
  return set;
}

const RetrievalPair& find_pair(const RetrievalReport& r, const std::string& q, const std::string& g) {
  for (const RetrievalPair& p : r.pairs)
    if (p.query_arch == q && p.gallery_arch == g) return p;
  FAIL("no pair ", q, " -> ", g);
  return r.pairs[0];
}
}  // namespace

TEST_CASE("retrieval: the same vector in every architecture is found first") {
  test::ClusterSpec spec;
  spec.arch_noise = 0.0f;
  spec.object_noise = 1.0f;
  EmbeddingSet set = test::clustered_embeddings(spec);
  RetrievalReport r = retrieval_report(set, "test");
  REQUIRE(r.pairs.size() == 1 + 3 * 2);
  CHECK(r.pairs[0].query_arch == "ALL");
  for (const RetrievalPair& p : r.pairs) {
    CAPTURE(p.query_arch);
    CAPTURE(p.gallery_arch);
    CHECK(p.embeddings.recall == std::vector<double>{1.0, 1.0, 1.0});
  }
  const RetrievalPair& mt = find_pair(r, "MLP", "TRI");
  CHECK(mt.embeddings.queries == spec.classes * spec.test);
  CHECK(mt.embeddings.gallery == spec.classes * spec.test);
  CHECK(r.pairs[0].embeddings.queries == 3 * spec.classes * spec.test);
  CHECK(r.pairs[0].embeddings.gallery == 3 * spec.classes * spec.test - 1);
}

TEST_CASE("retrieval: a known permutation gives the recall it should") {
  // Objects 0<->1 and 2<->3 swapped, 4..9 in place.
  std::vector<int> pi = {1, 0, 3, 2, 4, 5, 6, 7, 8, 9};
  EmbeddingSet set = permuted_pair(pi);
  RetrievalReport r = retrieval_report(set, "test", {1, 2, 5});
  for (const char* dir : {"AB", "BA"}) {
    const RetrievalPair& p = find_pair(r, std::string(1, dir[0]), std::string(1, dir[1]));
    CAPTURE(dir);
    CHECK(p.embeddings.recall[0] == doctest::Approx(0.6));  // the 4 swapped objects miss at rank 1
    CHECK(p.embeddings.recall[1] == doctest::Approx(1.0));  // and are second
    CHECK(p.embeddings.recall[2] == doctest::Approx(1.0));
  }
  // nearest_rows by hand for a swapped query: A_0 -> B_1 (row 11), then B_0 (row 10).
  Tensor sim = cosine_similarity_matrix(set.embeddings);
  std::vector<int64_t> gallery;
  for (int64_t i = 10; i < 20; ++i) gallery.push_back(i);
  CHECK(nearest_rows(sim, 0, gallery, 2) == std::vector<int64_t>{11, 10});
}

TEST_CASE("retrieval: ALL/ALL never returns the query itself") {
  // Every object exists once: with the query excluded nothing can be found, while a
  // search that kept the query would find it at rank 1.
  test::ClusterSpec spec;
  spec.archs = {"MLP"};
  EmbeddingSet set = test::clustered_embeddings(spec);
  RetrievalReport r = retrieval_report(set, "test");
  REQUIRE(r.pairs.size() == 1);
  CHECK(r.pairs[0].embeddings.recall == std::vector<double>{0.0, 0.0, 0.0});
  Tensor sim = cosine_similarity_matrix(set.embeddings);
  std::vector<int64_t> every;
  for (int64_t i = 0; i < set.size(); ++i) every.push_back(i);
  for (int64_t q : {int64_t(0), set.size() / 2, set.size() - 1}) {
    std::vector<int64_t> nn = nearest_rows(sim, q, every, 10);
    CHECK(nn.size() == 10);
    CHECK(std::find(nn.begin(), nn.end(), q) == nn.end());
    for (size_t j = 1; j < nn.size(); ++j) CHECK(sim.f32()[q * set.size() + nn[j - 1]] >= sim.f32()[q * set.size() + nn[j]]);
  }
}

TEST_CASE("retrieval: the chance level is the exact expectation, which random embeddings approach") {
  CHECK(expected_random_recall(10, 1, 3) == doctest::Approx(0.3));
  CHECK(expected_random_recall(10, 2, 1) == doctest::Approx(0.2));
  CHECK(expected_random_recall(4, 2, 2) == doctest::Approx(1.0 - 1.0 / 6));  // C(2,2)/C(4,2) = 1/6
  CHECK(expected_random_recall(3, 1, 5) == 1.0);
  CHECK(expected_random_recall(8, 0, 5) == 0.0);  // the object is not in the gallery
  // Random Gaussian embeddings of 40 objects in two architectures, many draws: their mean
  // recall is the expectation.
  std::vector<std::string> keys;
  std::vector<int64_t> q, g;
  for (int a = 0; a < 2; ++a)
    for (int o = 0; o < 40; ++o) {
      (a ? g : q).push_back(int64_t(keys.size()));
      keys.push_back(str_cat("c/", o));
    }
  double mean5 = 0;
  const int draws = 200;
  for (int s = 0; s < draws; ++s)
    mean5 += retrieval_recall(cosine_similarity_matrix(gaussian_embeddings(80, 8, uint64_t(s))), keys, q, g, {5}).recall[0] / draws;
  const double expect = random_ranking_recall(keys, q, g, {5}).recall[0];
  CHECK(expect == doctest::Approx(5.0 / 40));
  CHECK(mean5 == doctest::Approx(expect).epsilon(0.08));
}

TEST_CASE("retrieval: a query whose object is missing from a gallery smaller than k is a miss") {
  std::vector<std::string> keys = {"c/0", "c/1", "c/2"};
  Tensor sim = cosine_similarity_matrix(Tensor::from(std::vector<float>{1, 0, 0, 1, 1, 1}, {3, 2}));
  RecallAtK r = retrieval_recall(sim, keys, {0}, {1, 2}, {1, 5});
  CHECK(r.recall == std::vector<double>{0.0, 0.0});
  CHECK(random_ranking_recall(keys, {0}, {1, 2}, {5}).recall[0] == 0.0);
  keys[2] = "c/0";
  CHECK(retrieval_recall(sim, keys, {0}, {1, 2}, {1, 5}).recall[1] == 1.0);
}

TEST_CASE("retrieval: the random baseline is at chance, k / |gallery|") {
  test::ClusterSpec spec;
  spec.classes = 4;
  spec.train = 0;
  spec.val = 0;
  spec.test = 100;  // 400 objects per architecture
  spec.archs = {"MLP", "TRI"};
  spec.dim = 32;
  EmbeddingSet set = test::clustered_embeddings(spec);
  RetrievalReport r = retrieval_report(set, "test", {1, 5, 10, 40});
  const RetrievalPair& p = find_pair(r, "MLP", "TRI");
  const double G = 400;
  for (size_t i = 0; i < r.ks.size(); ++i) CHECK(p.random.recall[i] == doctest::Approx(r.ks[i] / G));
  // ALL/ALL: 799 others, one of them the same object: also k / 799.
  const RetrievalPair& all = r.pairs[0];
  CHECK(all.random.recall[3] == doctest::Approx(40.0 / 799));
  // The real embeddings are far above it.
  CHECK(p.embeddings.recall[0] > 0.9);
}

TEST_CASE("retrieval: report JSON, table and errors") {
  test::ClusterSpec spec;
  spec.archs = {"MLP", "TRI", "HASH-3N"};
  EmbeddingSet set = test::clustered_embeddings(spec);
  RetrievalReport r = retrieval_report(set, "test");
  nlohmann::json j = r.to_json();
  CHECK(j["pairs"].size() == 7);
  CHECK(j["pairs"][0]["query"] == "ALL");
  CHECK(j["pairs"][1]["query"] == "MLP");
  CHECK(j["pairs"][1]["gallery"] == "TRI");
  CHECK(j["pairs"][1]["recall"].contains("R@5"));
  CHECK(j["pairs"][1]["random"].contains("R@10"));
  CHECK(format_retrieval_report(r).find("HASH-3N") != std::string::npos);
  CHECK_THROWS_WITH_AS(retrieval_report(set, "nope"), doctest::Contains("no 'nope' rows"), Error);
  CHECK_THROWS_WITH_AS(retrieval_report(set, "test", {0}), doctest::Contains("k must be positive"), Error);
}

TEST_CASE("retrieval: centring per architecture removes an offset that hides the objects") {
  // Each architecture adds its own large vector (|offset| ~ 300x the objects' spread), as
  // a briefly trained encoder does: every query then ranks the gallery the same way.
  test::ClusterSpec spec;
  spec.classes = 4;
  spec.test = 5;  // 20 test objects per architecture
  spec.arch_noise = 0.01f;
  EmbeddingSet set = test::clustered_embeddings(spec);
  Rng rng(9);
  std::map<std::string, std::vector<float>> offset;
  for (const std::string& a : spec.archs)
    for (int64_t k = 0; k < spec.dim; ++k) offset[a].push_back(1000.0f * rng.normal());
  float* x = set.embeddings.f32();
  for (int64_t i = 0; i < set.size(); ++i)
    for (int64_t k = 0; k < spec.dim; ++k) x[i * spec.dim + k] += offset[set.rows[size_t(i)].arch][size_t(k)];
  const std::vector<float> before = set.embeddings.to_vector();

  RetrievalReport raw = retrieval_report(set, "test");
  CHECK(centring_of(set) == Centring::None);
  CHECK(raw.centring == Centring::None);
  EmbeddingSet centred = set;
  apply_centring(centred, Centring::Arch);
  CHECK(set.embeddings.to_vector() == before);  // the original is untouched
  CHECK(centring_of(centred) == Centring::Arch);
  CHECK(centred.info.at("centring") == "arch");  // the file records the name
  RetrievalReport r = retrieval_report(centred, "test");
  CHECK(r.centring == Centring::Arch);
  CHECK(r.to_json()["centring"] == "arch");
  CHECK(format_retrieval_report(r).find("centred per architecture") != std::string::npos);
  for (const std::string& q : spec.archs)
    for (const std::string& g : spec.archs) {
      if (q == g) continue;
      CAPTURE(q);
      CAPTURE(g);
      CHECK(find_pair(raw, q, g).embeddings.recall[0] <= 0.25);  // 1/20 by chance
      CHECK(find_pair(r, q, g).embeddings.recall[0] == 1.0);
    }
  // Every (split, arch) group now has mean zero; differences within a group are kept.
  const float* c = centred.embeddings.f32();
  for (const char* sp : {"train", "val", "test"})
    for (const std::string& a : spec.archs) {
      std::vector<int64_t> rows = centred.select(sp, a);
      REQUIRE(rows.size() > 1);
      for (int64_t k = 0; k < spec.dim; ++k) {
        double mean = 0;
        for (int64_t i : rows) mean += c[i * spec.dim + k];
        CHECK(std::fabs(mean / double(rows.size())) < 1e-3);
        const double diff_after = c[rows[0] * spec.dim + k] - c[rows[1] * spec.dim + k];
        const double diff_before = before[size_t(rows[0] * spec.dim + k)] - before[size_t(rows[1] * spec.dim + k)];
        CHECK(std::fabs(diff_after - diff_before) < 1e-3);
      }
    }
  EmbeddingSet again = set;
  apply_centring(again, Centring::None);
  CHECK(again.embeddings.to_vector() == before);
  CHECK_THROWS_WITH_AS(parse_centring("class", "--centre"), "--centre: 'class' is not one of none, arch", Error);
  again.info["centring"] = "class";  // a tampered embeddings file
  CHECK_THROWS_WITH_AS(centring_of(again), doctest::Contains("'class' is not one of none, arch"), Error);
}
