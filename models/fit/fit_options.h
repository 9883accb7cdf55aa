// How NeRFs are fitted (docs/design.md §4.5, nerfacc's recipe): the `fit` section of a preset.
//
//   archs               training architectures: fitted on every split
//   unseen_archs        architectures fitted on the test split only
//   steps               Adam steps per NeRF
//   family_steps        per-family overrides of steps, e.g. {"tri": 600}: families differ
//                       in cost per step and in how fast they converge
//   samples_per_step    sample budget per NeRF per step (the march block S); the ray count
//                       of each NeRF adapts every step to fill it (nerfacc's
//                       target_sample_batch_size)
//   batch               NeRFs of one architecture fitted together in one FieldBatch
//   lr                  Adam learning rate, x lr_gamma at lr_milestones (fractions of steps)
//   lr_milestones       [0.5, 0.75, 0.9]
//   lr_gamma            0.33
//   lr_warmup           steps of a linear LR ramp from 1% (nerfacc's LinearLR; 0 = none)
//   adam_eps            1e-15
//   render_step         marching step (world length), stored in the NeRF file
//   occupancy_res       resolution of the occupancy grid fitted and stored (96 = the
//                       file default; other values are recorded in the file)
//   occupancy_every     grid update every n steps (16)
//   occupancy_warmup    steps during which updates visit every cell (nerfacc: 256)
//   occupancy_decay     EMA decay of the grid values (0.95)
//   occupancy_threshold occupied when value > min(mean, threshold) (0.01)
//   occupancy_hull      true: density outside the visual hull of the training silhouettes
//                       counts as 0 in grid updates (models/fit/visual_hull.h); an
//                       addition to nerfacc's recipe for short CPU fits (default false)
//   init_rays           rays per NeRF at step 0 (then adapted)
//   max_rays            upper bound of the adapted ray count per NeRF
//   seed                initialisation, pixel choice, jitter
//   shared_init         true: every NeRF of one architecture starts from the same weights
//                       (inr2vec/nf2vec practice: fitted weights then differ by what the
//                       objects differ in, not by their random starts); false: one random
//                       start per NeRF (default false)
// Every key but archs/unseen_archs has a default (the values above, paper-sized
// otherwise); unknown keys are errors, so a typo does not go unnoticed.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "engine/preset.h"
#include "models/nerf/arch.h"

namespace ws {

struct FitOptions {
  std::vector<std::string> archs = {"MLP", "TRI", "HASH"};
  std::vector<std::string> unseen_archs;
  int steps = 3000;
  std::map<std::string, int> family_steps;  // "mlp", "tri", "hash" -> steps
  int64_t samples_per_step = 1 << 18;
  int batch = 8;
  float lr = 1e-2f;
  std::vector<double> lr_milestones = {0.5, 0.75, 0.9};
  float lr_gamma = 0.33f;
  int lr_warmup = 0;
  float adam_eps = 1e-15f;
  float render_step = 1.4f * 1.7320508f / 1024.0f;
  int occupancy_res = 96;
  int occupancy_every = 16;
  int occupancy_warmup = 256;
  float occupancy_decay = 0.95f;
  float occupancy_threshold = 0.01f;
  bool occupancy_hull = false;
  int64_t init_rays = 1024;
  int64_t max_rays = 1 << 16;
  uint64_t seed = 0;
  bool shared_init = false;

  int steps_for(Family f) const;  // family_steps, else steps
  // Checks ranges; `where` names the source in errors.
  void validate(const std::string& where) const;
  static FitOptions from_preset(const Preset& p);
};

}  // namespace ws
