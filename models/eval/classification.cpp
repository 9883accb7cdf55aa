#include "models/eval/classification.h"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <exception>
#include <mutex>

#include "models/eval/eval_sets.h"
#include "models/nerf/arch.h"

namespace ws {

nlohmann::json ClassificationTable::to_json() const {
  nlohmann::json acc = nlohmann::json::object(), sd = nlohmann::json::object(), runs_j = nlohmann::json::object();
  for (size_t r = 0; r < train_sets.size(); ++r) {
    nlohmann::json row = nlohmann::json::object();
    for (size_t c = 0; c < test_archs.size(); ++c) row[test_archs[c]] = accuracy[r][c];
    acc[train_sets[r]] = row;
    nlohmann::json sd_row = nlohmann::json::object();
    for (size_t c = 0; c < test_archs.size(); ++c) sd_row[test_archs[c]] = accuracy_sd[r][c];
    sd[train_sets[r]] = sd_row;
    nlohmann::json run = runs[r].to_json();
    run["train_archs"] = train_archs[r];
    run["train_rows"] = train_rows[r];
    run["val_rows"] = val_rows[r];
    runs_j[train_sets[r]] = run;
  }
  nlohmann::json tests = nlohmann::json::object();
  for (size_t c = 0; c < test_archs.size(); ++c) tests[test_archs[c]] = test_rows[c];
  nlohmann::json per_seed = nlohmann::json::array();
  for (const auto& table : accuracy_per_seed) per_seed.push_back(table);
  return {{"centring", centring_name(centring)}, {"classes", classes},         {"train_sets", train_sets},
          {"test_archs", test_archs}, {"seeds", seeds},        {"accuracy", acc},
          {"accuracy_sd", sd},    {"accuracy_per_seed", per_seed}, {"test_rows", tests},
          {"runs", runs_j}};
}

ClassificationOptions ClassificationOptions::from_preset(const Preset& p) {
  ClassificationOptions o;
  const nlohmann::json& c = p.section("classify");
  if (!c.contains("seeds")) return o;
  WS_CHECK(c["seeds"].is_array() && !c["seeds"].empty(), "preset ", p.name, ": classify.seeds must be a non-empty list");
  for (const nlohmann::json& v : c["seeds"]) {
    WS_CHECK(v.is_number_unsigned(), "preset ", p.name, ": classify.seeds must hold non-negative integers, got ", json_excerpt(v));
    o.seeds.push_back(v.get<uint64_t>());
  }
  return o;
}

std::pair<double, double> mean_sd(const std::vector<double>& v) {
  if (v.empty()) return {0.0, 0.0};
  double m = 0, ss = 0;
  for (double x : v) m += x / double(v.size());
  for (double x : v) ss += (x - m) * (x - m);
  return {m, v.size() > 1 ? std::sqrt(ss / double(v.size() - 1)) : 0.0};
}

ClassificationTable classification_table(const EmbeddingSet& set, const ClassifierConfig& cfg, Device d,
                                         const ClassifierProgressFn& progress, const ClassificationOptions& opt) {
  ClassificationTable t;
  t.classes = set.classes();
  t.centring = centring_of(set);
  WS_CHECK(t.classes.size() >= 2, "classification needs at least 2 classes, the embeddings have ", t.classes.size());
  const std::vector<int32_t> labels = class_labels(set);

  std::vector<std::string> training;
  for (const std::string& a : archs_in_table_order(set, "train"))
    if (is_training_arch(a)) training.push_back(a);
  WS_CHECK(!training.empty(), "classification: no train-split embeddings of a training architecture (MLP, TRI, HASH)");
  auto wanted = [&](const std::string& name) {
    return opt.train_sets.empty() || std::find(opt.train_sets.begin(), opt.train_sets.end(), name) != opt.train_sets.end();
  };
  for (const std::string& name : opt.train_sets)
    WS_CHECK(name == "ALL" || std::find(training.begin(), training.end(), name) != training.end(),
             "classification: train set '", name, "' is neither ALL nor a training architecture with train rows");
  if (wanted("ALL")) {
    t.train_sets.push_back("ALL");
    t.train_archs.push_back(training);
  }
  for (const std::string& a : training)
    if (wanted(a)) {
      t.train_sets.push_back(a);
      t.train_archs.push_back({a});
    }
  t.seeds = opt.seeds.empty() ? std::vector<uint64_t>{cfg.seed} : opt.seeds;
  t.test_archs = archs_in_table_order(set, "test");
  WS_CHECK(!t.test_archs.empty(), "classification: the embeddings have no test-split rows");
  std::vector<LabeledSet> tests;
  for (const std::string& a : t.test_archs) {
    tests.push_back(labeled_rows(set, rows_of(set, "test", {a}), labels));
    t.test_rows.push_back(tests.back().size());
  }

  const int n_runs = int(t.seeds.size() * t.train_sets.size());
  std::vector<LabeledSet> trains, vals;  // per train set
  for (size_t r = 0; r < t.train_sets.size(); ++r) {
    trains.push_back(labeled_rows(set, rows_of(set, "train", t.train_archs[r]), labels));
    vals.push_back(labeled_rows(set, rows_of(set, "val", t.train_archs[r]), labels));
    t.train_rows.push_back(trains.back().size());
    t.val_rows.push_back(vals.back().size());
  }
  t.runs.resize(t.train_sets.size());
  t.accuracy_per_seed.assign(t.seeds.size(), std::vector<std::vector<double>>(t.train_sets.size()));
  // The (seed, train set) runs are independent: on the CPU they train side by side, one per
  // thread, each run's ops single-threaded. Classifiers this small spent most of their time
  // in the threads' hand-offs (eval-classify on the demo's embeddings: 137 s, 132 CPU-s
  // before; 37 s, 36 CPU-s after), and a run's numbers no longer depend on the machine's
  // thread count or on which worker ran it (tested).
  const int workers = d.is_cpu() ? std::max(1, std::min(n_runs, omp_get_max_threads())) : 1;
  std::vector<std::exception_ptr> errors(static_cast<size_t>(n_runs));
  std::mutex callback_mutex;  // the caller's callbacks need not be thread-safe
#pragma omp parallel for schedule(dynamic, 1) num_threads(workers)
  for (int job = 0; job < n_runs; ++job) {
    try {
      omp_set_num_threads(1);  // this worker's regions (and OpenBLAS's) run on it alone
      const size_t k = size_t(job) / t.train_sets.size(), r = size_t(job) % t.train_sets.size();
      ClassifierConfig c = cfg;
      c.seed = t.seeds[k];
      EmbeddingClassifier model(set.dim(), int(t.classes.size()), c, d);
      model.init(c.seed);
      const std::string name = t.seeds.size() > 1 ? str_cat(t.train_sets[r], " seed ", c.seed) : t.train_sets[r];
      ClassifierEpochFn on_epoch;
      if (progress) {
        std::lock_guard<std::mutex> lock(callback_mutex);
        ClassifierEpochFn user = progress(name, job, n_runs);
        if (user)
          on_epoch = [&callback_mutex, user](int epoch, double loss, double val) {
            std::lock_guard<std::mutex> inner(callback_mutex);
            user(epoch, loss, val);
          };
      }
      ClassifierRun run = train_classifier(model, trains[r], vals[r], on_epoch);
      if (k == 0) t.runs[r] = run;
      std::vector<double>& row = t.accuracy_per_seed[k][r];
      for (const LabeledSet& test : tests) row.push_back(model.accuracy(test));
    } catch (...) {
      errors[size_t(job)] = std::current_exception();
    }
  }
  for (const std::exception_ptr& e : errors)
    if (e) std::rethrow_exception(e);
  for (size_t r = 0; r < t.train_sets.size(); ++r) {
    std::vector<double> mean_row, sd_row;
    for (size_t c = 0; c < t.test_archs.size(); ++c) {
      std::vector<double> v;
      for (const auto& table : t.accuracy_per_seed) v.push_back(table[r][c]);
      auto [m, sd] = mean_sd(v);
      mean_row.push_back(m);
      sd_row.push_back(sd);
    }
    t.accuracy.push_back(mean_row);
    t.accuracy_sd.push_back(sd_row);
  }
  return t;
}

namespace {
std::string fixed1(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}
}  // namespace

std::string format_classification_table(const ClassificationTable& t) {
  int w = t.seeds.size() > 1 ? 12 : 8;
  for (const std::string& a : t.test_archs) w = std::max(w, int(a.size()) + 2);
  std::string s = str_cat("classification accuracy (%) on the test split\nrows: classifier trained on; columns: tested on\n",
                          centring_label(t.centring));
  if (t.seeds.size() > 1) s += str_cat("; mean +- sd over ", t.seeds.size(), " classifier seeds (val%: the first's)");
  s += "\n\n";
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
      if (t.seeds.size() > 1) std::snprintf(buf, sizeof buf, "%*s", w, str_cat(fixed1(100 * t.accuracy[r][c]), "+-",
                                                                              fixed1(100 * t.accuracy_sd[r][c])).c_str());
      else std::snprintf(buf, sizeof buf, "%*.1f", w, 100 * t.accuracy[r][c]);
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
