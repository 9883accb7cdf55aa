#include "tools/bench.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

#include "engine/trace.h"

namespace ws::bench {

Timing time_it(const std::function<void()>& f, Device d, int min_reps, double min_seconds, int max_reps) {
  f();
  device_synchronize(d);
  std::vector<double> ms;
  auto start = std::chrono::steady_clock::now();
  while (int(ms.size()) < max_reps) {
    auto t0 = std::chrono::steady_clock::now();
    f();
    device_synchronize(d);
    auto t1 = std::chrono::steady_clock::now();
    ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
    double total = std::chrono::duration<double>(t1 - start).count();
    if (int(ms.size()) >= min_reps && total >= min_seconds) break;
  }
  std::vector<double> sorted = ms;
  std::sort(sorted.begin(), sorted.end());
  return {sorted[sorted.size() / 2], sorted.front(), int(ms.size())};
}

nlohmann::json to_json(const Timing& t) {
  auto r = [](double v) { return double(int64_t(v * 100 + 0.5)) / 100; };
  return {{"median_ms", r(t.median_ms)}, {"min_ms", r(t.min_ms)}, {"reps", t.reps}};
}

nlohmann::json profile_it(const std::function<void()>& f, Device d, int runs) {
  f();  // warm-up outside the profile
  device_synchronize(d);
  profile_start(d);
  auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < runs; ++i) f();
  device_synchronize(d);
  const double step_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count() / runs;
  Profile p = profile_stop();
  auto r = [](double v) { return double(int64_t(v * 100 + 0.5)) / 100; };
  nlohmann::json phases = nlohmann::json::array(), ops = nlohmann::json::array();
  for (bool phase : {true, false}) {
    // phases by their whole time (what a step spends where), ops by their own time
    std::fprintf(stderr, "%-34s %8s %10s %10s %6s\n", phase ? "phase (per step)" : "op or range (per step)", "calls",
                 "self ms", "total ms", phase ? "total%" : "self%");
    for (const ProfileRow& row : p.rows) {
      if (row.phase != phase) continue;
      const double self = row.self_ms / runs, total = row.total_ms / runs, pct = 100 * (phase ? total : self) / step_ms;
      (phase ? phases : ops).push_back({{"name", row.name}, {"calls", double(row.calls) / runs}, {"self_ms", r(self)},
                                        {"total_ms", r(total)}, {phase ? "total_pct" : "self_pct", r(pct)}});
      std::fprintf(stderr, "%-34s %8.1f %10.2f %10.2f %6.1f\n", row.name.c_str(), double(row.calls) / runs, self,
                   total, pct);
    }
  }
  const double untraced = step_ms - p.traced_ms / runs;
  std::fprintf(stderr, "%-34s %8s %10.2f %10s %6.1f\n%-34s %8s %10.2f\n", "(outside any range)", "", untraced, "",
               100 * untraced / step_ms, "step", "", step_ms);
  return {{"runs", runs}, {"step_ms", r(step_ms)}, {"untraced_ms", r(untraced)}, {"phases", phases}, {"ops", ops}};
}

}  // namespace ws::bench
