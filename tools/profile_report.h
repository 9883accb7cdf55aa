// A profile (engine/trace.h) as a table on stderr and as JSON: phases by their whole
// time, ops and other ranges by their own time, per run.
#pragma once
#include <nlohmann/json.hpp>

#include "engine/trace.h"

namespace ws::cli {

// p was taken over `runs` runs that took wall_ms in all; `per` names one run in the
// table's header ("step", "run"). Returns {"runs", "<per>_ms", "untraced_ms", "range_ms"
// (time in outermost ranges, summed over threads: more than <per>_ms when they overlap), "phases":
// [{name, calls, self_ms, total_ms, total_pct}], "ops": [{..., self_pct}]}, times per run.
nlohmann::json report_profile(const Profile& p, double wall_ms, int runs, const char* per);

}  // namespace ws::cli
