#include "engine/io.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/error.h"

namespace ws {

std::string read_file(const std::string& path) {
  // A device or FIFO named as a file (/dev/zero) would be read without end.
  std::error_code ec;
  WS_CHECK(!std::filesystem::exists(path, ec) || std::filesystem::is_regular_file(path, ec), "cannot read '", path,
           "': not a regular file");
  std::ifstream in(path, std::ios::binary);
  WS_CHECK(in, "cannot open '", path, "' for reading: ", std::strerror(errno));
  std::ostringstream ss;
  ss << in.rdbuf();
  WS_CHECK(!in.bad(), "error reading '", path, "'");
  return ss.str();
}

namespace {
std::atomic<int64_t> g_renames_before_fault{-1};

// The injected fault (inject_fault_after_renames): throws when the count runs out.
void maybe_fault(const std::string& to) {
  int64_t left = g_renames_before_fault.load();
  if (left < 0) return;
  if (left == 0) {
    g_renames_before_fault = -1;
    fail(str_cat("injected fault before renaming to '", to, "'"));
  }
  g_renames_before_fault = left - 1;
}
}  // namespace

void inject_fault_after_renames(int64_t n) { g_renames_before_fault = n; }

void rename_atomic(const std::string& from, const std::string& to) {
  maybe_fault(to);
  WS_CHECK(std::rename(from.c_str(), to.c_str()) == 0, "cannot rename '", from, "' to '", to, "': ",
           std::strerror(errno));
}

void write_file_atomic(const std::string& path, const std::string& bytes) {
  make_dirs(std::filesystem::path(path).parent_path().string());  // missing folders are created
  std::string tmp = str_cat(path, kTempInfix, ::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  WS_CHECK(fd >= 0, "cannot create '", tmp, "' (writing '", path, "'): ", std::strerror(errno));
  const char* p = bytes.data();
  size_t left = bytes.size();
  std::string err;
  while (left > 0 && err.empty()) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) err = str_cat("write failed: ", std::strerror(errno));
    else p += n, left -= size_t(n);
  }
  if (err.empty() && ::fsync(fd) != 0) err = str_cat("fsync failed: ", std::strerror(errno));
  if (::close(fd) != 0 && err.empty()) err = str_cat("close failed: ", std::strerror(errno));
  if (err.empty()) maybe_fault(path);  // (a test's crash: the temporary stays, as after a kill)
  if (err.empty() && std::rename(tmp.c_str(), path.c_str()) != 0)
    err = str_cat("rename to the target failed: ", std::strerror(errno));
  if (!err.empty()) {
    ::unlink(tmp.c_str());
    fail(str_cat("cannot write '", path, "': ", err));
  }
}

int remove_stale_temporaries(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return 0;
  int removed = 0;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    const std::string name = it->path().filename().string();
    const size_t at = name.rfind(kTempInfix);
    if (at == std::string::npos || at == 0) continue;
    const std::string pid = name.substr(at + std::strlen(kTempInfix));
    if (pid.empty() || pid.size() > 9 || pid.find_first_not_of("0123456789") != std::string::npos) continue;
    // A live writer's file is left alone: only a process that no longer exists left it behind.
    const pid_t owner = pid_t(std::stol(pid));
    if (owner == ::getpid() || ::kill(owner, 0) == 0 || errno != ESRCH) continue;
    if (fs::remove(it->path(), ec)) ++removed;
  }
  return removed;
}

void make_dirs(const std::string& path) {
  if (path.empty()) return;
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  WS_CHECK(!ec, "cannot create folder '", path, "': ", ec.message());
}

}  // namespace ws
