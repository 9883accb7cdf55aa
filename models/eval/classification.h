// The classification table of docs/design.md §8.3 (the paper's Tables 3-4): one classifier per
// training set — ALL (every training architecture's train embeddings) and each training
// architecture alone, validated on the same architectures' val embeddings — tested on
// the test embeddings of every architecture present, the unseen ones included.
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "data/embeddings.h"
#include "models/classifier/classifier.h"
#include "models/eval/eval_sets.h"

namespace ws {

struct ClassificationTable {
  Centring centring = Centring::None;   // the embeddings' centring (eval_sets.h apply_centring)
  std::vector<std::string> classes;     // label order
  std::vector<std::string> train_sets;  // "ALL", "MLP", "TRI", "HASH" (those present)
  std::vector<std::vector<std::string>> train_archs;  // the architectures behind each train set
  std::vector<std::string> test_archs;  // columns, archs_in_table_order of the test split
  std::vector<uint64_t> seeds;                // classifier seeds (each set trained once per seed)
  std::vector<std::vector<double>> accuracy;  // [train set][test arch], fraction right, mean over seeds
  std::vector<std::vector<double>> accuracy_sd;  // the same, sample standard deviation over seeds (0 for one)
  std::vector<std::vector<std::vector<double>>> accuracy_per_seed;  // [seed][train set][test arch]
  std::vector<int64_t> train_rows, val_rows;  // per train set
  std::vector<int64_t> test_rows;             // per test arch
  std::vector<ClassifierRun> runs;            // per train set, of the first seed
  nlohmann::json to_json() const;
};

// Called before each train set's training with (name, index, count); returns the
// per-epoch callback for it (may be empty). On the CPU the runs train side by side, so
// both callbacks are called from worker threads: one call at a time (classification_table
// serialises them), but runs start and report in no fixed order.
using ClassifierProgressFn = std::function<ClassifierEpochFn(const std::string&, int, int)>;

struct ClassificationOptions {
  std::vector<uint64_t> seeds;          // classifier seeds; empty = {cfg.seed}
  std::vector<std::string> train_sets;  // a subset of ALL and the training architectures; empty = all
  // The preset's optional classify.seeds (a list; the demo trains every classifier once
  // per seed and reports mean +- sd).
  static ClassificationOptions from_preset(const Preset& p);
};

// Fails when the file has no train rows of a training architecture or no test rows.
// Every classifier of one seed is initialised and trained with that seed.
ClassificationTable classification_table(const EmbeddingSet& set, const ClassifierConfig& cfg, Device d,
                                         const ClassifierProgressFn& progress = nullptr,
                                         const ClassificationOptions& opt = {});

// Mean and sample standard deviation (0 for fewer than two values).
std::pair<double, double> mean_sd(const std::vector<double>& v);

// Human-readable table: accuracies in percent (mean +- sd over seeds when there are
// several), rows = train sets, columns = test archs.
std::string format_classification_table(const ClassificationTable& t);

}  // namespace ws
