#include "models/eval/classification.h"

#include <algorithm>
#include <cstdio>

#include "models/eval/eval_sets.h"
#include "models/nerf/arch.h"

namespace ws {

nlohmann::json ClassificationTable::to_json() const {
  nlohmann::json acc = nlohmann::json::object(), runs_j = nlohmann::json::object();
  for (size_t r = 0; r < train_sets.size(); ++r) {
    nlohmann::json row = nlohmann::json::object();
    for (size_t c = 0; c < test_archs.size(); ++c) row[test_archs[c]] = accuracy[r][c];
    acc[train_sets[r]] = row;
    nlohmann::json run = runs[r].to_json();
    run["train_archs"] = train_archs[r];
    run["train_rows"] = train_rows[r];
    run["val_rows"] = val_rows[r];
    runs_j[train_sets[r]] = run;
  }
  nlohmann::json tests = nlohmann::json::object();
  for (size_t c = 0; c < test_archs.size(); ++c) tests[test_archs[c]] = test_rows[c];
  return {{"centring", centring}, {"classes", classes}, {"train_sets", train_sets}, {"test_archs", test_archs},
          {"accuracy", acc},   {"test_rows", tests},        {"runs", runs_j}};
}

ClassificationTable classification_table(const EmbeddingSet& set, const ClassifierConfig& cfg, Device d,
                                         const ClassifierProgressFn& progress) {
  ClassificationTable t;
  t.classes = set.classes();
  t.centring = centring_of(set);
  WS_CHECK(t.classes.size() >= 2, "classification needs at least 2 classes, the embeddings have ", t.classes.size());
  const std::vector<int32_t> labels = class_labels(set);

  std::vector<std::string> training;
  for (const std::string& a : archs_in_table_order(set, "train"))
    if (is_training_arch(a)) training.push_back(a);
  WS_CHECK(!training.empty(), "classification: no train-split embeddings of a training architecture (MLP, TRI, HASH)");
  t.train_sets.push_back("ALL");
  t.train_archs.push_back(training);
  for (const std::string& a : training) {
    t.train_sets.push_back(a);
    t.train_archs.push_back({a});
  }
  t.test_archs = archs_in_table_order(set, "test");
  WS_CHECK(!t.test_archs.empty(), "classification: the embeddings have no test-split rows");
  std::vector<LabeledSet> tests;
  for (const std::string& a : t.test_archs) {
    tests.push_back(labeled_rows(set, rows_of(set, "test", {a}), labels));
    t.test_rows.push_back(tests.back().size());
  }

  for (size_t r = 0; r < t.train_sets.size(); ++r) {
    LabeledSet train = labeled_rows(set, rows_of(set, "train", t.train_archs[r]), labels);
    LabeledSet val = labeled_rows(set, rows_of(set, "val", t.train_archs[r]), labels);
    t.train_rows.push_back(train.size());
    t.val_rows.push_back(val.size());
    EmbeddingClassifier model(set.dim(), int(t.classes.size()), cfg, d);
    model.init(cfg.seed);
    ClassifierEpochFn on_epoch = progress ? progress(t.train_sets[r], int(r), int(t.train_sets.size())) : nullptr;
    t.runs.push_back(train_classifier(model, train, val, on_epoch));
    std::vector<double> row;
    for (const LabeledSet& test : tests) row.push_back(model.accuracy(test));
    t.accuracy.push_back(row);
  }
  return t;
}

std::string format_classification_table(const ClassificationTable& t) {
  int w = 8;
  for (const std::string& a : t.test_archs) w = std::max(w, int(a.size()) + 2);
  std::string s = str_cat("classification accuracy (%) on the test split\nrows: classifier trained on; columns: tested on\n",
                          centring_label(t.centring), "\n\n");
  char buf[256];
  std::snprintf(buf, sizeof buf, "%-8s %6s", "train", "val%");
  s += buf;
  for (const std::string& a : t.test_archs) {
    std::snprintf(buf, sizeof buf, "%*s", w, a.c_str());
    s += buf;
  }
  s += "\n";
  for (size_t r = 0; r < t.train_sets.size(); ++r) {
    double v = t.runs[r].best_val_accuracy;
    if (v >= 0) std::snprintf(buf, sizeof buf, "%-8s %6.1f", t.train_sets[r].c_str(), 100 * v);
    else std::snprintf(buf, sizeof buf, "%-8s %6s", t.train_sets[r].c_str(), "-");
    s += buf;
    for (size_t c = 0; c < t.test_archs.size(); ++c) {
      std::snprintf(buf, sizeof buf, "%*.1f", w, 100 * t.accuracy[r][c]);
      s += buf;
    }
    s += "\n";
  }
  std::snprintf(buf, sizeof buf, "\n%-15s", "test rows");
  s += buf;
  for (int64_t n : t.test_rows) {
    std::snprintf(buf, sizeof buf, "%*lld", w, (long long)n);
    s += buf;
  }
  s += "\n";
  return s;
}

}  // namespace ws
