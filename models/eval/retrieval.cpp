#include "models/eval/retrieval.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "kernels/gemm.h"
#include "models/eval/eval_sets.h"

namespace ws {

void scale_to_unit(float* x, int64_t D) {
  double ss = 0;
  for (int64_t c = 0; c < D; ++c) ss += double(x[c]) * x[c];
  const float inv = ss > 0 ? float(1.0 / std::sqrt(ss)) : 0.0f;
  for (int64_t c = 0; c < D; ++c) x[c] *= inv;
}

Tensor cosine_similarity_matrix(const Tensor& x, Device gemm_on) {
  WS_CHECK(x.defined() && x.dtype() == DType::F32 && x.ndim() == 2, "cosine_similarity_matrix: x must be F32 [N, D], got ",
           x.defined() ? describe(x) : "none");
  const int64_t N = x.size(0), D = x.size(1);
  std::vector<float> u = x.to_vector();
  for (int64_t i = 0; i < N; ++i) scale_to_unit(u.data() + i * D, D);
  Tensor sim = Tensor::empty({N, N});
  if (N == 0) return sim;
  if (gemm_on.is_cpu()) {
    gemm(false, true, N, N, D, 1.0f, u.data(), D, u.data(), D, 0.0f, sim.f32(), N, Device::cpu());
    return sim;
  }
  Tensor ud = Tensor::from(u, {N, D}, gemm_on), sd = Tensor::empty({N, N}, DType::F32, gemm_on);
  gemm(false, true, N, N, D, 1.0f, ud.f32(), D, ud.f32(), D, 0.0f, sd.f32(), N, gemm_on);
  return sd.to(Device::cpu());
}

std::vector<int64_t> nearest_rows(const Tensor& sim, int64_t query, const std::vector<int64_t>& gallery, int k) {
  const int64_t N = sim.size(0);
  WS_CHECK(query >= 0 && query < N, "nearest_rows: query ", query, " outside [0, ", N, ")");
  const float* s = sim.f32() + query * N;
  std::vector<int64_t> cand;
  cand.reserve(gallery.size());
  for (int64_t g : gallery)
    if (g != query) cand.push_back(g);
  auto closer = [s](int64_t a, int64_t b) { return s[a] > s[b] || (s[a] == s[b] && a < b); };
  size_t take = std::min(cand.size(), size_t(std::max(k, 0)));
  std::partial_sort(cand.begin(), cand.begin() + int64_t(take), cand.end(), closer);
  cand.resize(take);
  return cand;
}

RecallAtK retrieval_recall(const Tensor& sim, const std::vector<std::string>& keys, const std::vector<int64_t>& queries,
                           const std::vector<int64_t>& gallery, const std::vector<int>& ks) {
  WS_CHECK(sim.ndim() == 2 && sim.size(0) == sim.size(1) && sim.size(0) == int64_t(keys.size()) && sim.device().is_cpu(),
           "retrieval_recall: sim ", describe(sim), " must be a host [N, N] for ", keys.size(), " keys");
  RecallAtK r;
  r.ks = ks;
  r.recall.assign(ks.size(), 0.0);
  r.queries = int64_t(queries.size());
  // The gallery size each query is ranked against: itself excluded (ALL/ALL).
  std::vector<int64_t> sorted_gallery = gallery;
  std::sort(sorted_gallery.begin(), sorted_gallery.end());
  for (int64_t q : queries)
    r.gallery = std::max(r.gallery, int64_t(gallery.size()) -
                                        int64_t(std::binary_search(sorted_gallery.begin(), sorted_gallery.end(), q)));
  const int kmax = ks.empty() ? 0 : *std::max_element(ks.begin(), ks.end());
  std::vector<int64_t> hits(ks.size(), 0);
  for (int64_t q : queries) {
    std::vector<int64_t> nn = nearest_rows(sim, q, gallery, kmax);
    // Rank of the first neighbour with the query's object; none among the kmax: a miss
    // at every k (also when the gallery is smaller than k).
    int64_t first = kmax;
    for (size_t j = 0; j < nn.size(); ++j)
      if (keys[size_t(nn[j])] == keys[size_t(q)]) {
        first = int64_t(j);
        break;
      }
    for (size_t i = 0; i < ks.size(); ++i) hits[i] += first < ks[i];
  }
  for (size_t i = 0; i < ks.size(); ++i) r.recall[i] = queries.empty() ? 0.0 : double(hits[i]) / double(queries.size());
  return r;
}

double expected_random_recall(int64_t n, int64_t m, int k) {
  if (m <= 0 || n <= 0) return 0.0;
  if (k >= n - m + 1) return 1.0;
  // C(n - m, k) / C(n, k) = prod_{i<k} (n - m - i) / (n - i)
  double miss = 1.0;
  for (int i = 0; i < k; ++i) miss *= double(n - m - i) / double(n - i);
  return 1.0 - miss;
}

RecallAtK random_ranking_recall(const std::vector<std::string>& keys, const std::vector<int64_t>& queries,
                                const std::vector<int64_t>& gallery, const std::vector<int>& ks) {
  RecallAtK r;
  r.ks = ks;
  r.recall.assign(ks.size(), 0.0);
  r.queries = int64_t(queries.size());
  for (int64_t q : queries) {
    int64_t n = 0, m = 0;
    for (int64_t g : gallery) {
      if (g == q) continue;
      ++n;
      m += keys[size_t(g)] == keys[size_t(q)];
    }
    r.gallery = std::max(r.gallery, n);
    for (size_t i = 0; i < ks.size(); ++i) r.recall[i] += expected_random_recall(n, m, ks[i]) / double(queries.size());
  }
  return r;
}

namespace {
nlohmann::json recall_json(const RecallAtK& r) {
  nlohmann::json j = nlohmann::json::object();
  for (size_t i = 0; i < r.ks.size(); ++i) j[str_cat("R@", r.ks[i])] = r.recall[i];
  return j;
}
}  // namespace

nlohmann::json RetrievalReport::to_json() const {
  nlohmann::json pairs_j = nlohmann::json::array();
  for (const RetrievalPair& p : pairs)
    pairs_j.push_back({{"query", p.query_arch},
                       {"gallery", p.gallery_arch},
                       {"queries", p.embeddings.queries},
                       {"gallery_size", p.embeddings.gallery},
                       {"recall", recall_json(p.embeddings)},
                       {"random", recall_json(p.random)}});
  return {{"split", split}, {"centring", centring_name(centring)}, {"ks", ks}, {"random", "expectation for a random ranking"},
          {"pairs", pairs_j}};
}

RetrievalReport retrieval_report(const EmbeddingSet& set, const std::string& split, const std::vector<int>& ks, Device d) {
  RetrievalReport rep;
  rep.split = split;
  rep.centring = centring_of(set);
  rep.ks = ks;
  for (int k : ks) WS_CHECK(k > 0, "retrieval: k must be positive, got ", k);
  std::vector<int64_t> rows = set.select(split);
  WS_CHECK(!rows.empty(), "retrieval: the embeddings have no '", split, "' rows");
  // Work on the split's rows only: sim is [n, n] over them.
  const int64_t n = int64_t(rows.size()), D = set.dim();
  std::vector<std::string> keys, archs;
  for (int64_t r : rows) {
    keys.push_back(set.rows[size_t(r)].object);
    archs.push_back(set.rows[size_t(r)].arch);
  }
  Tensor sim = cosine_similarity_matrix(Tensor::from(gather_embeddings(set, rows), {n, D}), d);
  auto add_pair = [&](const std::string& qa, const std::string& ga, const std::vector<int64_t>& q,
                      const std::vector<int64_t>& g) {
    rep.pairs.push_back({qa, ga, retrieval_recall(sim, keys, q, g, ks), random_ranking_recall(keys, q, g, ks)});
  };
  std::vector<int64_t> every(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) every[size_t(i)] = i;
  add_pair("ALL", "ALL", every, every);  // the query itself is excluded by nearest_rows
  std::vector<std::string> order = archs_in_table_order(set, split);
  auto of_arch = [&](const std::string& a) {
    std::vector<int64_t> out;
    for (int64_t i = 0; i < n; ++i)
      if (archs[size_t(i)] == a) out.push_back(i);
    return out;
  };
  for (const std::string& q : order)
    for (const std::string& g : order)
      if (q != g) add_pair(q, g, of_arch(q), of_arch(g));
  return rep;
}

std::string format_retrieval_report(const RetrievalReport& r) {
  std::string s = str_cat("instance retrieval on the ", r.split,
                          " split: recall@k (%) of the same object in another architecture\n",
                          centring_label(r.centring), "\n",
                          "rand: the expected recall of a random ranking (k / gallery size for one match), the chance level\n\n");
  char buf[128];
  std::snprintf(buf, sizeof buf, "%-10s %-10s %7s %8s", "query", "gallery", "queries", "gal.size");
  s += buf;
  for (int k : r.ks) {
    std::snprintf(buf, sizeof buf, " %7s", str_cat("R@", k).c_str());
    s += buf;
  }
  for (int k : r.ks) {
    std::snprintf(buf, sizeof buf, " %8s", str_cat("rand@", k).c_str());
    s += buf;
  }
  s += "\n";
  for (const RetrievalPair& p : r.pairs) {
    std::snprintf(buf, sizeof buf, "%-10s %-10s %7lld %8lld", p.query_arch.c_str(), p.gallery_arch.c_str(),
                  (long long)p.embeddings.queries, (long long)p.embeddings.gallery);
    s += buf;
    for (double v : p.embeddings.recall) {
      std::snprintf(buf, sizeof buf, " %7.1f", 100 * v);
      s += buf;
    }
    for (double v : p.random.recall) {
      std::snprintf(buf, sizeof buf, " %8.1f", 100 * v);
      s += buf;
    }
    s += "\n";
  }
  return s;
}

std::vector<RetrievalExample> retrieval_examples(const EmbeddingSet& set, const std::string& split, int count,
                                                 int k) {
  std::vector<int64_t> rows = set.select(split);
  std::vector<std::string> classes = set.classes(), archs = archs_in_table_order(set, split);
  std::vector<RetrievalExample> out;
  if (rows.empty() || archs.empty()) return out;
  // Similarities among the split's rows only; pos[row] is a row's place among them.
  const int64_t n = int64_t(rows.size()), D = set.dim();
  std::vector<int64_t> pos(size_t(set.size()), -1);
  for (int64_t i = 0; i < n; ++i) pos[size_t(rows[size_t(i)])] = i;
  Tensor sim = cosine_similarity_matrix(Tensor::from(gather_embeddings(set, rows), {n, D}));
  // Query i: class i mod C in architecture i mod A (another unused row of the class when
  // that architecture has none left).
  std::vector<int64_t> picks;
  for (size_t i = 0; int(picks.size()) < count && i < 4 * size_t(count) + classes.size(); ++i) {
    const std::string &cls = classes[i % classes.size()], &arch = archs[i % archs.size()];
    int64_t pick = -1, fallback = -1;
    for (int64_t r : rows) {
      const EmbeddingRow& e = set.rows[size_t(r)];
      if (e.cls != cls || std::find(picks.begin(), picks.end(), r) != picks.end()) continue;
      if (fallback < 0) fallback = r;
      if (e.arch == arch) {
        pick = r;
        break;
      }
    }
    if (pick < 0) pick = fallback;
    if (pick >= 0) picks.push_back(pick);
  }
  for (int64_t q : picks) {
    std::vector<int64_t> gallery;
    for (int64_t r : rows)
      if (set.rows[size_t(r)].arch != set.rows[size_t(q)].arch) gallery.push_back(pos[size_t(r)]);
    RetrievalExample ex{q, {}, {}};
    for (int64_t g : nearest_rows(sim, pos[size_t(q)], gallery, k)) {
      ex.neighbours.push_back(rows[size_t(g)]);
      ex.similarity.push_back(sim.f32()[pos[size_t(q)] * n + g]);
    }
    out.push_back(ex);
  }
  return out;
}

}  // namespace ws
