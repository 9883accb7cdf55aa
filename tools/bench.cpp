#include "tools/bench.h"

#include <algorithm>
#include <chrono>
#include <vector>

#include "engine/trace.h"
#include "tools/profile_report.h"

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
  return cli::report_profile(profile_stop(), step_ms * runs, runs, "step");
}

}  // namespace ws::bench
