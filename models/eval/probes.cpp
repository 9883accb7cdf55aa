#include "models/eval/probes.h"

#include <cmath>
#include <cstdio>

#include "models/eval/eval_sets.h"
#include "models/eval/retrieval.h"

namespace ws {

namespace {

using Rows = std::vector<int64_t>;

// Mean of the rows of x [N, D] (double: the common part can be ~1000x the rest).
std::vector<double> mean_of(const float* x, int64_t D, const Rows& rows) {
  std::vector<double> m(size_t(D), 0.0);
  for (int64_t r : rows)
    for (int64_t k = 0; k < D; ++k) m[size_t(k)] += x[r * D + k];
  for (double& v : m) v /= double(std::max<size_t>(rows.size(), 1));
  return m;
}

double sq_dist_sum(const float* x, int64_t D, const Rows& rows, const std::vector<double>& about) {
  double s = 0;
  for (int64_t r : rows)
    for (int64_t k = 0; k < D; ++k) {
      double v = x[r * D + k] - about[size_t(k)];
      s += v * v;
    }
  return s;
}

// Mean R@1 over ordered pairs of distinct architectures, and the mean of 1 / gallery.
std::pair<double, double> cross_recall1(const EmbeddingSet& set, const std::map<std::string, Rows>& by_arch) {
  std::vector<std::string> keys;
  for (const EmbeddingRow& r : set.rows) keys.push_back(r.object);
  Tensor sim = cosine_similarity_matrix(set.embeddings);
  double sum = 0, chance = 0;
  int pairs = 0;
  for (const auto& [qa, q] : by_arch)
    for (const auto& [ga, g] : by_arch) {
      if (qa == ga || g.empty()) continue;
      sum += retrieval_recall(sim, keys, q, g, {1}).recall[0];
      chance += 1.0 / double(g.size());
      ++pairs;
    }
  return pairs ? std::make_pair(sum / pairs, chance / pairs) : std::make_pair(0.0, 0.0);
}

}  // namespace

ProbeReport embedding_probes(const EmbeddingSet& set_in) {
  ProbeReport rep;
  rep.rows = set_in.size();
  WS_CHECK(rep.rows > 0, "probes: no embeddings");
  const int64_t D = set_in.dim();
  Tensor host = set_in.embeddings.to(Device::cpu());
  const float* x = host.f32();
  rep.archs = archs_in_table_order(set_in);
  std::map<std::string, Rows> by_arch;
  for (int64_t i = 0; i < set_in.size(); ++i) by_arch[set_in.rows[size_t(i)].arch].push_back(i);
  Rows all(size_t(set_in.size()));
  for (int64_t i = 0; i < set_in.size(); ++i) all[size_t(i)] = i;
  const std::vector<double> global = mean_of(x, D, all), origin(size_t(D), 0.0);

  // Centred per architecture: 1-NN within an architecture and the centred recall use it.
  EmbeddingSet centred = set_in;
  for (EmbeddingRow& r : centred.rows) r.split = "probe";  // one centring group per architecture
  apply_centring(centred, Centring::Arch);
  Tensor sim_c = cosine_similarity_matrix(centred.embeddings);
  const std::vector<int32_t> label = class_labels(set_in);

  for (const std::string& a : rep.archs) {
    const Rows& rows = by_arch[a];
    const double between = sq_dist_sum(x, D, rows, mean_of(x, D, rows));
    const double raw = sq_dist_sum(x, D, rows, origin), about_all = sq_dist_sum(x, D, rows, global);
    rep.obj_frac_raw[a] = raw > 0 ? between / raw : 0.0;
    rep.obj_frac_centred[a] = about_all > 0 ? between / about_all : 0.0;
    int64_t asked = 0, right = 0;
    for (int64_t q : rows) {
      bool has_mate = false;
      for (int64_t g : rows) has_mate |= g != q && label[size_t(g)] == label[size_t(q)];
      if (!has_mate) continue;
      ++asked;
      right += label[size_t(nearest_rows(sim_c, q, rows, 1).at(0))] == label[size_t(q)];
    }
    rep.nn_class[a] = asked ? std::optional<double>(double(right) / double(asked)) : std::nullopt;
  }
  if (by_arch.size() > 1) {
    std::tie(rep.recall1_raw, rep.recall1_chance) = cross_recall1(set_in, by_arch);
    rep.recall1_centred = cross_recall1(centred, by_arch).first;
  }
  return rep;
}

nlohmann::json ProbeReport::to_json() const {
  nlohmann::json raw = nlohmann::json::object(), cen = nlohmann::json::object(), nn = nlohmann::json::object();
  for (const std::string& a : archs) {
    raw[a] = obj_frac_raw.at(a);
    cen[a] = obj_frac_centred.at(a);
    const auto& v = nn_class.at(a);
    nn[a] = v ? nlohmann::json(*v) : nlohmann::json(nullptr);
  }
  return {{"rows", rows},
          {"archs", archs},
          {"obj_frac_raw", raw},
          {"obj_frac_centred", cen},
          {"nn_class", nn},
          {"recall1_raw", recall1_raw},
          {"recall1_centred", recall1_centred},
          {"recall1_chance", recall1_chance}};
}

std::string ProbeReport::brief() const {
  double nn_sum = 0, frac = 0;
  int nn_n = 0;
  for (const std::string& a : archs) {
    frac += obj_frac_raw.at(a) / double(archs.size());
    if (const auto& v = nn_class.at(a)) nn_sum += *v, ++nn_n;
  }
  char buf[160];
  int n = std::snprintf(buf, sizeof buf, "R@1 raw %.2f cen %.2f (chance %.2f)", recall1_raw, recall1_centred,
                        recall1_chance);
  if (nn_n) n += std::snprintf(buf + n, sizeof buf - size_t(n), " | 1-NN %.2f", nn_sum / nn_n);
  std::snprintf(buf + n, sizeof buf - size_t(n), " | obj %.1e", frac);
  return buf;
}

}  // namespace ws
