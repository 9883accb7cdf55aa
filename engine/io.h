// Whole-file I/O. Writers never leave a half-written file behind: they write a
// temporary file beside the target, fsync it and rename it over the target.
#pragma once
#include <cstdint>
#include <string>

namespace ws {

// The file's bytes; a ws::Error naming the file (and the system's reason) otherwise.
std::string read_file(const std::string& path);
// Writes `bytes` to `path.tmp.<pid>` (kTempInfix) in the same folder (created if missing), fsyncs,
// then renames it to path.
void write_file_atomic(const std::string& path, const std::string& bytes);
// How write_file_atomic names its temporary: path + kTempInfix + pid.
inline constexpr const char* kTempInfix = ".tmp.";
// Deletes the temporaries that killed writers left under `dir` (recursively): files named
// <name>.tmp.<pid> whose process no longer runs. Returns how many were removed.
int remove_stale_temporaries(const std::string& dir);
// Renames `from` to `to` (replacing it) in one step, as write_file_atomic does.
void rename_atomic(const std::string& from, const std::string& to);
// Test hook for crash tests: after `n` more successful renames (rename_atomic and
// write_file_atomic), the next one throws instead, as if the process died there; n < 0
// turns it off (the default).
void inject_fault_after_renames(int64_t n);
// Creates a folder and its parents (no-op when it exists).
void make_dirs(const std::string& path);

}  // namespace ws
