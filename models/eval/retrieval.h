// Instance-level retrieval across architectures (docs/design.md §8.4, the paper's Table 6):
// a query NeRF of architecture Q looks for the same object among NeRFs of architecture
// G != Q by cosine similarity; hit@k when the object is among the k nearest; recall@k =
// hits / queries. ALL/ALL: every NeRF of the split queries every other NeRF of it.
// (The authors divide hits by the gallery size; with every object in every architecture
// the two counts are equal.) Beside it, the chance level: the recall a random ranking of
// the gallery gets on average, computed exactly per query (expected_random_recall).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "data/embeddings.h"
#include "models/eval/eval_sets.h"

namespace ws {

// x F32 [N, D] (any device) -> cosine similarities F32 [N, N] on the host (rows scaled to
// unit length, zero rows stay zero; one GEMM, on `gemm_on`: the [N, N] product is the
// cost for tens of thousands of rows).
Tensor cosine_similarity_matrix(const Tensor& x, Device gemm_on = Device::cpu());
// x [D] scaled in place to unit length; a zero vector stays zero.
void scale_to_unit(float* x, int64_t D);

// The k gallery rows most similar to `query` by sim [N, N] (host), most similar first;
// ties go to the lower row. `query` itself is never returned.
std::vector<int64_t> nearest_rows(const Tensor& sim, int64_t query, const std::vector<int64_t>& gallery, int k);

struct RecallAtK {
  std::vector<int> ks;
  std::vector<double> recall;  // per k
  int64_t queries = 0;
  int64_t gallery = 0;  // the rows each query is ranked against (itself excluded)
};

// keys[row] names the object ("chair/003"): a hit is a neighbour with the query's key.
// A query whose object is not in the gallery is a miss at every k.
RecallAtK retrieval_recall(const Tensor& sim, const std::vector<std::string>& keys, const std::vector<int64_t>& queries,
                           const std::vector<int64_t>& gallery, const std::vector<int>& ks);

// The probability that at least one of `matches` items of a gallery of n lands in the top
// k of a uniformly random ranking: 1 - C(n - m, k) / C(n, k) (k / n for one match; 0
// without a match).
double expected_random_recall(int64_t n, int64_t matches, int k);
// The mean of that over the queries, with the same gallery and key rules as retrieval_recall.
RecallAtK random_ranking_recall(const std::vector<std::string>& keys, const std::vector<int64_t>& queries,
                                const std::vector<int64_t>& gallery, const std::vector<int>& ks);

struct RetrievalPair {
  std::string query_arch, gallery_arch;  // "ALL", "ALL" for the all-to-all row
  RecallAtK embeddings, random;  // random: the expectation for a random ranking
};

struct RetrievalReport {
  std::string split;
  Centring centring = Centring::None;  // the embeddings' centring (eval_sets.h apply_centring)
  std::vector<int> ks;
  std::vector<RetrievalPair> pairs;  // ALL/ALL first, then every ordered pair of distinct archs
  nlohmann::json to_json() const;
};

// Fails when the split has no rows.
// The similarity GEMM runs on `d`; the ranking on the host.
RetrievalReport retrieval_report(const EmbeddingSet& set, const std::string& split, const std::vector<int>& ks = {1, 5, 10},
                                 Device d = Device::cpu());
std::string format_retrieval_report(const RetrievalReport& r);

// Queries for a retrieval picture: up to `count` rows of the split, query i of class
// i mod C (sorted names) in architecture i mod A (table order), each with its k nearest
// rows of the split (cosine) from other architectures.
struct RetrievalExample {
  int64_t query;                  // a row of the file
  std::vector<int64_t> neighbours;  // rows of the file, nearest first
  std::vector<float> similarity;
};
std::vector<RetrievalExample> retrieval_examples(const EmbeddingSet& set, const std::string& split, int count, int k);

}  // namespace ws
