// Views of an embeddings file (data/embeddings.h) that the evaluations share: the
// architectures in table order, class labels, and rows gathered into labelled sets.
#pragma once
#include <string>
#include <vector>

#include "engine/named_enum.h"
#include "data/embeddings.h"
#include "models/classifier/classifier.h"

namespace ws {

// Architectures present (in `split` when given) in table order: the training ones
// (MLP, TRI, HASH), then the unseen built-in ones in their built-in order, then any
// other name in first-seen order.
std::vector<std::string> archs_in_table_order(const EmbeddingSet& set, const std::string& split = "");

// Label of every row: the index of its class in set.classes() (sorted names).
std::vector<int32_t> class_labels(const EmbeddingSet& set);

// The rows whose split is `split` and whose arch is one of `archs`, sorted by (object,
// arch): a classifier's batches follow row order, and with a few hundred rows that order
// alone moved accuracy by 9 points on the cpu demo; sorted, results depend on the
// embeddings only, not on the order a file lists them in.
std::vector<int64_t> rows_of(const EmbeddingSet& set, const std::string& split, const std::vector<std::string>& archs);

// Those rows' embeddings and labels.
LabeledSet labeled_rows(const EmbeddingSet& set, const std::vector<int64_t>& rows, const std::vector<int32_t>& labels);

// Per-architecture centring, the evaluations' default (`--centre arch`): every
// (split, architecture) group of rows minus its own mean embedding. A briefly trained
// encoder gives each architecture a large common vector (cosine 1.000 between any two
// NeRFs of it) that hides the object-dependent part, and in cross-architecture retrieval
// it makes the ranking the same for every query. Subtracting each modality's mean is the
// usual cure for such a "modality gap" (Liang et al., NeurIPS 2022); it uses no labels,
// and each group is centred with its own rows only, so a test set never informs training.
// Records the mode's name in set.info["centring"]. embeddings F32 [N, D] on the host, in place.
enum class Centring {
  None,  // "none": the paper's raw embeddings
  Arch,  // "arch": each (split, architecture) group minus its mean
};
const EnumNames<Centring>& centring_names();
inline Centring parse_centring(const std::string& s, const std::string& what) {
  return parse_enum(s, centring_names(), what);
}
inline const char* centring_name(Centring c) { return enum_name(c, centring_names()); }
void apply_centring(EmbeddingSet& set, Centring mode);

// set.info["centring"], or None when the set was not centred.
Centring centring_of(const EmbeddingSet& set);

// What tables, figures and reports print for a centring mode: "embeddings centred per
// architecture and split" or "raw embeddings (the paper's protocol)".
std::string centring_label(Centring mode);

// Those rows' embeddings, [rows.size(), D] row-major on the host.
std::vector<float> gather_embeddings(const EmbeddingSet& set, const std::vector<int64_t>& rows);

}  // namespace ws
