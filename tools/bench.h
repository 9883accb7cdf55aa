// Benchmark helpers: timing by repetition (median of several runs, after a warm-up),
// results collected as JSON for `wsnerf bench`.
#pragma once
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "engine/device.h"

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

// Suites: each returns its results as one JSON object.
nlohmann::json engine_suite(Device d, bool quick);
// Encoder forward + backward + AdamW at a preset of the torch reference (tiny, cpu, paper).
nlohmann::json gmn_suite(Device d, const std::string& preset);
// One full training step (encoder + decoder + losses + AdamW) at a torch reference preset.
nlohmann::json step_suite(Device d, const std::string& preset);

}  // namespace ws::bench
