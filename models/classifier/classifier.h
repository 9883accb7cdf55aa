// The embedding classifier of docs/design.md §8.3: (Linear, BatchNorm1d, ReLU, Dropout) per
// hidden width, then Linear -> classes; AdamW + one-cycle, the same-class mixing
// augmentation, and the model with the best validation accuracy kept.
//
// Facts taken from the authors' trainer (CVLAB-Unibo/gmnerf, trainers/classifier.py):
// validation every 5 epochs and after the last, a new best only when strictly better;
// the augmentation works inside a batch: a row whose class has more than two rows in the
// batch gets a partner drawn uniformly among them (itself included), a threshold
// tau ~ U(0,1), and each coordinate comes from the partner where a uniform draw is
// >= tau; the mixes are appended to the batch with the row's label.
// Not reproduced: torch's OneCycleLR also cycles Adam's beta1 (0.85..0.95); ours is fixed.
// ours: inputs are standardised per coordinate with the training rows' mean and std
// (classify.standardize, default true). Briefly trained encoders give embeddings whose
// differences between objects are ~1e-4 of their size: below BatchNorm's eps, so an
// unscaled classifier sees a constant input and predicts one class.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/params.h"
#include "engine/preset.h"
#include "engine/layers.h"

namespace ws {

struct ClassifierConfig {
  int epochs = 150;
  int batch = 256;
  double lr = 1e-4;            // the one-cycle peak
  double weight_decay = 1e-2;  // AdamW, decoupled
  std::vector<int> hidden = {512, 256};
  float dropout = 0.5f;
  uint64_t seed = 0;
  int eval_every = 5;    // validate every N epochs and after the last (preset key classify.eval_every)
  bool augment = true;   // same-class mixing (preset key classify.augment)
  bool standardize = true;  // per-coordinate z-score of the inputs (preset key classify.standardize)

  // The preset's "classify" section: epochs, batch, lr, weight_decay, hidden, dropout,
  // seed; optional eval_every, augment and standardize (defaults above).
  static ClassifierConfig from_preset(const Preset& p);
  nlohmann::json to_json() const;
};

// Embeddings with labels in [0, classes): x [size, dim] row-major on the host.
struct LabeledSet {
  std::vector<float> x;
  std::vector<int32_t> labels;
  int64_t dim = 0;
  int64_t size() const { return int64_t(labels.size()); }
};

// Appends one mix per row of the batch x [B, dim] whose class has more than two rows in
// it (the rule above). Draws depend only on (seed, step) and the row index: row i's
// partner and tau come from Philox index i of stream 2*step, its coordinate draws from
// stream 2*step+1. `partners` (optional) receives the batch row each mix took from.
void append_same_class_mixes(std::vector<float>& x, std::vector<int32_t>& labels, int64_t dim, uint64_t seed,
                             uint64_t step, std::vector<int64_t>* partners = nullptr);

class EmbeddingClassifier {
 public:
  // Parameters on d: cls.<l>.weight/bias (Linear), cls.<l>.bn.weight/bias, cls.out.weight/bias.
  EmbeddingClassifier(int64_t dim, int classes, const ClassifierConfig& cfg, Device d);
  // PyTorch defaults: Linear U(±1/sqrt(in)), BatchNorm weight 1, bias 0, running stats 0 / 1;
  // input scaling the identity.
  void init(uint64_t seed);
  // Input scaling from training rows x [rows, dim]: (x - mean) / std per coordinate; a
  // coordinate that is constant on them (std <= 1e-6 of the largest) is zeroed.
  void fit_input_scaling(const std::vector<float>& x);

  // x [B, dim] -> logits [B, classes]. Training mode uses batch statistics and dropout
  // (masks drawn from the config's seed and a counter that advances each call).
  Var forward(const Var& x, bool training);
  // Arg-max class of every row (evaluation mode, batches of 1024 rows).
  std::vector<int32_t> predict(const std::vector<float>& x, int64_t dim);
  double accuracy(const LabeledSet& s);  // fraction of rows predicted right; 0 for an empty set

  ParamSet& params() { return ps_; }
  int classes() const { return classes_; }
  int64_t dim() const { return dim_; }
  const ClassifierConfig& config() const { return cfg_; }

  // Everything evaluation depends on (parameters and BatchNorm running statistics), for
  // keeping the best model. The input scaling is fixed before training and not part of it.
  struct State {
    Tensor values;
    std::vector<Tensor> running;
  };
  State state() const;
  void load_state(const State& s);

 private:
  struct Hidden {
    Linear lin;
    Var gamma, beta;
    Tensor running_mean, running_var;
  };
  ClassifierConfig cfg_;
  int64_t dim_;
  int classes_;
  ParamSet ps_;
  std::vector<Hidden> hidden_;
  Linear out_;
  Tensor in_mean_, in_scale_;  // [dim]: forward's input is (x - in_mean) * in_scale
  uint64_t dropout_offset_ = 0;
};

struct ClassifierRun {
  double best_val_accuracy = -1;  // -1: no validation rows (the last epoch's model is kept)
  int best_epoch = -1;            // 0-based
  int steps = 0;                  // optimizer updates
  std::vector<std::pair<int, double>> val_history;  // (epoch, accuracy) at every validation
  std::vector<double> epoch_loss;                   // mean training loss per epoch
  nlohmann::json to_json() const;
};

// Called after every epoch: (epoch, mean loss, validation accuracy or -1 when not validated).
using ClassifierEpochFn = std::function<void(int, double, double)>;

// Trains `model` (initialised) on `train` with AdamW + OneCycle over config().epochs
// epochs of shuffled batches (inputs standardised with `train`'s statistics when the
// config says so) (a trailing batch of one row is skipped: BatchNorm needs
// two), then loads the weights of the best validation epoch. Deterministic for a seed.
ClassifierRun train_classifier(EmbeddingClassifier& model, const LabeledSet& train, const LabeledSet& val,
                               const ClassifierEpochFn& on_epoch = nullptr);

}  // namespace ws
