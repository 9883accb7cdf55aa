#include "data/file_io.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <thread>
#include <unistd.h>

#include "engine/error.h"

namespace ws::data_io {

namespace fs = std::filesystem;

void write_file_atomic(const std::string& path, const void* bytes, size_t size) {
  fs::path target(path);
  if (target.has_parent_path()) {
    std::error_code ec;
    fs::create_directories(target.parent_path(), ec);
    WS_CHECK(!ec, path, ": cannot create folder ", target.parent_path().string(), " (", ec.message(), ")");
  }
  // Unique per process and thread: several views of one object are written concurrently.
  std::string tmp = str_cat(path, ".tmp.", getpid(), ".", std::hash<std::thread::id>()(std::this_thread::get_id()));
  FILE* f = std::fopen(tmp.c_str(), "wb");
  WS_CHECK(f, tmp, ": cannot open for writing (", std::strerror(errno), ")");
  bool ok = size == 0 || std::fwrite(bytes, 1, size, f) == size;
  ok = (std::fclose(f) == 0) && ok;
  if (ok && std::rename(tmp.c_str(), path.c_str()) == 0) return;
  int err = errno;
  std::remove(tmp.c_str());
  fail(str_cat(path, ": write failed (", std::strerror(err), ")"));
}

std::vector<unsigned char> read_file(const std::string& path) {
  FILE* f = std::fopen(path.c_str(), "rb");
  WS_CHECK(f, path, ": cannot open (", std::strerror(errno), ")");
  std::vector<unsigned char> out;
  unsigned char buf[1 << 16];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.insert(out.end(), buf, buf + n);
  bool failed = std::ferror(f);
  std::fclose(f);
  WS_CHECK(!failed, path, ": read error");
  return out;
}

}  // namespace ws::data_io
