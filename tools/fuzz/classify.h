// What a finished command did with its input: the outcome classes of a fuzz case.
#pragma once
#include <map>
#include <string>

#include "tools/fuzz/fuzz_case.h"
#include "tools/fuzz/spawn.h"

namespace ws::fuzz {

// Every file under a folder with its size and modification time: compared before and
// after a command to find what a failed command left behind.
using Snapshot = std::map<std::string, std::string>;
Snapshot snapshot(const std::string& dir);

struct Verdict {
  Outcome outcome;
  std::string detail;  // for anything but clear/accepted: why (the message, the leftover file)
};

// The classes in order of precedence: crash (a signal, a sanitizer report), hang (the
// timeout), then for an input meant to fail: silent (exit 0), unclear (the message names
// neither the file nor the option, or is a raw library exception), leftover (a file
// created or changed by the failed command); for one meant to succeed: refused.
// A `*.tmp.*` file after any command is leftover.
Verdict classify(const Case& c, const Finished& f, const Snapshot& before, const Snapshot& after);

}  // namespace ws::fuzz
