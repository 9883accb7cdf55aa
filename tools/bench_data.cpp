#include "tools/bench_data.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "core/allocator.h"
#include "data/camera.h"
#include "data/dataset.h"
#include "data/nerf_dataset.h"
#include "engine/io.h"
#include "engine/json.h"
#include "engine/preset.h"
#include "models/fit/fit_dataset.h"
#include "models/train/trainer.h"

extern char** environ;

namespace fs = std::filesystem;

namespace ws::bench {

namespace {
using Clock = std::chrono::steady_clock;
// Two architectures: every batch is then 4 MLP + 4 TRI graphs, the same shapes at every
// step and size, so the peak measures the loader rather than which architectures a batch
// happened to draw (with three, the random fourth pair moves the peak by tens of percent).
const std::vector<std::string> kArchs = {"MLP", "TRI"};
constexpr int64_t kValObjects = 4;  // the same few at every size: validation is not what grows

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// One object (16 px views) with NeRFs of kArchs fitted briefly at the tiny preset's settings.
ObjectRef make_base(const std::string& root, Device d) {
  SynthDatasetOptions so;
  so.out = root;
  so.classes = {"chair"};
  so.per_class = 3;  // the fewest a split of 1 val and 1 test object allows
  so.size = 16;
  make_synth_dataset(so);
  const std::vector<ObjectRef> one = {read_splits(root).train.at(0)};
  FitOptions fo = FitOptions::from_preset(load_preset("tiny"));
  fo.steps = 60;  // a NeRF's content does not matter here, its size and format do
  fo.family_steps.clear();
  std::vector<ArchSpec> archs;
  for (const std::string& a : kArchs) archs.push_back(find_arch(a));
  FitRunOptions run;
  run.device = d;
  run.progress = false;
  run_fit_jobs(make_fit_jobs(root, (fs::path(root) / "nerfs").string(), archs, one), fo, run);
  return one[0];
}

void hard_link(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  fs::create_hard_link(from, to, ec);
  WS_CHECK(!ec, "bench data: cannot link ", from.string(), " as ", to.string(), ": ", ec.message());
}

// DATA with `objects` objects (kValObjects of them val, the rest train), each a set of hard
// links to the base object: its NeRFs, transforms_train.json and first view (all that
// training reads of an object). One NeRF per architecture behind every id: how many samples
// a NeRF's rays take moves the step's peak memory, and it should not differ between sizes.
void make_linked_dataset(const std::string& base_root, const ObjectRef& b, const std::string& root, int64_t objects) {
  std::string train, val;
  for (int64_t k = 0; k < objects; ++k) {
    const ObjectRef o{b.cls, "s" + std::to_string(k)};
    const fs::path from = object_dir(base_root, b.cls, b.id), to = object_dir(root, o.cls, o.id);
    const Transforms t = read_transforms((from / "transforms_train.json").string());
    const std::string view = t.frames.at(0).file_path + ".png";
    fs::create_directories((to / view).parent_path());
    hard_link(from / "transforms_train.json", to / "transforms_train.json");
    hard_link(from / view, to / view);
    for (const std::string& a : kArchs) {
      const fs::path nerf = nerf_path((fs::path(root) / "nerfs").string(), a, o.key());
      if (k == 0) fs::create_directories(nerf.parent_path());
      hard_link(nerf_path((fs::path(base_root) / "nerfs").string(), a, b.key()), nerf);
    }
    (k < kValObjects ? val : train) += o.key() + "\n";
  }
  write_file_atomic((fs::path(root) / "splits" / "train.txt").string(), train);
  write_file_atomic((fs::path(root) / "splits" / "val.txt").string(), val);
  write_file_atomic((fs::path(root) / "splits" / "test.txt").string(), "");
}

// Runs `exe args` with stdout and stderr into files; its peak resident set (MB) from wait4.
double run_child(const std::string& exe, const std::vector<std::string>& args, const std::string& out,
                 const std::string& log) {
  std::vector<char*> argv = {const_cast<char*>(exe.c_str())};
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&fa, 2, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = 0;
  const int err = posix_spawn(&pid, exe.c_str(), &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  WS_CHECK(err == 0, "bench data: cannot run ", exe, ": ", std::strerror(err));
  int status = 0;
  struct rusage ru {};
  WS_CHECK(wait4(pid, &status, 0, &ru) == pid, "bench data: wait4 failed: ", std::strerror(errno));
  WS_CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "bench data: the case ", args.back(), " failed (",
           WIFEXITED(status) ? str_cat("exit ", WEXITSTATUS(status)) : str_cat("signal ", WTERMSIG(status)),
           "); its output is in ", log);
  return double(ru.ru_maxrss) / 1024.0;  // KiB on Linux
}
}  // namespace

int data_case(const std::string& data, const std::string& run, const std::string& loader, int steps, Device d) {
  TrainConfig cfg = TrainConfig::from_preset(load_preset("tiny"));
  cfg.data = data;
  cfg.archs = kArchs;
  cfg.device = d.str();
  cfg.loader = parse_loader_mode(loader, "bench data-case: loader");
  cfg.epochs = steps;  // enough epochs for `steps` steps on the smallest dataset
  cfg.max_steps = steps;
  cfg.checkpoint_every = int64_t(1) << 40;  // one checkpoint, when it stops
  TrainSummary s = train(cfg, run);
  const MemoryStats m = Allocator::of(d).stats();
  nlohmann::json j = {{"steps", s.steps_this_run},
                      {"step_seconds", s.step_seconds},
                      {"seconds", s.seconds},
                      {"tensor_peak_mb", double(m.peak_in_use) / (1 << 20)},
                      {"tensor_cached_mb", double(m.cached) / (1 << 20)}};
  std::printf("%s\n", j.dump().c_str());
  return 0;
}

nlohmann::json data_suite(const std::string& exe, Device d, const std::vector<int64_t>& sizes, int steps) {
  WS_CHECK(!sizes.empty() && steps >= 2, "bench data: give sizes and at least 2 steps (the first is not timed)");
  const fs::path dir = fs::temp_directory_path() / str_cat("wsnerf-bench-data-", getpid());
  fs::remove_all(dir);
  fs::create_directories(dir);
  auto t0 = Clock::now();
  std::fprintf(stderr, "bench data: fitting the base NeRFs in %s\n", dir.c_str());
  const std::string base_root = (dir / "base").string();
  const ObjectRef base = make_base(base_root, d);
  nlohmann::json out = {{"steps", steps}, {"base_seconds", seconds_since(t0)}, {"preset", "tiny"}};
  nlohmann::json cases = nlohmann::json::array();
  int64_t smallest = sizes[0];
  for (int64_t n : sizes) smallest = std::min(smallest, n);
  std::vector<std::pair<std::string, int64_t>> plan = {{"memory", smallest}};
  for (int64_t n : sizes) plan.push_back({"stream", n});
  for (const auto& [loader, n] : plan) {
    const int64_t objects = std::max<int64_t>((n + int64_t(kArchs.size()) - 1) / int64_t(kArchs.size()), kValObjects + 2);
    const fs::path data = dir / str_cat("data-", loader, "-", n), run = dir / str_cat("run-", loader, "-", n);
    std::fprintf(stderr, "bench data: %s loader, %lld NeRF files\n", loader.c_str(),
                 (long long)(objects * int64_t(kArchs.size())));
    auto tl = Clock::now();
    make_linked_dataset(base_root, base, data.string(), objects);
    const double link_seconds = seconds_since(tl);
    // One training run of the case in a child process: its peak RSS, steps/s and tensor peak.
    auto run_case = [&](const std::string& name) {
      const std::string stem = (dir / str_cat("case-", loader, "-", n, name)).string();
      const double rss = run_child(exe,
                                   {"bench", "data-case", "--device", d.str(), data.string(),
                                    (run.string() + name), loader, std::to_string(steps)},
                                   stem + ".json", stem + ".log");
      const nlohmann::json r = parse_json(read_file(stem + ".json"), stem + ".json");
      const int64_t done = json_field<int64_t>(r, "steps", stem + ".json");
      const double step_seconds = json_field<double>(r, "step_seconds", stem + ".json");
      WS_CHECK(done == steps, "bench data: the case ", stem, " took ", done, " steps, not ", steps);
      return nlohmann::json{{"peak_rss_mb", rss},
                            {"tensor_peak_mb", json_field<double>(r, "tensor_peak_mb", stem + ".json")},
                            {"steps_per_second", step_seconds > 0 ? double(done - 1) / step_seconds : 0.0}};
    };
    auto tc = Clock::now();
    nlohmann::json c = {{"loader", loader},
                        {"nerf_files", objects * int64_t(kArchs.size())},
                        {"train_objects", objects - kValObjects},
                        {"steps", steps},
                        {"link_seconds", link_seconds}};
    if (loader == "stream") {
      // First with no teacher cache (each pool rendered in the loading thread: a run's first
      // epoch), then the same steps again reading the caches the first run wrote (every
      // later epoch). The second is the steady state, which the memory loader is in from its
      // first step (its pools are rendered before it).
      c["cold"] = run_case("-cold");
      c.update(run_case(""));
    } else {
      c.update(run_case(""));
    }
    c["child_seconds"] = seconds_since(tc);
    cases.push_back(c);
    fs::remove_all(data);  // before the next, larger one: the disk holds one at a time
  }
  out["cases"] = cases;
  // The targets: peak RSS from the smallest to the largest streamed dataset, and streaming's
  // speed against the memory loader's at the smallest.
  int64_t largest = sizes[0];
  for (int64_t n : sizes) largest = std::max(largest, n);
  auto stream_at = [&](int64_t n) -> const nlohmann::json& {
    return cases[size_t(std::find(sizes.begin(), sizes.end(), n) - sizes.begin()) + 1];
  };
  const nlohmann::json &memory = cases[0], &first = stream_at(smallest), &last = stream_at(largest);
  auto growth = [](const nlohmann::json& from, const nlohmann::json& to) {
    return to["peak_rss_mb"].get<double>() / from["peak_rss_mb"].get<double>() - 1.0;
  };
  auto speed = [&](const nlohmann::json& c) {
    return c["steps_per_second"].get<double>() / std::max(memory["steps_per_second"].get<double>(), 1e-12);
  };
  out["rss_growth"] = growth(first, last);
  out["rss_growth_cold"] = growth(first["cold"], last["cold"]);
  out["stream_vs_memory_speed"] = speed(first);
  out["stream_vs_memory_speed_cold"] = speed(first["cold"]);
  out["seconds"] = seconds_since(t0);
  fs::remove_all(dir);
  return out;
}

}  // namespace ws::bench
