#include "tools/profile_report.h"

#include <algorithm>
#include <cstdio>
#include <string>

namespace ws::cli {

nlohmann::json report_profile(const Profile& p, double wall_ms, int runs, const char* per) {
  auto r = [](double v) { return double(int64_t(v * 100 + 0.5)) / 100; };
  const double run_ms = wall_ms / runs;
  // Ranges on several threads at once (fit's workers) add up to more than the wall time:
  // shares are then of the summed time.
  const double traced_ms = p.traced_ms / runs, whole_ms = std::max(run_ms, traced_ms);
  nlohmann::json phases = nlohmann::json::array(), ops = nlohmann::json::array();
  for (bool phase : {true, false}) {
    // phases by their whole time (where a run goes), ops by their own time
    const std::string head = std::string(phase ? "phase" : "op or range") + " (per " + per + ")";
    std::fprintf(stderr, "%-34s %8s %10s %10s %6s%s\n", head.c_str(), "calls", "self ms", "total ms",
                 phase ? "total%" : "self%", phase ? "" : "  GFLOP/s");
    for (const ProfileRow& row : p.rows) {
      if (row.phase != phase) continue;
      const double self = row.self_ms / runs, total = row.total_ms / runs, pct = 100 * (phase ? total : self) / whole_ms;
      nlohmann::json j = {{"name", row.name}, {"calls", double(row.calls) / runs}, {"self_ms", r(self)},
                          {"total_ms", r(total)}, {phase ? "total_pct" : "self_pct", r(pct)}};
      // The rate of the GEMMs an op issues itself: how far its time is from the machine's
      // peak (ops without GEMMs are memory-bound and have none).
      std::string rate;
      if (!phase && row.self_gflop > 0 && self > 0) {
        const double gflops = row.self_gflop / runs / (self * 1e-3);
        j["gflop"] = r(row.self_gflop / runs);
        j["gflops"] = r(gflops);
        rate = "  " + std::to_string(int64_t(gflops + 0.5));
      }
      (phase ? phases : ops).push_back(j);
      std::fprintf(stderr, "%-34s %8.1f %10.2f %10.2f %6.1f%s\n", row.name.c_str(), double(row.calls) / runs, self,
                   total, pct, rate.c_str());
    }
  }
  const double untraced = std::max(0.0, run_ms - traced_ms);
  std::fprintf(stderr, "%-34s %8s %10.2f %10s %6.1f\n%-34s %8s %10.2f\n", "(outside any range)", "", untraced, "",
               100 * untraced / whole_ms, per, "", run_ms);
  if (traced_ms > run_ms)
    std::fprintf(stderr, "(ranges ran on several threads at once: %.2f ms of range time in %.2f ms; shares are of "
                         "the range time)\n", traced_ms, run_ms);
  return {{"runs", runs}, {std::string(per) + "_ms", r(run_ms)}, {"untraced_ms", r(untraced)}, {"range_ms", r(traced_ms)}, {"phases", phases},
          {"ops", ops}};
}

}  // namespace ws::cli
