#include <algorithm>
#include <cmath>

#include "models/eval/probes.h"
#include "tests/eval_testing.h"
#include "tests/testing.h"

using namespace ws;

namespace {
// Architecture a's embedding of object o: offset[a] + s * unit vector e_o (dims 0..n-1),
// with the offset along the last dimension, orthogonal to every object vector, so the
// objects' share is known in closed form.
EmbeddingSet known_shares(int objects, const std::vector<float>& offset, float s) {
  const std::vector<std::string> archs = {"MLP", "TRI", "HASH"};
  const int64_t D = objects + 1;
  EmbeddingSet set;
  std::vector<float> v;
  for (int o = 0; o < objects; ++o)
    for (size_t a = 0; a < offset.size(); ++a) {
      std::vector<float> z(size_t(D), 0.0f);
      z[size_t(o)] = s;
      z[size_t(D - 1)] = offset[a];
      v.insert(v.end(), z.begin(), z.end());
      std::string cls = o % 2 ? "chair" : "lamp";
      set.rows.push_back({str_cat(cls, "/", o), cls, archs[a], "val", ""});
    }
  set.embeddings = Tensor::from(v, {set.size(), D});
  return set;
}
}  // namespace

TEST_CASE("probes: the objects' share of each architecture's embedding, raw and about the set mean") {
  const int n = 6;
  const float s = 0.5f;
  EmbeddingSet set = known_shares(n, {10.0f, -20.0f, 40.0f}, s);
  ProbeReport p = embedding_probes(set);
  REQUIRE(p.archs == std::vector<std::string>{"MLP", "TRI", "HASH"});
  // Objects: n unit vectors times s; their mean is s/n on each of the n dims, so the
  // spread about it is s^2 (1 - 1/n) per object. Raw: over |z|^2 = s^2 + offset^2.
  const double between = s * s * (1.0 - 1.0 / n);
  const double global = (10.0 - 20.0 + 40.0) / 3;  // the set's mean along the offset dimension
  const std::vector<double> off = {10, -20, 40};
  for (size_t a = 0; a < 3; ++a) {
    CHECK(p.obj_frac_raw.at(p.archs[a]) == doctest::Approx(between / (s * s + off[a] * off[a])).epsilon(1e-5));
    const double about = between + (off[a] - global) * (off[a] - global);
    CHECK(p.obj_frac_centred.at(p.archs[a]) == doctest::Approx(between / about).epsilon(1e-5));
  }
  // Every architecture holds the same object vectors: each query's nearest NeRF of another
  // architecture is its own object.
  CHECK(p.recall1_centred == doctest::Approx(1.0));
  CHECK(p.recall1_chance == doctest::Approx(1.0 / n));
  // 1-NN within an architecture: the object vectors are orthogonal, all equally far.
  // Ties go to the lower row, which alternates class, so half the queries are right.
  CHECK(p.nn_class.at("MLP").value() == doctest::Approx(0.5));
}

TEST_CASE("probes: 1-NN class accuracy follows the class structure, no class pairs, no 1-NN") {
  test::ClusterSpec spec;
  spec.val = 3;
  spec.centre_scale = 5.0f;
  spec.object_noise = 0.3f;
  EmbeddingSet all = test::clustered_embeddings(spec), val;
  std::vector<float> v;
  for (int64_t i : all.select("val")) {
    val.rows.push_back(all.rows[size_t(i)]);
    std::vector<float> row = all.embeddings.slice_rows(i, i + 1).to_vector();
    v.insert(v.end(), row.begin(), row.end());
  }
  // A large common vector per architecture, as a briefly trained encoder gives: raw cosine
  // then ranks every gallery by its projection on the query architecture's vector.
  Rng rng(7);
  std::vector<std::vector<float>> common(3, std::vector<float>(size_t(spec.dim)));
  for (auto& c : common)
    for (float& x : c) x = 300.0f * rng.normal();
  for (int64_t r = 0; r < val.size(); ++r) {
    size_t a = size_t(std::find(spec.archs.begin(), spec.archs.end(), val.rows[size_t(r)].arch) - spec.archs.begin());
    for (int64_t k = 0; k < spec.dim; ++k) v[size_t(r * spec.dim + k)] += common[a][size_t(k)];
  }
  val.embeddings = Tensor::from(v, {val.size(), spec.dim});
  ProbeReport p = embedding_probes(val);
  for (const std::string& a : p.archs) CHECK(p.nn_class.at(a).value() == doctest::Approx(1.0));
  CHECK(p.recall1_centred > 0.9);
  CHECK(p.recall1_raw < 3 * p.recall1_chance);
  for (const std::string& a : p.archs) CHECK(p.obj_frac_raw.at(a) < 1e-2);
  CHECK(p.brief().find("1-NN 1.00") != std::string::npos);
  nlohmann::json j = p.to_json();
  CHECK(j["nn_class"]["TRI"].get<double>() == doctest::Approx(1.0));
  CHECK(j["archs"][0] == "MLP");

  EmbeddingSet lonely = known_shares(2, {1.0f, 2.0f}, 1.0f);  // one object per class
  ProbeReport q = embedding_probes(lonely);
  CHECK_FALSE(q.nn_class.at("MLP").has_value());
  CHECK(q.to_json()["nn_class"]["MLP"].is_null());
  CHECK(q.brief().find("1-NN") == std::string::npos);
}
