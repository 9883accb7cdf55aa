#include "models/train/run_checkpoint.h"

#include <filesystem>
#include <vector>

#include "core/error.h"
#include "engine/io.h"

namespace ws {

namespace fs = std::filesystem;

namespace {
constexpr const char* kLink = "checkpoint";
constexpr const char* kNewLink = "checkpoint.new";
constexpr const char* kPrefix = "ckpt-";

// The folder name the link points to, or "" without a link.
std::string link_target(const std::string& run) {
  std::error_code ec;
  fs::path target = fs::read_symlink(fs::path(run) / kLink, ec);
  return ec ? "" : target.filename().string();
}
}  // namespace

std::string begin_checkpoint(const std::string& run, int64_t epoch, int64_t batch) {
  // The same position can be saved again (a run resumed from an edited or older state):
  // then the other of two names, never the current folder.
  fs::path dir = fs::path(run) / str_cat(kPrefix, epoch, "-", batch);
  if (dir.filename().string() == link_target(run)) dir += "-again";
  std::error_code ec;
  fs::remove_all(dir, ec);  // a half-written save of this position from an interrupted run
  make_dirs(dir.string());
  return dir.string();
}

void commit_checkpoint(const std::string& run, const std::string& dir) {
  const fs::path link = fs::path(run) / kLink, fresh = fs::path(run) / kNewLink;
  std::error_code ec;
  fs::remove(fresh, ec);
  fs::create_symlink(fs::path(dir).filename(), fresh, ec);  // relative: the run folder can move
  WS_CHECK(!ec, "checkpoint: cannot create the link ", fresh.string(), ": ", ec.message());
  rename_atomic(fresh.string(), link.string());  // the commit point
  remove_stale_checkpoints(run);
}

std::string current_checkpoint(const std::string& run) {
  const std::string target = link_target(run);
  if (!target.empty()) {
    const fs::path dir = fs::path(run) / target;
    WS_CHECK(fs::is_directory(dir), "checkpoint: ", (fs::path(run) / kLink).string(), " points to ", dir.string(),
             ", which is not a folder");
    return dir.string();
  }
  return fs::exists(fs::path(run) / "state.json") ? run : "";
}

void remove_stale_checkpoints(const std::string& run) {
  std::error_code ec;
  fs::remove(fs::path(run) / kNewLink, ec);
  const std::string keep = link_target(run);
  if (!fs::is_directory(run, ec)) return;
  std::vector<fs::path> stale;  // collected first: no removal while the folder is being listed
  for (const fs::directory_entry& e : fs::directory_iterator(run, ec)) {
    const std::string name = e.path().filename().string();
    if (name.rfind(kPrefix, 0) == 0 && name != keep && e.is_directory(ec)) stale.push_back(e.path());
  }
  for (const fs::path& p : stale) fs::remove_all(p, ec);
}

}  // namespace ws
