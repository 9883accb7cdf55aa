#include "tools/fuzz/classify.h"

#include <filesystem>
#include <system_error>

namespace fs = std::filesystem;

namespace ws::fuzz {

const char* outcome_name(Outcome o) {
  switch (o) {
    case Outcome::clear: return "clear";
    case Outcome::accepted: return "accepted";
    case Outcome::crash: return "crash";
    case Outcome::hang: return "hang";
    case Outcome::silent: return "silent";
    case Outcome::unclear: return "unclear";
    case Outcome::refused: return "refused";
    case Outcome::leftover: return "leftover";
  }
  return "?";
}

Snapshot snapshot(const std::string& dir) {
  Snapshot s;
  std::error_code ec;
  // Links are listed, not followed: a case may link a file to /dev/zero or to a folder.
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const fs::path& p = it->path();
    std::error_code e2;
    const fs::file_status st = fs::symlink_status(p, e2);
    std::string stamp = "other";
    if (fs::is_regular_file(st)) {
      stamp = std::to_string(fs::file_size(p, e2)) + "@" +
              std::to_string(fs::last_write_time(p, e2).time_since_epoch().count());
    } else if (fs::is_directory(st)) {
      stamp = "dir";
    }
    s[fs::relative(p, dir, e2).string()] = stamp;
  }
  return s;
}

namespace {
bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// The last line of a message, cut short: what the summary quotes.
std::string last_line(const std::string& err) {
  std::string s = err;
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  const size_t nl = s.rfind('\n');
  if (nl != std::string::npos) s = s.substr(nl + 1);
  return s.size() > 200 ? s.substr(0, 200) + "..." : s;
}

// A library's own exception text reaching the user: it names no file and no key.
bool raw_library_message(const std::string& err) {
  for (const char* raw : {"[json.exception", "json.exception", "std::bad_alloc", "basic_string", "vector::", "stoi", "stol", "stod",
                          "std::out_of_range", "std::invalid_argument", "filesystem error"})
    if (contains(err, raw)) return true;
  return false;
}

std::string first_temporary(const Snapshot& after) {
  for (const auto& [path, stamp] : after)
    if (contains(fs::path(path).filename().string(), ".tmp.")) return path;
  return "";
}

std::string first_new_or_changed(const Snapshot& before, const Snapshot& after) {
  for (const auto& [path, stamp] : after) {
    if (stamp == "dir") continue;  // an empty folder holds nothing a rerun would trip on
    auto it = before.find(path);
    if (it == before.end()) return path + " (new)";
    if (it->second != stamp) return path + " (changed)";
  }
  return "";
}
}  // namespace

Verdict classify(const Case& c, const Finished& f, const Snapshot& before, const Snapshot& after) {
  if (f.signal != 0) return {Outcome::crash, "killed by signal " + std::to_string(f.signal) + ": " + last_line(f.err)};
  if (contains(f.err, "AddressSanitizer") || contains(f.err, "runtime error:") ||
      contains(f.err, "LeakSanitizer") || contains(f.err, "terminate called"))
    return {Outcome::crash, last_line(f.err)};
  if (f.timed_out) return {Outcome::hang, "no exit after " + std::to_string(int(c.timeout_s)) + " s"};
  const std::string tmp = first_temporary(after);
  if (!tmp.empty()) return {Outcome::leftover, tmp};
  const bool ok = f.exit_code == 0;
  if (!c.accept_reason.empty())
    return ok ? Verdict{Outcome::accepted, ""} : Verdict{Outcome::refused, last_line(f.err)};
  if (ok) return {Outcome::silent, "exit 0"};
  bool named = false;
  for (const std::string& n : c.names) named = named || contains(f.err, n);
  if (!named || raw_library_message(f.err)) return {Outcome::unclear, last_line(f.err)};
  const std::string left = first_new_or_changed(before, after);
  if (!left.empty()) return {Outcome::leftover, left};
  return {Outcome::clear, ""};
}

}  // namespace ws::fuzz
