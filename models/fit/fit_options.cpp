#include "models/fit/fit_options.h"

#include <cmath>
#include <set>

#include "models/nerf/nerf_file.h"

namespace ws {

int FitOptions::steps_for(Family f) const {
  auto it = family_steps.find(family_name(f));
  return it == family_steps.end() ? steps : it->second;
}

void FitOptions::validate(const std::string& where) const {
  WS_CHECK(steps >= 1, where, ": fit.steps must be >= 1, got ", steps);
  for (const auto& kv : family_steps) {
    WS_CHECK(kv.first == "mlp" || kv.first == "tri" || kv.first == "hash", where, ": fit.family_steps: unknown family '",
             kv.first, "' (mlp, tri, hash)");
    WS_CHECK(kv.second >= 1, where, ": fit.family_steps.", kv.first, " must be >= 1, got ", kv.second);
  }
  // Sizes decide allocation: bounded far above the paper's 2^18 samples and batch 8.
  WS_CHECK(samples_per_step >= 64 && samples_per_step <= (int64_t(1) << 26), where,
           ": fit.samples_per_step must be in [64, 2^26], got ", samples_per_step);
  WS_CHECK(batch >= 1 && batch <= 1024, where, ": fit.batch must be in [1, 1024], got ", batch);
  WS_CHECK(std::isfinite(lr) && lr > 0.0f, where, ": fit.lr must be positive, got ", lr);
  for (double m : lr_milestones)
    WS_CHECK(m > 0.0 && m < 1.0, where, ": fit.lr_milestones are fractions of the steps in (0, 1), got ", m);
  WS_CHECK(lr_gamma > 0.0f, where, ": fit.lr_gamma must be positive, got ", lr_gamma);
  WS_CHECK(lr_warmup >= 0, where, ": fit.lr_warmup must be >= 0, got ", lr_warmup);
  WS_CHECK(adam_eps > 0.0f, where, ": fit.adam_eps must be positive, got ", adam_eps);
  WS_CHECK(std::isfinite(render_step) && render_step > kMinRenderStep && render_step < kMaxRenderStep, where,
           ": fit.render_step must be in (", kMinRenderStep, ", ", kMaxRenderStep, "), got ", render_step);
  WS_CHECK(occupancy_res >= 1 && occupancy_res <= 1024, where, ": fit.occupancy_res must be in [1, 1024], got ",
           occupancy_res);
  WS_CHECK(occupancy_every >= 1, where, ": fit.occupancy_every must be >= 1, got ", occupancy_every);
  WS_CHECK(occupancy_warmup >= 0, where, ": fit.occupancy_warmup must be >= 0, got ", occupancy_warmup);
  WS_CHECK(occupancy_decay > 0.0f && occupancy_decay <= 1.0f, where, ": fit.occupancy_decay must be in (0, 1]");
  WS_CHECK(occupancy_threshold >= 0.0f, where, ": fit.occupancy_threshold must be >= 0");
  WS_CHECK(init_rays >= 1 && max_rays >= init_rays && max_rays <= (int64_t(1) << 26), where, ": fit.init_rays (", init_rays,
           ") must be >= 1 and at most fit.max_rays (", max_rays, "), itself at most 2^26");
}

FitOptions FitOptions::from_preset(const Preset& p) {
  p.check_keys("fit", {
      "archs",           "unseen_archs",        "steps",           "family_steps",           "samples_per_step", "batch",
      "lr",              "lr_milestones",       "lr_gamma",        "lr_warmup",        "adam_eps",         "render_step",
      "occupancy_res",   "occupancy_every",     "occupancy_warmup", "occupancy_decay", "occupancy_threshold", "occupancy_hull",
      "init_rays",       "max_rays",            "seed",            "shared_init"});
  FitOptions o;
  o.archs = p.get<std::vector<std::string>>("fit", "archs");
  WS_CHECK(!o.archs.empty(), p.where("fit", "archs"), " is empty: it names the training architectures");
  o.unseen_archs = p.get_or("fit", "unseen_archs", o.unseen_archs);
  o.steps = p.get_or("fit", "steps", o.steps);
  o.family_steps = p.get_or("fit", "family_steps", o.family_steps);
  o.samples_per_step = p.get_or("fit", "samples_per_step", o.samples_per_step);
  o.batch = p.get_or("fit", "batch", o.batch);
  o.lr = p.get_or("fit", "lr", o.lr);
  o.lr_milestones = p.get_or("fit", "lr_milestones", o.lr_milestones);
  o.lr_gamma = p.get_or("fit", "lr_gamma", o.lr_gamma);
  o.lr_warmup = p.get_or("fit", "lr_warmup", o.lr_warmup);
  o.adam_eps = p.get_or("fit", "adam_eps", o.adam_eps);
  o.render_step = p.get_or("fit", "render_step", o.render_step);
  o.occupancy_res = p.get_or("fit", "occupancy_res", o.occupancy_res);
  o.occupancy_every = p.get_or("fit", "occupancy_every", o.occupancy_every);
  o.occupancy_warmup = p.get_or("fit", "occupancy_warmup", o.occupancy_warmup);
  o.occupancy_decay = p.get_or("fit", "occupancy_decay", o.occupancy_decay);
  o.occupancy_threshold = p.get_or("fit", "occupancy_threshold", o.occupancy_threshold);
  o.occupancy_hull = p.get_or("fit", "occupancy_hull", o.occupancy_hull);
  o.init_rays = p.get_or("fit", "init_rays", o.init_rays);
  o.max_rays = p.get_or("fit", "max_rays", o.max_rays);
  o.seed = p.get_or("fit", "seed", o.seed);
  o.shared_init = p.get_or("fit", "shared_init", o.shared_init);
  o.validate("preset " + p.name);
  return o;
}

}  // namespace ws
