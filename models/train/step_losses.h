// The loss values of an epoch's steps, kept on the training device ([steps, 3]: total,
// rendering term, contrastive term) and read to the host only when someone looks at
// them: the progress line when it redraws, a checkpoint, the epoch's log line. A training
// step itself then reads nothing back (tests/test_sync_budget.cpp). Every read checks the
// values it brings back, so a non-finite loss is still reported with its step.
#pragma once
#include <array>
#include <vector>

#include "engine/autograd.h"

namespace ws {

class StepLosses {
 public:
  StepLosses(int64_t steps, Device d);
  // Row i = this step's values (device copies); an undefined term is 0.
  void record(int64_t i, const Var& loss, const Var& render, const Var& contrastive);
  // Rows [begin, end) on the host (one read). `step_of_row0` numbers the steps in errors.
  std::vector<std::array<float, 3>> read(int64_t begin, int64_t end, int64_t step_of_row0) const;

 private:
  Tensor values_;  // F32 [steps, 3]
};

}  // namespace ws
