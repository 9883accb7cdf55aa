#include "models/eval/query.h"

#include "models/eval/retrieval.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace ws {

const EnumNames<QueryCentring>& query_centring_names() {
  static const EnumNames<QueryCentring> names = {{"gallery", QueryCentring::Gallery}, {"none", QueryCentring::None}};
  return names;
}

namespace {
// x minus mean (when given), scaled to unit length; a zero vector stays zero.
void centre_and_normalise(float* x, int64_t D, const std::vector<float>* mean) {
  if (mean)
    for (int64_t c = 0; c < D; ++c) x[c] -= (*mean)[size_t(c)];
  scale_to_unit(x, D);
}

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const std::string& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}
}  // namespace

QueryGallery::QueryGallery(const EmbeddingSet& set, QueryCentring centring, const std::vector<std::string>& archs,
                           const std::string& where)
    : set_(set), centring_(centring), dim_(set.dim()) {
  WS_CHECK(set.embeddings.defined() && set.embeddings.dtype() == DType::F32 && set.embeddings.device().is_cpu(),
           where, ": the gallery's embeddings must be F32 [N, D] on the host");
  WS_CHECK(set.size() > 0, where, ": the gallery holds no embeddings");
  const std::vector<std::string> held = set.archs();
  for (const std::string& a : archs)
    WS_CHECK(std::find(held.begin(), held.end(), a) != held.end(), where, ": no NeRF of architecture '", a,
             "' in the gallery (it holds ", joined(held), ")");
  const float* z = set.embeddings.f32();
  if (centring_ == QueryCentring::Gallery) {
    mean_archs_ = held;
    means_.assign(held.size(), std::vector<float>(size_t(dim_), 0.0f));
    std::vector<std::vector<double>> sum(held.size(), std::vector<double>(size_t(dim_), 0.0));
    std::vector<int64_t> count(held.size(), 0);
    for (int64_t r = 0; r < set.size(); ++r) {
      size_t a = size_t(std::find(held.begin(), held.end(), set.rows[size_t(r)].arch) - held.begin());
      ++count[a];
      for (int64_t c = 0; c < dim_; ++c) sum[a][size_t(c)] += z[r * dim_ + c];
    }
    for (size_t a = 0; a < held.size(); ++a)
      for (int64_t c = 0; c < dim_; ++c) means_[a][size_t(c)] = float(sum[a][size_t(c)] / double(count[a]));
    unit_means_ = means_;
    for (std::vector<float>& m : unit_means_) scale_to_unit(m.data(), dim_);
  }
  for (int64_t r = 0; r < set.size(); ++r)
    if (archs.empty() || std::find(archs.begin(), archs.end(), set.rows[size_t(r)].arch) != archs.end())
      rows_.push_back(r);
  unit_.resize(rows_.size() * size_t(dim_));
  for (size_t i = 0; i < rows_.size(); ++i) {
    float* u = unit_.data() + i * size_t(dim_);
    std::copy(z + rows_[i] * dim_, z + (rows_[i] + 1) * dim_, u);
    centre_and_normalise(u, dim_, mean_of(set.rows[size_t(rows_[i])].arch));
  }
}

const std::vector<float>* QueryGallery::mean_of(const std::string& arch) const {
  auto it = std::find(mean_archs_.begin(), mean_archs_.end(), arch);
  return it == mean_archs_.end() ? nullptr : &means_[size_t(it - mean_archs_.begin())];
}

std::string QueryGallery::centred_on(const std::vector<float>& z, const std::string& arch) const {
  if (mean_archs_.empty() || mean_of(arch)) return mean_archs_.empty() ? "" : arch;
  std::vector<float> q = z;
  scale_to_unit(q.data(), dim_);
  size_t best = 0;
  double best_cos = -2;
  for (size_t a = 0; a < unit_means_.size(); ++a) {
    const std::vector<float>& m = unit_means_[a];
    double c = 0;
    for (int64_t i = 0; i < dim_; ++i) c += double(m[size_t(i)]) * q[size_t(i)];
    if (c > best_cos) best_cos = c, best = a;  // ties: the first architecture the gallery lists
  }
  return mean_archs_[best];
}

std::vector<QueryMatch> QueryGallery::search(const std::vector<float>& z, const std::string& centre, int k) const {
  WS_CHECK(int64_t(z.size()) == dim_, "query: an embedding of dimension ", z.size(), " against a gallery of dimension ",
           dim_);
  std::vector<float> q = z;
  centre_and_normalise(q.data(), dim_, mean_of(centre));
  const size_t n = rows_.size();
  std::vector<float> cosine(n);
  for (size_t i = 0; i < n; ++i) {  // [n, D] x [D]: ~1 ms for 10k x 128
    const float* u = unit_.data() + i * size_t(dim_);
    float s = 0;
    for (int64_t c = 0; c < dim_; ++c) s += u[c] * q[size_t(c)];
    cosine[i] = s;
  }
  std::vector<size_t> order(n);
  for (size_t i = 0; i < n; ++i) order[i] = i;
  const size_t take = std::min(n, size_t(std::max(k, 0)));
  std::partial_sort(order.begin(), order.begin() + int64_t(take), order.end(), [&](size_t a, size_t b) {
    return cosine[a] > cosine[b] || (cosine[a] == cosine[b] && a < b);
  });
  std::vector<QueryMatch> out;
  for (size_t j = 0; j < take; ++j) out.push_back({rows_[order[j]], cosine[order[j]]});
  return out;
}

std::vector<QueryAnswer> answer_queries(const QueryGallery& gallery, const EmbeddingSet& queries, int k) {
  const int64_t D = queries.dim();
  WS_CHECK(D == gallery.set().dim(), "query: embeddings of dimension ", D, " against a gallery of dimension ",
           gallery.set().dim());
  const float* z = queries.embeddings.f32();
  std::vector<QueryAnswer> out;
  for (int64_t i = 0; i < queries.size(); ++i) {
    const EmbeddingRow& row = queries.rows[size_t(i)];
    std::vector<float> zi(z + i * D, z + (i + 1) * D);
    std::string centre = gallery.centred_on(zi, row.arch);
    std::vector<QueryMatch> matches = gallery.search(zi, centre, k);
    out.push_back({row, std::move(centre), std::move(matches)});
  }
  return out;
}

nlohmann::json query_json(const QueryGallery& gallery, const std::vector<QueryAnswer>& answers, int k,
                          const std::string& gallery_path) {
  const EmbeddingSet& set = gallery.set();
  nlohmann::json qs = nlohmann::json::array();
  for (const QueryAnswer& a : answers) {
    nlohmann::json nb = nlohmann::json::array();
    for (size_t j = 0; j < a.matches.size(); ++j) {
      const EmbeddingRow& g = set.rows[size_t(a.matches[j].row)];
      nb.push_back({{"rank", j + 1}, {"cosine", a.matches[j].cosine}, {"object", g.object}, {"class", g.cls},
                    {"arch", g.arch}, {"split", g.split}, {"nerf", g.nerf}});
    }
    qs.push_back({{"nerf", a.query.nerf}, {"object", a.query.object}, {"class", a.query.cls}, {"arch", a.query.arch},
                  {"centred_on", a.centred_on.empty() ? nlohmann::json() : nlohmann::json(a.centred_on)},
                  {"neighbours", nb}});
  }
  return {{"gallery", gallery_path}, {"gallery_rows", set.size()}, {"candidates", gallery.candidates()},
          {"dim", set.dim()}, {"k", k}, {"centre", enum_name(gallery.centring(), query_centring_names())},
          {"queries", qs}};
}

std::string format_query_answers(const QueryGallery& gallery, const std::vector<QueryAnswer>& answers) {
  const EmbeddingSet& set = gallery.set();
  std::string s;
  char buf[512];
  for (const QueryAnswer& a : answers) {
    const std::string how =
        a.centred_on.empty()           ? "raw cosine"
        : a.centred_on == a.query.arch ? str_cat("cosine, centred on the gallery's ", a.query.arch, " mean")
                                       : str_cat("cosine, centred on the gallery's ", a.centred_on,
                                                 " mean (the nearest; the gallery holds no ", a.query.arch, ")");
    s += str_cat("query ", a.query.nerf, " (", a.query.object, ", ", a.query.arch, "): ", how, "\n");
    std::snprintf(buf, sizeof buf, "  %4s %8s  %-24s %-12s %-10s %s\n", "rank", "cosine", "object", "class", "arch",
                  "nerf");
    s += buf;
    for (size_t j = 0; j < a.matches.size(); ++j) {
      const EmbeddingRow& g = set.rows[size_t(a.matches[j].row)];
      std::snprintf(buf, sizeof buf, "  %4zu %8.4f  %-24s %-12s %-10s %s\n", j + 1, double(a.matches[j].cosine),
                    g.object.c_str(), g.cls.c_str(), g.arch.c_str(), g.nerf.c_str());
      s += buf;
    }
  }
  return s;
}

Image query_sheet(const QueryGallery& gallery, const EmbeddingSet& queries, const std::vector<QueryAnswer>& answers,
                  const SetThumbnails& thumbnails) {
  // One set holding the gallery's rows then the queries', so a sheet row can name both.
  EmbeddingSet all;
  all.rows = gallery.set().rows;
  all.rows.insert(all.rows.end(), queries.rows.begin(), queries.rows.end());
  std::vector<RetrievalExample> examples;
  for (size_t i = 0; i < answers.size(); ++i) {
    RetrievalExample e{gallery.set().size() + int64_t(i), {}, {}};
    for (const QueryMatch& m : answers[i].matches) {
      e.neighbours.push_back(m.row);
      e.similarity.push_back(m.cosine);
    }
    examples.push_back(e);
  }
  RetrievalSheetLayout layout;
  layout.heading = "query NeRF (blue) and its nearest gallery NeRFs: green = same object, red = another";
  return retrieval_figure(all, examples, thumbnails(all), layout);
}

}  // namespace ws
