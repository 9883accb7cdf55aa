#include "engine/schedule.h"

#include <cmath>

#include "core/error.h"

namespace ws {

namespace {
// torch's _annealing_cos: from start (pct 0) to end (pct 1) along half a cosine.
constexpr double kPi = 3.14159265358979323846;
double anneal_cos(double start, double end, double pct) { return end + (start - end) / 2.0 * (std::cos(kPi * pct) + 1.0); }
}  // namespace

double OneCycle::lr(int64_t step) const {
  WS_CHECK(total_steps > 0, "OneCycle: total_steps must be positive, got ", total_steps);
  WS_CHECK(step >= 0 && step <= total_steps, "OneCycle: step ", step, " outside [0, ", total_steps, "]");
  double initial = max_lr / div_factor, final_lr = initial / final_div_factor;
  // Phase ends as torch computes them (floats; the second phase starts where the first ends).
  double warm_end = pct_start * double(total_steps) - 1.0, last = double(total_steps) - 1.0, s = double(step);
  auto pct = [](double s, double begin, double end) {
    return end == begin ? 1.0 : (s - begin) / (end - begin);  // torch divides by zero here; we jump to the end
  };
  if (s <= warm_end) return anneal_cos(initial, max_lr, pct(s, 0.0, warm_end));
  return anneal_cos(max_lr, final_lr, pct(s, warm_end, last));
}

double MultiStep::lr(int64_t step) const {
  int passed = 0;
  for (int64_t m : milestones) passed += m <= step;
  return base_lr * std::pow(gamma, passed);
}

}  // namespace ws
