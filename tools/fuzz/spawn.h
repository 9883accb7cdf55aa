// Runs a command in its own process group with a wall-clock limit: a hang is killed
// whole (wsnerf's OpenMP threads and any child with it), never waited on.
#pragma once
#include <string>
#include <vector>

namespace ws::fuzz {

struct Finished {
  bool timed_out = false;
  int exit_code = -1;  // when it exited
  int signal = 0;      // when a signal ended it
  double seconds = 0;
  std::string err;     // its stderr (stdout is discarded)
};

// argv[0] is the program; stderr goes to `err_file` then is read back, stdout to `out_file`.
Finished run_with_timeout(const std::vector<std::string>& argv, double timeout_s, const std::string& err_file,
                          const std::string& out_file = "/dev/null");

}  // namespace ws::fuzz
