// Whole-file I/O. Writers never leave a half-written file behind: they write a
// temporary file beside the target, fsync it and rename it over the target.
#pragma once
#include <string>

namespace ws {

// The file's bytes; a ws::Error naming the file (and the system's reason) otherwise.
std::string read_file(const std::string& path);
// Writes `bytes` to `path.tmp.<pid>` in the same folder (created if missing), fsyncs,
// then renames it to path.
void write_file_atomic(const std::string& path, const std::string& bytes);
// Creates a folder and its parents (no-op when it exists).
void make_dirs(const std::string& path);

}  // namespace ws
