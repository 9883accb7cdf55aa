// Probes: cheap measures of what an embedding knows, taken during training on a held-out
// split (`wsnerf train` logs them every epoch and every train.probe_every steps) and
// available for any embeddings file. Every number is computed from the rows alone.
//
//   obj_frac_raw[a]      share of architecture a's embeddings that differs between objects:
//                        sum_o |z_oa - mean_a|^2 / sum_o |z_oa|^2. Raw cosine similarity sees
//                        this share; ~1e-3 means every NeRF of a embeds to nearly one vector.
//   obj_frac_centred[a]  the same over the deviation from the mean of the whole set (all
//                        architectures): sum_o |z_oa - mean_a|^2 / sum_o |z_oa - mean|^2.
//                        Small when a's offset from the other architectures dominates.
//   nn_class[a]          leave-one-out 1-NN class accuracy within a (cosine of embeddings
//                        centred on a's mean), over rows whose class has another row in a;
//                        absent when no class does. Chance is about 1 / classes.
//   recall1_raw/centred  cross-architecture instance recall@1 (the same object is the
//                        nearest NeRF of the other architecture), mean over ordered pairs;
//                        centred = each architecture's rows minus their mean.
//   recall1_chance       its expectation for random embeddings: mean of 1 / gallery size.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "data/embeddings.h"

namespace ws {

struct ProbeReport {
  std::vector<std::string> archs;                    // table order
  std::map<std::string, double> obj_frac_raw, obj_frac_centred;
  std::map<std::string, std::optional<double>> nn_class;
  double recall1_raw = 0, recall1_centred = 0, recall1_chance = 0;  // 0 with one architecture
  int64_t rows = 0;
  nlohmann::json to_json() const;
  // One line for a progress bar: "R@1 raw .08 cen .31 (chance .08) | 1-NN .46 | obj 2e-3".
  std::string brief() const;
};

// Probes over every row of `set` (callers pass one split). Embeddings F32 [N, D].
ProbeReport embedding_probes(const EmbeddingSet& set);

}  // namespace ws
