// Benchmark helpers: timing by repetition (median of several runs, after a warm-up),
// results collected as JSON for `wsnerf bench`.
#pragma once
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "core/device.h"
#include "models/gmn/encoder.h"
#include "models/graph/graph_batch.h"

namespace ws::bench {

struct Timing {
  double median_ms = 0, min_ms = 0;
  int reps = 0;
};

// Runs f once to warm up, then at least `min_reps` times and until `min_seconds` have
// passed (at most `max_reps`); device work is synchronised after each run.
Timing time_it(const std::function<void()>& f, Device d, int min_reps = 3, double min_seconds = 0.5,
               int max_reps = 50);

nlohmann::json to_json(const Timing& t);

// Runs f `runs` times with the profile on (engine/trace.h) and returns, per run, the
// time of each range (tools/profile_report.h; the same tables go to stderr).
nlohmann::json profile_it(const std::function<void()>& f, Device d, int runs);

// The torch reference's batch: `pairs` cross-architecture pairs (MLP/TRI, TRI/HASH,
// MLP/HASH, MLP/TRI, ...) of paper-architecture graphs with N(0, 0.1^2) edge values.
GraphBatch reference_batch(Device d, int pairs);
// The encoder widths of a torch reference preset (tiny, cpu, paper).
GmnConfig gmn_preset(const std::string& preset);

// Suites: each returns its results as one JSON object.
nlohmann::json engine_suite(Device d, bool quick);
// Encoder forward + backward + AdamW at a preset of the torch reference (tiny, cpu, paper).
// `profile`: add profile_it's table of one extra pass as "profile".
nlohmann::json gmn_suite(Device d, const std::string& preset, bool profile);
// One full training step (encoder + decoder + losses + AdamW) at a torch reference preset.
nlohmann::json step_suite(Device d, const std::string& preset, bool profile);

}  // namespace ws::bench
