// One fuzz input: the files it writes into its own folder, the wsnerf command that reads
// them, and what a correct outcome looks like (docs: README "Input validation").
#pragma once
#include <string>
#include <vector>

namespace ws::fuzz {

struct Case {
  std::string format;  // "nerf", "preset", "cli", ... (the summary counts per format)
  std::string name;    // what was done to the input ("truncated at 17 of 2312 bytes")
  std::string dir;     // the case's own folder; everything it writes lives there
  std::vector<std::string> argv;  // without the binary; absolute paths
  // A clear error names one of these (the damaged file's name, the option).
  std::vector<std::string> names;
  // Non-empty: a well-formed input (a control, or damage the format tolerates) that must
  // succeed; the reason says why it is legitimately accepted.
  std::string accept_reason;
  double timeout_s = 20;
};

enum class Outcome { clear, accepted, crash, hang, silent, unclear, refused, leftover };
const char* outcome_name(Outcome o);

}  // namespace ws::fuzz
