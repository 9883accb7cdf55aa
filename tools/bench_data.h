// `wsnerf bench data`: peak memory and speed of training as the dataset grows
// (docs/design.md §7.7). Synthetic datasets of N NeRF files are hard links of one fitted
// NeRF per architecture (MLP and TRI) under new ids (no disk cost); each case trains a few
// steps at tiny widths in a child process, whose peak RSS (wait4) and steps per second are
// reported as JSON.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/device.h"

namespace ws::bench {

// The streaming loader at every size, the memory loader at the smallest; `exe` is this
// binary (re-run as `bench data-case` for each case). Work happens in a temporary folder,
// removed at the end.
nlohmann::json data_suite(const std::string& exe, Device d, const std::vector<int64_t>& sizes, int steps);

// One case, inside the child: trains `steps` steps of the tiny preset on data with the
// loader, into run; prints {"steps", "step_seconds", "seconds"} on stdout.
int data_case(const std::string& data, const std::string& run, const std::string& loader, int steps, Device d);

}  // namespace ws::bench
