// Fitting the NeRFs of a dataset (docs/design.md §9.3): nerfs/<ARCH>/<class>/<id>.safetensors,
// one file per NeRF written atomically. Files that exist are skipped, so an interrupted
// run resumes where it stopped. Behind `wsnerf fit` and the demo.
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "data/dataset.h"
#include "data/nerf_dataset.h"
#include "core/device.h"
#include "engine/preset.h"
#include "models/fit/fit_options.h"
#include "models/fit/fitter.h"

namespace ws {

struct FitJob {
  ArchSpec arch;
  FitObject object;
  std::string out;  // the NeRF file to write
};

// One job per (arch, object) in that order, objects of a dataset root.
std::vector<FitJob> make_fit_jobs(const std::string& data_root, const std::string& out_root,
                                  const std::vector<ArchSpec>& archs, const std::vector<ObjectRef>& objects);
// What a preset's data/fit sections ask for: fit.archs on every split, fit.unseen_archs on
// the test split (splits from <data_root>/splits).
std::vector<FitJob> preset_fit_jobs(const std::string& data_root, const std::string& out_root, const FitOptions& opt);
// The NeRFs those jobs write, as embedding inputs: opt.archs on every split, then
// opt.unseen_archs on the test split (each in list_nerfs order). Every file must exist.
// nerfs_dir defaults to DATA/nerfs.
std::vector<NerfEntry> preset_nerfs(const std::string& data_root, const FitOptions& opt,
                                    const std::string& nerfs_dir = "");

struct ArchFitStats {
  std::string arch;
  int nerfs = 0;             // fitted now + found on disk
  int fitted = 0;            // fitted now
  double psnr_sum = 0.0;     // over the NeRFs with a psnr_heldout
  int psnr_count = 0;
  double psnr_min = 1e30;
  double seconds = 0.0;      // worker time spent on its batches (loading, fitting, evaluating, writing)
  double mean_psnr() const { return psnr_count ? psnr_sum / psnr_count : 0.0; }
  // Throughput with every worker busy on this architecture.
  double nerfs_per_minute(int workers) const { return seconds > 0 ? 60.0 * fitted * workers / seconds : 0.0; }
};

struct FitSummary {
  int total = 0, fitted = 0, skipped = 0;
  int workers = 1;       // batches fitted at once
  double seconds = 0.0;  // wall clock
  std::vector<ArchFitStats> archs;  // in job order
  std::string table() const;        // one line per architecture, for logs and the README
  // fit.json: the counts, and per architecture NeRFs, held-out PSNR (mean, min) and
  // throughput. Timing fields: seconds, archs[].seconds, archs[].nerfs_per_minute.
  nlohmann::json to_json() const;
};

struct FitRunOptions {
  Device device = Device::cpu();
  bool progress = true;  // a progress bar on stderr
  int workers = 0;       // batches fitted at once: 0 = one per OpenMP thread on the CPU, 1 on a GPU
};

// Runs the jobs in batches of opt.batch NeRFs of one architecture, skipping existing files.
FitSummary run_fit_jobs(const std::vector<FitJob>& jobs, const FitOptions& opt, const FitRunOptions& run = {});

// The demo's entry point: every NeRF the preset asks for, under out_root (empty = <data_root>/nerfs).
FitSummary fit_dataset(const std::string& data_root, const Preset& preset, const std::string& out_root = "",
                       const FitRunOptions& run = {});

}  // namespace ws
