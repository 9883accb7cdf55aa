// Fitting B NeRFs of one architecture together (docs/design.md §4.5, nerfacc's recipe): one
// FieldBatch, one Adam over its slab (eps 1e-15, LR x gamma at the milestones), a sample
// budget per NeRF per step with each NeRF's ray count adapted to fill it, a random
// background colour per ray with the ground truth composited on it, smooth-L1 per NeRF
// summed over the NeRFs (so a NeRF's gradient does not depend on B), and an occupancy
// grid updated every few steps. Only the training views are read while fitting; the
// held-out views (i % 6 == 0) are read afterwards to measure each NeRF's PSNR.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "models/fit/fit_options.h"
#include "models/fit/object_views.h"
#include "models/nerf/nerf_file.h"

namespace ws {

struct FitObject {
  std::string cls, id;  // identity stored in the NeRF file
  std::string dir;      // the object folder (transforms_train.json + views)
  std::string key() const { return cls + "/" + id; }
};

// After each step: the step just done (0-based) and the batch's mean training loss.
using FitStepFn = std::function<void(int step, float loss)>;

// Fits one NeRF per object (all in one batch, however many) and evaluates them on the
// held-out views. Returns complete NeRF files (occupancy grid of opt.occupancy_res, and
// metadata object, class, render_step, psnr_heldout, fit_steps).
std::vector<NerfFile> fit_nerfs(const ArchSpec& arch, const std::vector<FitObject>& objects, const FitOptions& opt,
                                Device d = Device::cpu(), const FitStepFn& on_step = nullptr);

// The fitting loop alone on views already loaded (the training views of each NeRF):
// the fitted fields and their occupancy bits U8 [B, occupancy_bytes(opt.occupancy_res)].
struct FittedBatch {
  FieldBatch field;
  Tensor occupancy;
};
FittedBatch fit_field_batch(const ArchSpec& arch, const std::vector<const ObjectViews*>& views,
                            const std::vector<uint64_t>& nerf_seeds, const FitOptions& opt, Device d,
                            const FitStepFn& on_step = nullptr);

// PSNR (dB) of NeRF b of f on the given views, both sides composited on white, over all
// pixels and channels of all views together.
std::vector<float> heldout_psnr(const FieldBatch& f, const Tensor& occupancy, int res, float step,
                                const std::vector<const ObjectViews*>& views);

// The fitting loss of B NeRFs: smooth-L1 (beta 1) of color [R,3] against target [R,3],
// the rays in runs of rays_per_nerf[b] (sum = R) per NeRF: the SUM over NeRFs of each
// NeRF's mean, so a NeRF's gradient does not shrink as B grows.
Var fit_loss(const Var& color, const Tensor& target, const std::vector<int64_t>& rays_per_nerf);

// Seed of one NeRF: a function of the fit seed, the architecture and the object only, so a
// NeRF's initialisation and pixel choices do not depend on the batch it lands in.
uint64_t nerf_seed(uint64_t seed, const std::string& arch, const std::string& object_key);

}  // namespace ws
