#include "models/classifier/classifier.h"

#include <algorithm>

#include "engine/ops.h"
#include "engine/optim.h"
#include "core/rng.h"
#include "engine/schedule.h"

namespace ws {

ClassifierConfig ClassifierConfig::from_preset(const Preset& p) {
  ClassifierConfig c;
  p.check_keys("classify", {"epochs", "batch", "lr", "weight_decay", "hidden", "dropout", "seed", "eval_every", "augment",
                            "standardize", "seeds"});
  c.epochs = p.get<int>("classify", "epochs");
  c.batch = p.get<int>("classify", "batch");
  c.lr = p.get<double>("classify", "lr");
  c.weight_decay = p.get<double>("classify", "weight_decay");
  c.hidden = p.get<std::vector<int>>("classify", "hidden");
  c.dropout = p.get<float>("classify", "dropout");
  c.seed = p.get<uint64_t>("classify", "seed");
  c.eval_every = p.get_or<int>("classify", "eval_every", c.eval_every);
  c.augment = p.get_or<bool>("classify", "augment", c.augment);
  c.standardize = p.get_or<bool>("classify", "standardize", c.standardize);
  WS_CHECK(c.epochs > 0 && c.batch > 1 && c.lr > 0 && c.weight_decay >= 0 && c.eval_every > 0, "preset ", p.name,
           ": classify needs epochs > 0, batch > 1, lr > 0, weight_decay >= 0, eval_every > 0 (got ",
           json_excerpt(p.section("classify")), ")");
  WS_CHECK(c.dropout >= 0 && c.dropout < 1, "preset ", p.name, ": classify.dropout must be in [0, 1), got ", c.dropout);
  // Widths decide allocation: bounded like the encoder's.
  WS_CHECK(c.hidden.size() <= 16, "preset ", p.name, ": classify.hidden has ", c.hidden.size(),
           " layers (at most 16)");
  for (int h : c.hidden)
    WS_CHECK(h > 0 && h <= 16384, "preset ", p.name, ": classify.hidden widths must be in [1, 16384], got ", h);
  return c;
}

nlohmann::json ClassifierConfig::to_json() const {
  return {{"epochs", epochs}, {"batch", batch},   {"lr", lr},           {"weight_decay", weight_decay},
          {"hidden", hidden}, {"dropout", dropout}, {"seed", seed},     {"eval_every", eval_every},
          {"augment", augment}, {"standardize", standardize}};
}

nlohmann::json ClassifierRun::to_json() const {
  nlohmann::json hist = nlohmann::json::array();
  for (const auto& e : val_history) hist.push_back({{"epoch", e.first}, {"accuracy", e.second}});
  return {{"best_val_accuracy", best_val_accuracy}, {"best_epoch", best_epoch}, {"steps", steps},
          {"val_history", hist}, {"epoch_loss", epoch_loss}};
}

void append_same_class_mixes(std::vector<float>& x, std::vector<int32_t>& labels, int64_t dim, uint64_t seed,
                             uint64_t step, std::vector<int64_t>* partners) {
  const int64_t B = int64_t(labels.size());
  WS_CHECK(int64_t(x.size()) == B * dim, "append_same_class_mixes: x has ", x.size(), " values for ", B, " rows of ",
           dim);
  if (partners) partners->clear();
  // Rows of each label, in batch order.
  std::vector<std::pair<int32_t, int64_t>> by_label(static_cast<size_t>(B));
  for (int64_t i = 0; i < B; ++i) by_label[size_t(i)] = {labels[size_t(i)], i};
  std::sort(by_label.begin(), by_label.end());
  x.reserve(size_t(2 * B * dim));
  const uint64_t row_stream = 2 * step, coord_stream = 2 * step + 1, blocks = uint64_t(dim + 3) / 4;
  for (int64_t i = 0; i < B; ++i) {
    auto range = std::equal_range(by_label.begin(), by_label.end(), std::make_pair(labels[size_t(i)], int64_t(-1)),
                                  [](const auto& a, const auto& b) { return a.first < b.first; });
    int64_t same = int64_t(range.second - range.first);
    if (same <= 2) continue;
    Philox4 r = philox4x32(seed, uint64_t(i), row_stream);
    int64_t pick = int64_t((uint64_t(r.v[0]) * uint64_t(same)) >> 32);
    int64_t partner = (range.first + pick)->second;
    float tau = u32_to_unit(r.v[1]);
    size_t base = x.size();
    x.resize(base + size_t(dim));
    const float* a = x.data() + i * dim;
    const float* b = x.data() + partner * dim;
    float* out = x.data() + base;
    for (uint64_t blk = 0; blk < blocks; ++blk) {
      Philox4 u = philox4x32(seed, uint64_t(i) * blocks + blk, coord_stream);
      for (int k = 0; k < 4; ++k) {
        int64_t c = int64_t(blk * 4) + k;
        if (c < dim) out[c] = u32_to_unit(u.v[k]) >= tau ? b[c] : a[c];
      }
    }
    labels.push_back(labels[size_t(i)]);
    if (partners) partners->push_back(partner);
  }
}

EmbeddingClassifier::EmbeddingClassifier(int64_t dim, int classes, const ClassifierConfig& cfg, Device d)
    : cfg_(cfg), dim_(dim), classes_(classes) {
  WS_CHECK(dim > 0 && classes > 1, "classifier: needs dim > 0 and at least 2 classes, got dim ", dim, ", ", classes,
           " classes");
  int64_t in = dim;
  for (size_t l = 0; l < cfg.hidden.size(); ++l) {
    std::string name = str_cat("cls.", l);
    Hidden h;
    h.lin = Linear::declare(ps_, name, in, cfg.hidden[l]);
    h.gamma = ps_.add(name + ".bn.weight", {cfg.hidden[l]});
    h.beta = ps_.add(name + ".bn.bias", {cfg.hidden[l]});
    h.running_mean = Tensor::zeros({cfg.hidden[l]}, DType::F32, d);
    h.running_var = Tensor::full({cfg.hidden[l]}, 1.0f, d);
    hidden_.push_back(h);
    in = cfg.hidden[l];
  }
  out_ = Linear::declare(ps_, "cls.out", in, classes);
  ps_.materialize(d);
  in_mean_ = Tensor::zeros({dim}, DType::F32, d);
  in_scale_ = Tensor::full({dim}, 1.0f, d);
}

void EmbeddingClassifier::fit_input_scaling(const std::vector<float>& x) {
  const int64_t n = int64_t(x.size()) / dim_;
  WS_CHECK(n >= 1 && n * dim_ == int64_t(x.size()), "classifier: input scaling from ", x.size(), " values for rows of ",
           dim_);
  std::vector<double> mean(static_cast<size_t>(dim_), 0.0), sd(static_cast<size_t>(dim_), 0.0);
  for (int64_t r = 0; r < n; ++r)
    for (int64_t c = 0; c < dim_; ++c) mean[size_t(c)] += x[size_t(r * dim_ + c)];
  for (double& m : mean) m /= double(n);
  for (int64_t r = 0; r < n; ++r)
    for (int64_t c = 0; c < dim_; ++c) {
      double dv = x[size_t(r * dim_ + c)] - mean[size_t(c)];
      sd[size_t(c)] += dv * dv;
    }
  double top = 0;
  for (double& v : sd) top = std::max(top, v = std::sqrt(v / double(n)));
  std::vector<float> m(static_cast<size_t>(dim_)), s(static_cast<size_t>(dim_));
  for (size_t c = 0; c < size_t(dim_); ++c) {
    m[c] = float(mean[c]);
    s[c] = sd[c] > 1e-6 * top && sd[c] > 0 ? float(1.0 / sd[c]) : 0.0f;
  }
  Device d = ps_.device();
  in_mean_ = Tensor::from(m, {dim_}, d);
  in_scale_ = Tensor::from(s, {dim_}, d);
}

void EmbeddingClassifier::init(uint64_t seed) {
  for (size_t l = 0; l < hidden_.size(); ++l) {
    Hidden& h = hidden_[l];
    h.lin.init(seed, l);
    h.gamma.value().fill_(1.0f);
    h.beta.value().fill_(0.0f);
    h.running_mean.fill_(0.0f);
    h.running_var.fill_(1.0f);
  }
  out_.init(seed, hidden_.size());
  in_mean_.fill_(0.0f);
  in_scale_.fill_(1.0f);
  dropout_offset_ = 0;
}

Var EmbeddingClassifier::forward(const Var& x, bool training) {
  WS_CHECK(x.shape().ndim == 2 && x.shape()[1] == dim_, "classifier: input must be [rows, ", dim_, "], got ",
           x.shape().str());
  // Dropout masks: stream of their own under the seed, distinct elements for every call.
  const uint64_t dropout_seed = cfg_.seed ^ 0xD50F'7A11'0C1A'55EEull;
  Var h = mul(sub(x, Var(in_mean_)), Var(in_scale_));  // [B, dim]
  for (Hidden& l : hidden_) {
    h = relu(batch_norm(l.lin(h), l.gamma, l.beta, l.running_mean, l.running_var, training));
    if (training && cfg_.dropout > 0) {
      h = dropout(h, cfg_.dropout, true, dropout_seed, dropout_offset_);
      dropout_offset_ += uint64_t(h.numel());
    }
  }
  return out_(h);
}

std::vector<int32_t> EmbeddingClassifier::predict(const std::vector<float>& x, int64_t dim) {
  WS_CHECK(dim == dim_ && int64_t(x.size()) % dim == 0, "classifier: predict on rows of ", dim, " values (",
           x.size(), " in all) for a ", dim_, "-d classifier");
  NoGradGuard no_grad;
  const int64_t n = int64_t(x.size()) / dim, chunk = 1024;
  std::vector<int32_t> out(static_cast<size_t>(n));
  for (int64_t r0 = 0; r0 < n; r0 += chunk) {
    int64_t r1 = std::min(n, r0 + chunk);
    std::vector<float> part(x.begin() + r0 * dim, x.begin() + r1 * dim);
    Var logits = forward(Var(Tensor::from(part, {r1 - r0, dim}, ps_.device())), false);
    std::vector<float> v = logits.value().to_vector();
    for (int64_t r = 0; r < r1 - r0; ++r) {
      const float* row = v.data() + r * classes_;
      out[size_t(r0 + r)] = int32_t(std::max_element(row, row + classes_) - row);  // ties: the first
    }
  }
  return out;
}

double EmbeddingClassifier::accuracy(const LabeledSet& s) {
  if (s.size() == 0) return 0.0;
  std::vector<int32_t> pred = predict(s.x, s.dim);
  int64_t right = 0;
  for (int64_t i = 0; i < s.size(); ++i) right += pred[size_t(i)] == s.labels[size_t(i)];
  return double(right) / double(s.size());
}

EmbeddingClassifier::State EmbeddingClassifier::state() const {
  State s;
  s.values = ps_.values().clone();
  for (const Hidden& h : hidden_) {
    s.running.push_back(h.running_mean.clone());
    s.running.push_back(h.running_var.clone());
  }
  return s;
}

void EmbeddingClassifier::load_state(const State& s) {
  WS_CHECK(s.running.size() == 2 * hidden_.size(), "classifier: a state of ", s.running.size() / 2,
           " hidden layers for ", hidden_.size());
  ps_.values().copy_from(s.values);
  for (size_t l = 0; l < hidden_.size(); ++l) {
    hidden_[l].running_mean.copy_from(s.running[2 * l]);
    hidden_[l].running_var.copy_from(s.running[2 * l + 1]);
  }
}

ClassifierRun train_classifier(EmbeddingClassifier& model, const LabeledSet& train, const LabeledSet& val,
                               const ClassifierEpochFn& on_epoch) {
  const ClassifierConfig& cfg = model.config();
  const int64_t n = train.size(), D = model.dim(), B = cfg.batch;
  WS_CHECK(train.dim == D && (val.size() == 0 || val.dim == D), "train_classifier: embeddings of ", train.dim, " / ",
           val.dim, " values for a ", D, "-d classifier");
  WS_CHECK(n >= 2, "train_classifier: needs at least 2 training rows, got ", n);
  WS_CHECK(B > 1 && cfg.epochs > 0, "train_classifier: needs batch > 1 and epochs > 0, got ", B, " and ", cfg.epochs);
  for (int32_t l : train.labels)
    WS_CHECK(l >= 0 && l < model.classes(), "train_classifier: label ", l, " outside [0, ", model.classes(), ")");
  // Batches per epoch: ceil(n / B), less a trailing batch of a single row.
  const int64_t full = n / B, rest = n % B;
  const int64_t batches = full + (rest >= 2 ? 1 : 0);
  OneCycle sched{cfg.lr, std::max<int64_t>(1, batches * cfg.epochs)};
  Adam opt(model.params(), AdamConfig::adamw(float(cfg.weight_decay)));
  Rng order_rng(cfg.seed, 1);
  const uint64_t mix_seed = cfg.seed ^ 0x3C6E'F372'FE94'F82Bull;
  const Device d = model.params().device();

  if (cfg.standardize) model.fit_input_scaling(train.x);

  ClassifierRun run;
  EmbeddingClassifier::State best;
  std::vector<int64_t> order(static_cast<size_t>(n));
  for (int epoch = 0; epoch < cfg.epochs; ++epoch) {
    for (int64_t i = 0; i < n; ++i) order[size_t(i)] = i;
    order_rng.shuffle(order);
    double loss_sum = 0;
    for (int64_t b = 0; b < batches; ++b) {
      int64_t r0 = b * B, r1 = std::min(n, r0 + B);
      std::vector<float> x(size_t((r1 - r0) * D));
      std::vector<int32_t> y(size_t(r1 - r0));
      for (int64_t r = r0; r < r1; ++r) {
        int64_t src = order[size_t(r)];
        std::copy_n(train.x.begin() + src * D, D, x.begin() + (r - r0) * D);
        y[size_t(r - r0)] = train.labels[size_t(src)];
      }
      if (cfg.augment) append_same_class_mixes(x, y, D, mix_seed, uint64_t(opt.steps()));
      int64_t rows = int64_t(y.size());
      model.params().zero_grad();
      Var logits = model.forward(Var(Tensor::from(x, {rows, D}, d)), true);
      Var loss = cross_entropy(logits, Tensor::from(y, {rows}, d));
      loss_sum += loss.value().item();
      backward(loss);
      opt.step(float(sched.lr(opt.steps())));
    }
    run.epoch_loss.push_back(batches ? loss_sum / double(batches) : 0.0);
    double val_acc = -1;
    if (val.size() > 0 && (epoch % cfg.eval_every == 0 || epoch == cfg.epochs - 1)) {
      val_acc = model.accuracy(val);
      run.val_history.push_back({epoch, val_acc});
      if (val_acc > run.best_val_accuracy) {  // strictly better: ties keep the earlier model
        run.best_val_accuracy = val_acc;
        run.best_epoch = epoch;
        best = model.state();
      }
    }
    if (on_epoch) on_epoch(epoch, run.epoch_loss.back(), val_acc);
  }
  run.steps = int(opt.steps());
  if (run.best_epoch >= 0) model.load_state(best);
  else run.best_epoch = cfg.epochs - 1;
  return run;
}

}  // namespace ws
