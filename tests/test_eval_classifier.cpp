// The embedding classifier: learning separable clusters, failing on shuffled labels,
// the same-class mixing, best-on-validation selection, determinism, the preset section.
#include <omp.h>

#include <algorithm>
#include <numeric>

#include "models/classifier/classifier.h"
#include "models/eval/classification.h"
#include "models/eval/eval_sets.h"
#include "tests/eval_testing.h"
#include "tests/testing.h"

using namespace ws;

namespace {
ClassifierConfig small_config(int epochs = 30) {
  ClassifierConfig c;
  c.epochs = epochs;
  c.batch = 32;
  c.lr = 1e-2;
  c.hidden = {32, 16};
  c.eval_every = 1;
  return c;
}

struct Split {
  LabeledSet train, val, test;
};
Split split_of(const EmbeddingSet& set) {
  std::vector<int32_t> labels = class_labels(set);
  std::vector<std::string> archs = set.archs();
  return {labeled_rows(set, rows_of(set, "train", archs), labels), labeled_rows(set, rows_of(set, "val", archs), labels),
          labeled_rows(set, rows_of(set, "test", archs), labels)};
}
// One architecture, 4 separable classes, 40 / 10 / 20 objects per class.
test::ClusterSpec one_arch_spec() {
  test::ClusterSpec spec;
  spec.archs = {"MLP"};
  spec.train = 40;
  spec.val = 10;
  spec.test = 20;
  return spec;
}
}  // namespace

TEST_CASE("classifier: separable clusters are learnt, shuffled labels stay near chance") {
  const test::ClusterSpec spec = one_arch_spec();
  Split s = split_of(test::clustered_embeddings(spec));
  {
    EmbeddingClassifier model(spec.dim, spec.classes, small_config(), Device::cpu());
    model.init(0);
    double before = model.accuracy(s.test);
    ClassifierRun run = train_classifier(model, s.train, s.val);
    double after = model.accuracy(s.test);
    MESSAGE("test accuracy ", before, " -> ", after, ", best val ", run.best_val_accuracy, " at epoch ", run.best_epoch);
    CHECK(after >= 0.95);
    CHECK(run.epoch_loss.back() < run.epoch_loss.front());
  }
  {
    // Train and validation labels shuffled: nothing about the test labels can be learnt.
    LabeledSet shuffled = s.train, shuffled_val = s.val;
    Rng rng(7);
    rng.shuffle(shuffled.labels);
    rng.shuffle(shuffled_val.labels);
    EmbeddingClassifier model(spec.dim, spec.classes, small_config(), Device::cpu());
    model.init(0);
    train_classifier(model, shuffled, shuffled_val);
    double acc = model.accuracy(s.test);
    MESSAGE("shuffled labels: test accuracy ", acc, " (chance 0.25)");
    CHECK(acc < 0.45);
  }
}

TEST_CASE("classifier: differences of 1e-5 on a large common vector are learnt once inputs are standardised") {
  // What a briefly trained encoder gives: every embedding ~ the same vector, objects
  // differing in the fifth decimal.
  const test::ClusterSpec spec = one_arch_spec();
  Split s = split_of(test::clustered_embeddings(spec));
  for (LabeledSet* set : {&s.train, &s.val, &s.test})
    for (size_t i = 0; i < set->x.size(); ++i) set->x[i] = 1.0f + 1e-5f * set->x[i];
  double acc[2];
  for (int standardize = 0; standardize < 2; ++standardize) {
    ClassifierConfig cfg = small_config();
    cfg.standardize = standardize == 1;
    EmbeddingClassifier model(spec.dim, spec.classes, cfg, Device::cpu());
    model.init(0);
    train_classifier(model, s.train, s.val);
    acc[standardize] = model.accuracy(s.test);
  }
  MESSAGE("test accuracy: raw inputs ", acc[0], ", standardised ", acc[1], " (chance 0.25)");
  CHECK(acc[1] >= 0.95);
  CHECK(acc[0] < 0.6);  // BatchNorm's eps swamps the differences: why standardisation is on
}

TEST_CASE("classifier: same-class mixing takes coordinates from a same-class partner only") {
  const int64_t D = 64;
  std::vector<int32_t> labels = {0, 1, 0, 2, 0, 1, 2, 2, 2, 3};  // classes 1 and 3 have <= 2 rows: no mixes
  std::vector<float> x;
  for (size_t i = 0; i < labels.size(); ++i)
    for (int64_t c = 0; c < D; ++c) x.push_back(float(100 * i + c));  // every value names its row
  const std::vector<float> x0 = x;
  std::vector<int32_t> y = labels;
  std::vector<int64_t> partners;
  append_same_class_mixes(x, y, D, 5, 3, &partners);
  REQUIRE(y.size() == labels.size() + 7);  // rows of classes 0 (3 rows) and 2 (4 rows)
  REQUIRE(x.size() == y.size() * size_t(D));
  CHECK(std::equal(x0.begin(), x0.end(), x.begin()));  // the batch itself is untouched
  size_t m = 0;
  double from_partner = 0, coords = 0;
  for (size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] == 1 || labels[i] == 3) continue;
    size_t row = labels.size() + m;
    int64_t p = partners[m++];
    CHECK(y[row] == labels[i]);
    CHECK(labels[size_t(p)] == labels[i]);
    for (int64_t c = 0; c < D; ++c) {
      float v = x[row * size_t(D) + size_t(c)];
      bool own = v == x0[i * size_t(D) + size_t(c)], other = v == x0[size_t(p) * size_t(D) + size_t(c)];
      CHECK((own || other));
      if (p != int64_t(i)) from_partner += other, coords += 1;
    }
  }
  CHECK(m == partners.size());
  if (coords > 0) MESSAGE("fraction of coordinates from the partner: ", from_partner / coords);

  // Deterministic in (seed, step); another step draws differently.
  std::vector<float> xa = x0, xb = x0, xc = x0;
  std::vector<int32_t> ya = labels, yb = labels, yc = labels;
  append_same_class_mixes(xa, ya, D, 5, 3);
  append_same_class_mixes(xb, yb, D, 5, 3);
  append_same_class_mixes(xc, yc, D, 5, 4);
  CHECK(xa == xb);
  CHECK(xa != xc);
}

TEST_CASE("classifier: the partner fraction follows tau ~ U(0,1): half the coordinates on average") {
  // Two rows of class 0 plus a third so mixing happens; many steps average tau out.
  const int64_t D = 256;
  double partner = 0, total = 0;
  for (uint64_t step = 0; step < 200; ++step) {
    std::vector<float> x;
    for (int r = 0; r < 3; ++r)
      for (int64_t c = 0; c < D; ++c) x.push_back(float(r));
    std::vector<int32_t> y = {0, 0, 0};
    std::vector<int64_t> partners;
    append_same_class_mixes(x, y, D, 11, step, &partners);
    for (size_t m = 0; m < partners.size(); ++m) {
      if (partners[m] == int64_t(m)) continue;
      for (int64_t c = 0; c < D; ++c) partner += x[(3 + m) * size_t(D) + size_t(c)] == float(partners[m]);
      total += double(D);
    }
  }
  REQUIRE(total > 0);
  CHECK(partner / total == doctest::Approx(0.5).epsilon(0.1));
}

TEST_CASE("classifier: the best validation epoch is kept, deterministically") {
  test::ClusterSpec spec;
  spec.archs = {"MLP"};
  spec.train = 30;
  spec.val = 10;
  spec.test = 5;
  Split s = split_of(test::clustered_embeddings(spec));
  // Validation labels rotated by one class: the better the model learns the clusters, the
  // worse it does here, so the best validation epoch is an early one.
  LabeledSet rotated = s.val;
  for (int32_t& l : rotated.labels) l = (l + 1) % spec.classes;
  ClassifierConfig cfg = small_config(20);
  cfg.eval_every = 2;
  EmbeddingClassifier model(spec.dim, spec.classes, cfg, Device::cpu());
  model.init(0);
  ClassifierRun run = train_classifier(model, s.train, rotated);
  REQUIRE(!run.val_history.empty());
  // Validated at epochs 0, 2, ..., 18 and the last (19).
  CHECK(run.val_history.size() == 11);
  CHECK(run.val_history.back().first == cfg.epochs - 1);
  auto best = std::max_element(run.val_history.begin(), run.val_history.end(),
                               [](const auto& a, const auto& b) { return a.second < b.second; });  // first maximum
  CHECK(run.best_epoch == best->first);
  CHECK(run.best_val_accuracy == best->second);
  CHECK(run.best_epoch < cfg.epochs - 1);
  CHECK(model.accuracy(rotated) == run.best_val_accuracy);  // the weights of that epoch are back

  EmbeddingClassifier again(spec.dim, spec.classes, cfg, Device::cpu());
  again.init(0);
  ClassifierRun run2 = train_classifier(again, s.train, rotated);
  CHECK(run2.val_history == run.val_history);
  CHECK(again.params().values().to_vector() == model.params().values().to_vector());
}

TEST_CASE("classifier: configuration from a preset, with clear errors") {
  ClassifierConfig c = ClassifierConfig::from_preset(load_preset("paper"));
  CHECK(c.epochs == 150);
  CHECK(c.batch == 256);
  CHECK(c.lr == doctest::Approx(1e-4));
  CHECK(c.weight_decay == doctest::Approx(1e-2));
  CHECK(c.hidden == std::vector<int>{512, 256});
  CHECK(c.dropout == doctest::Approx(0.5f));
  Preset p = load_preset("tiny");
  p.json["classify"]["dropout"] = 1.5;
  CHECK_THROWS_WITH_AS(ClassifierConfig::from_preset(p), doctest::Contains("classify.dropout"), Error);
  p = load_preset("tiny");
  p.json["classify"]["batch"] = 1;
  CHECK_THROWS_WITH_AS(ClassifierConfig::from_preset(p), doctest::Contains("batch > 1"), Error);
}

TEST_CASE("classification table: rows ALL and each training arch, columns every test arch") {
  test::ClusterSpec spec;
  spec.archs = {"MLP", "TRI", "HASH", "MLP-2L"};
  spec.train = 10;
  spec.val = 3;
  spec.test = 4;
  EmbeddingSet set = test::clustered_embeddings(spec);
  // The unseen arch appears only in the test split.
  EmbeddingSet seen;
  std::vector<float> all = set.embeddings.to_vector(), kept;
  for (int64_t i = 0; i < set.size(); ++i) {
    const EmbeddingRow& r = set.rows[size_t(i)];
    if (r.arch == "MLP-2L" && r.split != "test") continue;
    seen.rows.push_back(r);
    kept.insert(kept.end(), all.begin() + i * spec.dim, all.begin() + (i + 1) * spec.dim);
  }
  seen.embeddings = Tensor::from(kept, {seen.size(), spec.dim});
  // Runs train side by side, so they start in no fixed order; the library serialises the
  // callbacks (an unguarded push_back here raced before, and CI caught it once).
  std::vector<std::string> started;
  std::vector<int> jobs;
  int epochs_seen = 0;
  ClassificationTable t = classification_table(seen, small_config(15), Device::cpu(),
                                               [&](const std::string& name, int job, int n) -> ClassifierEpochFn {
                                                 CHECK(n == 4);
                                                 started.push_back(name);
                                                 jobs.push_back(job);
                                                 return [&](int, double, double) { ++epochs_seen; };
                                               });
  CHECK(t.train_sets == std::vector<std::string>{"ALL", "MLP", "TRI", "HASH"});
  std::sort(started.begin(), started.end());
  std::sort(jobs.begin(), jobs.end());
  CHECK(started == std::vector<std::string>{"ALL", "HASH", "MLP", "TRI"});
  CHECK(jobs == std::vector<int>{0, 1, 2, 3});
  CHECK(epochs_seen == 4 * 15);
  CHECK(t.test_archs == std::vector<std::string>{"MLP", "TRI", "HASH", "MLP-2L"});
  CHECK(t.train_rows == std::vector<int64_t>{3 * 4 * 10, 40, 40, 40});
  CHECK(t.val_rows == std::vector<int64_t>{3 * 4 * 3, 12, 12, 12});
  CHECK(t.test_rows == std::vector<int64_t>{16, 16, 16, 16});
  for (const auto& row : t.accuracy)
    for (double a : row) CHECK(a >= 0.9);
  nlohmann::json j = t.to_json();
  CHECK(j["accuracy"]["ALL"]["MLP-2L"].get<double>() == t.accuracy[0][3]);
  CHECK(format_classification_table(t).find("MLP-2L") != std::string::npos);
}

TEST_CASE("classification table: the same embeddings in another row order give the same table") {
  test::ClusterSpec spec;
  spec.train = 6;
  spec.val = 2;
  spec.object_noise = 4.0f;  // overlapping classes: the result depends on the batches
  EmbeddingSet set = test::clustered_embeddings(spec), reversed;
  std::vector<float> all = set.embeddings.to_vector(), flipped;
  for (int64_t i = set.size() - 1; i >= 0; --i) {
    reversed.rows.push_back(set.rows[size_t(i)]);
    flipped.insert(flipped.end(), all.begin() + i * spec.dim, all.begin() + (i + 1) * spec.dim);
  }
  reversed.embeddings = Tensor::from(flipped, {set.size(), spec.dim});
  ClassificationTable a = classification_table(set, small_config(8), Device::cpu());
  ClassificationTable b = classification_table(reversed, small_config(8), Device::cpu());
  CHECK(a.accuracy == b.accuracy);
  for (size_t r = 0; r < a.runs.size(); ++r) CHECK(a.runs[r].epoch_loss == b.runs[r].epoch_loss);
}

TEST_CASE("classification table: several seeds give mean and sd per cell, a subset of train sets") {
  test::ClusterSpec spec;
  spec.train = 6;
  spec.val = 2;
  spec.object_noise = 4.0f;  // overlapping classes: seeds disagree
  EmbeddingSet set = test::clustered_embeddings(spec);
  ClassificationOptions opt;
  opt.seeds = {0, 1, 2};
  opt.train_sets = {"ALL", "TRI"};
  ClassificationTable t = classification_table(set, small_config(8), Device::cpu(), nullptr, opt);
  CHECK(t.train_sets == std::vector<std::string>{"ALL", "TRI"});
  REQUIRE(t.accuracy_per_seed.size() == 3);
  // Seed 1 alone gives the table's seed-1 layer.
  ClassificationOptions one;
  one.seeds = {1};
  one.train_sets = {"TRI"};
  ClassificationTable single = classification_table(set, small_config(8), Device::cpu(), nullptr, one);
  CHECK(single.accuracy[0] == t.accuracy_per_seed[1][1]);
  CHECK(single.accuracy_sd[0] == std::vector<double>(single.test_archs.size(), 0.0));
  bool seeds_differ = false;
  for (size_t c = 0; c < t.test_archs.size(); ++c) {
    std::vector<double> v;
    for (const auto& layer : t.accuracy_per_seed) v.push_back(layer[0][c]);
    seeds_differ |= v[0] != v[1] || v[1] != v[2];
    auto [m, sd] = mean_sd(v);
    CHECK(t.accuracy[0][c] == doctest::Approx(m));
    CHECK(t.accuracy_sd[0][c] == doctest::Approx(sd));
  }
  CHECK(seeds_differ);
  CHECK(format_classification_table(t).find("+-") != std::string::npos);
  nlohmann::json j = t.to_json();
  CHECK(j["seeds"] == nlohmann::json({0, 1, 2}));
  CHECK(j["accuracy_sd"]["ALL"]["MLP"].get<double>() == t.accuracy_sd[0][0]);
  CHECK(mean_sd({1.0, 2.0, 3.0}).second == doctest::Approx(1.0));
  opt.train_sets = {"MLP-2L"};
  CHECK_THROWS_WITH_AS(classification_table(set, small_config(8), Device::cpu(), nullptr, opt),
                       doctest::Contains("train set 'MLP-2L'"), Error);
}

TEST_CASE("classification table: runs trained side by side on threads give the table of one thread") {
  test::ClusterSpec spec;
  spec.train = 6;
  spec.val = 2;
  spec.object_noise = 4.0f;
  EmbeddingSet set = test::clustered_embeddings(spec);
  ClassificationOptions opt;
  opt.seeds = {0, 1};
  const int threads = omp_get_max_threads();
  omp_set_num_threads(1);
  ClassificationTable one = classification_table(set, small_config(8), Device::cpu(), nullptr, opt);
  omp_set_num_threads(3);  // more workers than cores is fine: the jobs are still 8 runs
  ClassificationTable many = classification_table(set, small_config(8), Device::cpu(), nullptr, opt);
  omp_set_num_threads(threads);
  CHECK(one.accuracy_per_seed == many.accuracy_per_seed);
  REQUIRE(one.runs.size() == many.runs.size());
  for (size_t r = 0; r < one.runs.size(); ++r) CHECK(one.runs[r].epoch_loss == many.runs[r].epoch_loss);
  CHECK(one.train_rows == many.train_rows);
  // An error in one run reaches the caller (not std::terminate from a worker thread).
  ClassifierConfig bad = small_config(8);
  bad.batch = 0;
  CHECK_THROWS_WITH_AS(classification_table(set, bad, Device::cpu(), nullptr, opt),
                       doctest::Contains("batch > 1"), Error);
}

TEST_CASE("parity: the classifier trained on the GPU matches the CPU's") {
  if (!test::gpu_or_skip("classifier training")) return;
  test::ClusterSpec spec;
  spec.archs = {"MLP"};
  spec.train = 30;
  spec.val = 10;
  spec.test = 10;
  Split s = split_of(test::clustered_embeddings(spec));
  ClassifierConfig cfg = small_config(10);
  EmbeddingClassifier c(spec.dim, spec.classes, cfg, Device::cpu()), g(spec.dim, spec.classes, cfg, Device::cuda());
  c.init(0);
  g.init(0);
  CHECK(c.params().values().to_vector() == g.params().values().to_vector());  // the same initial weights
  ClassifierRun rc = train_classifier(c, s.train, s.val), rg = train_classifier(g, s.train, s.val);
  MESSAGE("first-epoch loss cpu ", rc.epoch_loss[0], " cuda ", rg.epoch_loss[0]);
  CHECK(rg.epoch_loss[0] == doctest::Approx(rc.epoch_loss[0]).epsilon(1e-3));  // same batches, masks and mixes
  test::check_close(g.params().values().to_vector(), c.params().values().to_vector(), 2e-3, 2e-2,
                    "classifier weights after training");
  CHECK(g.accuracy(s.test) == doctest::Approx(c.accuracy(s.test)).epsilon(0.05));
}
