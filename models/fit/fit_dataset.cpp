#include "models/fit/fit_dataset.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <omp.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <memory>
#include <mutex>
#include <set>

#include "data/dataset.h"
#include "data/nerf_dataset.h"
#include "engine/io.h"
#include "engine/progress.h"
#include "kernels/launch.h"

namespace ws {

namespace fs = std::filesystem;

std::vector<FitJob> make_fit_jobs(const std::string& data_root, const std::string& out_root,
                                  const std::vector<ArchSpec>& archs, const std::vector<ObjectRef>& objects) {
  std::vector<FitJob> jobs;
  for (const ArchSpec& a : archs)
    for (const ObjectRef& o : objects)
      jobs.push_back({a, {o.cls, o.id, object_dir(data_root, o.cls, o.id)}, nerf_path(out_root, a.name, o.key())});
  return jobs;
}

std::vector<FitJob> preset_fit_jobs(const std::string& data_root, const std::string& out_root, const FitOptions& opt) {
  Splits s = read_splits(data_root);
  std::vector<ObjectRef> all = s.train;
  all.insert(all.end(), s.val.begin(), s.val.end());
  all.insert(all.end(), s.test.begin(), s.test.end());
  std::vector<ArchSpec> train, unseen;
  for (const std::string& a : opt.archs) train.push_back(find_arch(a));
  for (const std::string& a : opt.unseen_archs) unseen.push_back(find_arch(a));
  std::vector<FitJob> jobs = make_fit_jobs(data_root, out_root, train, all);
  std::vector<FitJob> more = make_fit_jobs(data_root, out_root, unseen, s.test);
  jobs.insert(jobs.end(), more.begin(), more.end());
  return jobs;
}

std::vector<NerfEntry> preset_nerfs(const std::string& data_root, const FitOptions& opt, const std::string& nerfs_dir) {
  std::vector<NerfEntry> out = list_nerfs(data_root, opt.archs, {"train", "val", "test"}, true, nerfs_dir);
  for (const NerfEntry& e : list_nerfs(data_root, opt.unseen_archs, {"test"}, true, nerfs_dir)) out.push_back(e);
  return out;
}

nlohmann::json FitSummary::to_json() const {
  nlohmann::json archs_j = nlohmann::json::array();
  for (const ArchFitStats& a : archs)
    archs_j.push_back({{"arch", a.arch}, {"nerfs", a.nerfs}, {"mean_psnr", a.mean_psnr()},
                       {"min_psnr", a.psnr_count ? a.psnr_min : 0.0}, {"nerfs_per_minute", a.nerfs_per_minute(workers)},
                       {"seconds", a.seconds}});
  return {{"total", total}, {"fitted", fitted}, {"skipped", skipped}, {"workers", workers},
          {"seconds", seconds}, {"archs", archs_j}};
}

std::string FitSummary::table() const {
  std::string s = str_cat("fit: ", total, " NeRFs (", fitted, " fitted, ", skipped, " found) in ",
                          format_duration(seconds), " with ", workers, " worker", workers > 1 ? "s" : "", "\n");
  char line[160];
  std::snprintf(line, sizeof line, "  %-10s %6s %6s %12s %10s %9s\n", "arch", "nerfs", "fitted", "NeRFs/min",
                "mean PSNR", "min PSNR");
  s += line;
  for (const ArchFitStats& a : archs) {
    std::snprintf(line, sizeof line, "  %-10s %6d %6d %12.1f %10.2f %9.2f\n", a.arch.c_str(), a.nerfs, a.fitted,
                  a.nerfs_per_minute(workers), a.mean_psnr(), a.psnr_count ? a.psnr_min : 0.0);
    s += line;
  }
  return s;
}

namespace {
using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

ArchFitStats& stats_for(FitSummary& s, const std::string& arch) {
  for (ArchFitStats& a : s.archs)
    if (a.arch == arch) return a;
  s.archs.push_back(ArchFitStats{arch});
  return s.archs.back();
}

// A NeRF file's held-out PSNR, NaN when it has none.
double heldout_psnr(const Metadata& stats) {
  auto it = stats.find("psnr_heldout");
  return it == stats.end() ? NAN : std::strtod(it->second.c_str(), nullptr);
}

void add_psnr(ArchFitStats& a, double v) {
  if (std::isnan(v)) return;
  a.psnr_sum += v;
  a.psnr_count++;
  a.psnr_min = std::min(a.psnr_min, v);
}
}  // namespace

FitSummary run_fit_jobs(const std::vector<FitJob>& jobs, const FitOptions& opt, const FitRunOptions& run) {
  opt.validate("fit");
  std::set<std::string> out_dirs;  // temporaries of a killed run would otherwise stay forever
  for (const FitJob& j : jobs) out_dirs.insert(fs::path(j.out).parent_path().string());
  for (const std::string& dir : out_dirs) remove_stale_temporaries(dir);
  const auto t0 = Clock::now();
  FitSummary sum;
  sum.total = int(jobs.size());
  std::vector<const FitJob*> pending;
  // Summed in job order at the end, so the summary does not depend on which worker finished first.
  std::vector<double> psnr_of_job(jobs.size(), NAN);
  for (const FitJob& j : jobs) {
    ArchFitStats& a = stats_for(sum, j.arch.name);  // every architecture's entry exists from here on
    a.nerfs++;
    if (!fs::exists(j.out)) {
      pending.push_back(&j);
      continue;
    }
    sum.skipped++;
    // A file that exists was written whole (atomic writes); one that does not load is
    // someone else's, and is reported rather than overwritten.
    try {
      psnr_of_job[size_t(&j - jobs.data())] = heldout_psnr(load_nerf(j.out).stats);
    } catch (const Error& e) {
      fail(str_cat(e.what(), " (delete the file to fit this NeRF again)"));
    }
  }
  // Batches: up to opt.batch consecutive pending jobs of one architecture.
  std::vector<std::pair<size_t, size_t>> batches;
  for (size_t i = 0; i < pending.size();) {
    size_t end = i;
    while (end < pending.size() && int(end - i) < opt.batch && pending[end]->arch.name == pending[i]->arch.name &&
           pending[end]->arch.same_shape(pending[i]->arch))
      ++end;
    batches.push_back({i, end});
    i = end;
  }

  std::unique_ptr<Progress> bar;
  if (run.progress && !pending.empty()) bar = std::make_unique<Progress>(int64_t(pending.size()), "fit");
  std::mutex mu;  // guards sum, bar, done, note, error
  int64_t done = 0;
  std::string note, error;
  std::atomic<size_t> next{0};
  auto fit_batch = [&](size_t k) {
    const auto tb = Clock::now();
    const ArchSpec& arch = pending[batches[k].first]->arch;
    std::vector<FitObject> objects;
    for (size_t i = batches[k].first; i < batches[k].second; ++i) objects.push_back(pending[i]->object);
    auto on_step = [&](int step, float) {
      const int steps = opt.steps_for(arch.family);
      if (!bar || (step % 25 != 0 && step + 1 != steps)) return;
      std::lock_guard<std::mutex> lock(mu);
      bar->update(done, str_cat(arch.name, " step ", step + 1, "/", steps, "  ", note));
    };
    std::vector<NerfFile> files = fit_nerfs(arch, objects, opt, run.device, on_step);
    double psnr = 0.0;
    for (size_t i = 0; i < files.size(); ++i) {
      save_nerf(pending[batches[k].first + i]->out, files[i]);
      psnr += std::strtod(files[i].stats["psnr_heldout"].c_str(), nullptr);
    }
    std::lock_guard<std::mutex> lock(mu);
    ArchFitStats& a = stats_for(sum, arch.name);
    for (size_t i = 0; i < files.size(); ++i)
      psnr_of_job[size_t(pending[batches[k].first + i] - jobs.data())] = heldout_psnr(files[i].stats);
    a.fitted += int(files.size());
    a.seconds += seconds_since(tb);
    sum.fitted += int(files.size());
    done += int64_t(files.size());
    char text[96];
    std::snprintf(text, sizeof text, "(last %s PSNR %.2f)", arch.name.c_str(), psnr / double(files.size()));
    note = text;
    if (bar) bar->update(done, note);
  };
  // Workers take whole batches. On the CPU one worker per thread, each running its
  // kernels single-threaded: independent NeRF batches need no barriers between the
  // cores, which small per-NeRF kernels otherwise spend most of their time in.
  auto work = [&] {
    for (size_t k; (k = next++) < batches.size();) {
      try {
        fit_batch(k);
      } catch (const std::exception& e) {
        std::lock_guard<std::mutex> lock(mu);
        if (error.empty()) error = e.what();
        next = batches.size();  // the other workers stop after their current batch
      }
    }
  };
  int workers = run.workers > 0 ? run.workers : (run.device.is_cpu() ? max_threads() : 1);
  workers = int(std::min<size_t>(size_t(std::max(workers, 1)), std::max<size_t>(batches.size(), 1)));
  sum.workers = workers;
  if (workers > 1) {
    const int levels = omp_get_max_active_levels();
    omp_set_max_active_levels(1);  // kernels inside a worker run on its thread alone
#pragma omp parallel num_threads(workers)
    work();
    omp_set_max_active_levels(levels);
  } else {
    work();
  }
  WS_CHECK(error.empty(), error);
  if (bar) bar->finish(note);
  for (size_t i = 0; i < jobs.size(); ++i) add_psnr(stats_for(sum, jobs[i].arch.name), psnr_of_job[i]);
  sum.seconds = seconds_since(t0);
  return sum;
}

FitSummary fit_dataset(const std::string& data_root, const Preset& preset, const std::string& out_root,
                       const FitRunOptions& run) {
  FitOptions opt = FitOptions::from_preset(preset);
  const std::string out = out_root.empty() ? (fs::path(data_root) / "nerfs").string() : out_root;
  return run_fit_jobs(preset_fit_jobs(data_root, out, opt), opt, run);
}

}  // namespace ws
