// Query by NeRF (`wsnerf query`): the gallery NeRFs nearest to one query embedding.
//
// The similarity is a cosine that needs no set of queries. The evaluations centre each
// (split, architecture) group of NeRFs on its own mean (eval_sets.h apply_centring); a
// single query NeRF of a new architecture has no group to take a mean over. So each
// architecture's mean is taken over the gallery instead:
//   gallery row g of architecture G  ->  z_g - mean_G (the gallery's rows of G)
//   query q of architecture Q        ->  z_q - mean_Q when the gallery holds Q, else
//                                        z_q - mean_A of the gallery architecture A whose
//                                        mean is nearest (cosine) to z_q
// and the cosine of the two (QueryCentring::Gallery). An architecture's common vector is
// closest to its relatives' (TRI-8C's to TRI's or TRI-16W's): on the cpu demo's unseen
// queries that mean recovers part of what centring on their own mean gains (README, Query).
// QueryCentring::None is the raw cosine, the paper's protocol. A query gets the same
// answer alone or among others, whatever its architecture.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "data/embeddings.h"
#include "data/image.h"
#include "engine/named_enum.h"
#include "models/eval/figures.h"

namespace ws {

enum class QueryCentring {
  Gallery,  // "gallery": as above
  None,     // "none": raw cosine
};
const EnumNames<QueryCentring>& query_centring_names();

struct QueryMatch {
  int64_t row = 0;      // a row of the gallery's EmbeddingSet
  float cosine = 0.0f;
};

class QueryGallery {
 public:
  // set.embeddings F32 [N, D] on the host. `archs`: the architectures whose rows can be
  // answered (empty: all); one the gallery does not hold is an error naming it and `where`
  // (the gallery file). The means are taken over every row of the set, whatever `archs`.
  QueryGallery(const EmbeddingSet& set, QueryCentring centring, const std::vector<std::string>& archs = {},
               const std::string& where = "gallery");

  // z F32 [D] (host) of a NeRF of architecture `arch` -> the k most similar candidate rows,
  // most similar first (ties to the lower row).
  std::vector<QueryMatch> nearest(const std::vector<float>& z, const std::string& arch, int k) const {
    return search(z, centred_on(z, arch), k);
  }
  // The same with the centring already chosen: `centre` is what centred_on returned.
  std::vector<QueryMatch> search(const std::vector<float>& z, const std::string& centre, int k) const;
  // The gallery architecture whose mean a query (z, arch) is centred on: `arch` itself when
  // the gallery holds it, else the one with the mean nearest z; "" with QueryCentring::None.
  std::string centred_on(const std::vector<float>& z, const std::string& arch) const;

  const EmbeddingSet& set() const { return set_; }
  QueryCentring centring() const { return centring_; }
  int64_t candidates() const { return int64_t(rows_.size()); }

 private:
  const EmbeddingSet& set_;
  QueryCentring centring_;
  int64_t dim_;
  std::vector<std::string> mean_archs_;
  std::vector<std::vector<float>> means_;  // per mean_archs_, [D]
  std::vector<std::vector<float>> unit_means_;  // means_ scaled to unit length (centred_on)
  std::vector<int64_t> rows_;              // candidate rows of set_
  std::vector<float> unit_;                // [rows_.size(), D]: each candidate centred and unit length
  const std::vector<float>* mean_of(const std::string& arch) const;  // nullptr: none
};

// The answer to one query NeRF: queries.rows[i] and embeddings row i of the queries' set.
struct QueryAnswer {
  EmbeddingRow query;
  std::string centred_on;  // QueryGallery::centred_on
  std::vector<QueryMatch> matches;
};
// Every row of `queries` (F32 [Q, D], host) against the gallery.
std::vector<QueryAnswer> answer_queries(const QueryGallery& gallery, const EmbeddingSet& queries, int k);

// {"gallery", "gallery_rows", "candidates", "dim", "k", "centre", "queries": [{"nerf", "object", "class",
// "arch", "centred_on" (null: raw), "neighbours": [{"rank", "cosine", "object", "class", "arch", "split", "nerf"}]}]}
nlohmann::json query_json(const QueryGallery& gallery, const std::vector<QueryAnswer>& answers, int k,
                          const std::string& gallery_path);
// The same as text: per query a header line, then one line per neighbour.
std::string format_query_answers(const QueryGallery& gallery, const std::vector<QueryAnswer>& answers);

// A retrieval sheet (figures.h retrieval_figure): one row per query, its thumbnail then its
// neighbours', framed green for the query's object. thumbnail(set, row) draws a row of the
// set it is given: the gallery's rows followed by the queries'.
using SetThumbnails = std::function<ThumbnailFn(const EmbeddingSet&)>;
Image query_sheet(const QueryGallery& gallery, const EmbeddingSet& queries, const std::vector<QueryAnswer>& answers,
                  const SetThumbnails& thumbnails);

}  // namespace ws
