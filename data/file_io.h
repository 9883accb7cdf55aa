// File helpers for the data writers. PRIVATE to data/ and meant to be replaced by
// engine/io.h (write_file_atomic / read_file) once that lands; kept in its own namespace
// so the two never collide.
#pragma once
#include <string>
#include <vector>

namespace ws::data_io {

// Writes `bytes` to a temporary file beside `path`, then renames it over `path`, so a
// reader (or a resumed run) never sees a half-written file. Creates missing folders.
void write_file_atomic(const std::string& path, const void* bytes, size_t size);
inline void write_file_atomic(const std::string& path, const std::string& text) {
  write_file_atomic(path, text.data(), text.size());
}

// The whole file; throws ws::Error naming the path when it cannot be read.
std::vector<unsigned char> read_file(const std::string& path);

}  // namespace ws::data_io
