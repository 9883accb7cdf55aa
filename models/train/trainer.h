// Representation learning (`wsnerf train`, docs/design.md §7): the GMN encoder trained with
// the rendering loss through the decoder (objective r), plus the SigLIP loss across
// architectures (rc, weight from the preset), or SigLIP alone (c).
//
// A run directory holds:
//   config.json            the resolved configuration (a resumed run must match it)
//   log.jsonl              one JSON line per epoch (losses, validation metric, lr, time,
//                          SigLIP's t and bias when the objective has SigLIP, and the
//                          probes of the val embeddings, models/eval/probes.h), plus a
//                          "probe" line at step 0 and every probe_every steps
//   best.safetensors       the encoder with the best validation metric (what `embed` takes)
//   checkpoint/            a link to ckpt-<epoch>-<batch>/, the last checkpoint, switched by
//                          one rename when a new one is complete (run_checkpoint.h):
//     last.safetensors       the encoder after the last completed step saved
//     last_heads.safetensors decoder + SigLIP temperature/bias
//     last_optim_*.safetensors, state.json   optimizer moments, epoch/batch/step, best metric
// Every random draw depends on (seed, epoch) or (seed, step) only, so a run interrupted
// (Ctrl-C saves and exits) and resumed gives the same parameters as one that was not.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/preset.h"
#include "models/decoder/decoder.h"
#include "models/gmn/encoder.h"
#include "models/train/nerf_loader.h"
#include "models/train/objective.h"
#include "models/train/render_loss.h"

namespace ws {

struct TrainConfig {
  std::string data;                 // dataset folder (objects/, splits/, nerfs/)
  std::string nerfs;                // NeRF folder (default DATA/nerfs)
  std::vector<std::string> archs;   // training architectures
  Objective objective = Objective::RenderContrastive;
  GmnConfig encoder;
  DecoderConfig decoder;
  RenderLossConfig render;
  int epochs = 1;
  double lr = 1e-4, weight_decay = 1e-2, warmup = 0.3;
  int pairs_per_batch = 4;
  float contrastive_weight = 0.02f;
  ContrastiveCentring contrastive_centring = ContrastiveCentring::None;  // None: the paper
  // SigLIP's bias starts here (the paper's -10 suits batches of thousands, where negatives
  // outnumber positives; with 4 pairs it leaves the negatives without gradient for
  // hundreds of steps: sigmoid(-10) = 4.5e-5).
  float siglip_init_bias = -10.0f;
  // The decoder's and SigLIP's learning rate as a multiple of the encoder's (ours; 1 is the
  // paper's single rate): at lr 1e-4 the decoder reaches the average object only after
  // ~100 steps and learns little more in a CPU run.
  double head_lr_scale = 1.0;
  std::string decoder_input = "raw";         // "raw" (the paper) or "batch": z centred per architecture
                                             // over the batch and scaled, see trainer.cpp decoder_input
  // Which encoder is the run's result (RUN/best.safetensors): "best", the epoch with the best
  // validation metric (PSNR for r and rc, the SigLIP loss for c), or "last", the final
  // epoch's (ours: the PSNR plateaus within a few epochs while the probes keep improving).
  std::string keep = "best";
  int64_t teacher_pool = 2048;      // cached teacher rays per NeRF
  // Where the NeRFs come from (nerf_loader.h): all loaded before the first step ("memory"),
  // or read from disk a few batches ahead of the step ("stream": memory flat in the dataset's
  // size, teacher rays cached beside each NeRF). The same results either way, so a run may
  // resume with the other one.
  LoaderMode loader = LoaderMode::Memory;
  int64_t checkpoint_every = 200;   // steps between mid-epoch checkpoints
  int64_t probe_every = 0;          // steps between mid-epoch probes (0: at epoch ends only)
  uint64_t seed = 0;
  std::string device = "auto";
  int64_t max_steps = -1;           // stop (saving) after this many steps in this process (tests)

  // From a preset's encoder/decoder/train sections; CLI values override afterwards.
  static TrainConfig from_preset(const Preset& p);
  nlohmann::json to_json() const;
};

struct TrainSummary {
  int64_t epochs_done = 0, steps = 0;  // in the run as a whole
  int64_t steps_this_run = 0;          // taken by this call (0 when it found the run complete)
  double best_metric = 0;
  std::string metric;   // "val_psnr" (r, rc) or "val_siglip" (c)
  bool interrupted = false;
  double seconds = 0;
  // Spent in this call's steps after its first (which also waits for the first batch and
  // warms the allocator), waiting for their NeRFs included: steps_this_run - 1 steps.
  double step_seconds = 0;
};

// What the decoder is conditioned on (train.decoder_input): z [B, D] itself ("raw", the
// paper), or ("batch") each row minus the mean of the batch rows of its architecture
// (archs [B]), scaled to norm sqrt(D). Early on the objects' part of an embedding is
// ~1e-4 of it, so on raw z the decoder learns the average object; centred and scaled, it
// sees the objects. A row alone in its architecture becomes zero.
Var decoder_input(const std::string& mode, const Var& z, const std::vector<std::string>& archs);

// Trains into run_dir, resuming from its last checkpoint when one is there.
TrainSummary train(const TrainConfig& cfg, const std::string& run_dir);

// The lines of run_dir/log.jsonl of one kind: "epoch" (one per finished epoch; lines
// written before kinds existed count as epochs), "probe" (the probes at step 0 and every
// train.probe_every steps), or "" for every line. A line that is not JSON fails naming
// the file.
std::vector<nlohmann::json> read_train_log(const std::string& run_dir, const std::string& kind = "epoch");

}  // namespace ws
