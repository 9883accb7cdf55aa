// Learning-rate schedules as functions of the step (0-based: the number of updates done).
#pragma once
#include <cstdint>
#include <vector>

namespace ws {

// torch.optim.lr_scheduler.OneCycleLR with cosine annealing, three_phase=False:
// from max_lr/div_factor up to max_lr at step pct_start*total_steps - 1, then down to
// max_lr/div_factor/final_div_factor at step total_steps - 1.
struct OneCycle {
  double max_lr;
  int64_t total_steps;
  double pct_start = 0.3;
  double div_factor = 25.0;
  double final_div_factor = 1e4;

  double lr(int64_t step) const;  // step in [0, total_steps] (torch accepts total_steps too)
};

// torch.optim.lr_scheduler.MultiStepLR: base_lr * gamma^(number of milestones <= step).
struct MultiStep {
  double base_lr;
  std::vector<int64_t> milestones;
  double gamma = 0.1;

  double lr(int64_t step) const;
};

}  // namespace ws
