// wsnerf fit: NeRFs of any architecture fitted to the objects of a dataset.
#include <cstdio>
#include <filesystem>

#include "data/dataset.h"
#include "models/fit/fit_dataset.h"
#include "tools/cli.h"
#include "tools/commands.h"
#include "tools/stages.h"

namespace ws::cli {

namespace {
std::vector<ObjectRef> parse_objects(const std::string& list) {
  std::vector<ObjectRef> out;
  for (const std::string& s : split_list(list)) {
    size_t slash = s.find('/');
    WS_CHECK(slash != std::string::npos && slash > 0 && slash + 1 < s.size(), "--objects: expected class/id, got '",
             s, "'");
    out.push_back({s.substr(0, slash), s.substr(slash + 1)});
  }
  WS_CHECK(!out.empty(), "--objects: no objects given");
  return out;
}

std::vector<ObjectRef> split_objects(const std::string& root, const std::string& list) {
  Splits s = read_splits(root);
  std::vector<ObjectRef> out;
  for (const std::string& name : split_list(list)) {
    const std::vector<ObjectRef>* v = name == "train" ? &s.train : name == "val" ? &s.val : name == "test" ? &s.test
                                                                                                           : nullptr;
    WS_CHECK(v, "--split: unknown split '", name, "' (train, val, test)");
    out.insert(out.end(), v->begin(), v->end());
  }
  return out;
}
}  // namespace

int cmd_fit(int argc, char** argv) {
  Args args("fit",
            "Fits one NeRF per (architecture, object) to the object views of a dataset (nerfacc's recipe, the\n"
            "preset's fit section) and writes OUT/<ARCH>/<class>/<id>.safetensors. Views i % 6 == 0 are held out:\n"
            "never fitted, rendered afterwards for the PSNR stored in each file (psnr_heldout). Existing files\n"
            "are skipped, so an interrupted run resumes. Without --archs: the preset's training architectures on\n"
            "every split and its unseen architectures on the test split.",
            {{"--data", "DIR", "dataset folder (objects/, splits/)", "", true},
             {"--archs", "A,B,...", "architectures (built-in names or JSON spec files); default: the preset's"},
             {"--split", "S,...", "splits to fit with --archs: train,val,test", "train,val,test"},
             {"--objects", "class/id,...", "these objects instead of --split"},
             {"--preset", "NAME|FILE", "tiny, cpu, paper or a JSON file", "cpu"},
             kSetOption,
             {"--out", "DIR", "output folder (default DATA/nerfs)"},
             kDeviceOption,
             kPrecisionOption,
             {"--workers", "N", "batches fitted at once (default: one per OpenMP thread on the CPU, 1 on a GPU)"},
             {"--summary", "FILE", "also write the summary (counts, held-out PSNR and throughput per architecture) "
                                   "as JSON, the demo's fit.json"},
             {"--quiet", "", "no progress bar"}});
  if (!args.parse(argc, argv)) return 0;
  apply_precision(args);
  const int workers = args.has("--workers") ? args.i32("--workers", 1) : 0;  // checked before any work
  const std::string data = args.str("--data");
  WS_CHECK(std::filesystem::is_directory(data), data, ": no such dataset folder");
  Preset preset = load_preset_of(args);
  FitOptions opt = FitOptions::from_preset(preset);
  const std::string out = args.has("--out") ? args.str("--out") : (std::filesystem::path(data) / "nerfs").string();
  WS_CHECK(!(args.has("--objects") && args.has("--split")), "give --split or --objects, not both");

  std::vector<FitJob> jobs;
  if (args.has("--archs") || args.has("--objects") || args.has("--split")) {
    std::vector<ArchSpec> archs;
    for (const std::string& a : args.has("--archs") ? split_list(args.str("--archs")) : opt.archs)
      archs.push_back(find_arch(a));
    std::vector<ObjectRef> objects =
        args.has("--objects") ? parse_objects(args.str("--objects")) : split_objects(data, args.str("--split"));
    jobs = make_fit_jobs(data, out, archs, objects);
  } else {
    jobs = preset_fit_jobs(data, out, opt);
  }
  // Every object folder must be there before hours of fitting start.
  for (const FitJob& j : jobs)
    WS_CHECK(std::filesystem::exists(std::filesystem::path(j.object.dir) / "transforms_train.json"),
             (std::filesystem::path(j.object.dir) / "transforms_train.json").string(), ": missing (object ",
             j.object.key(), ")");

  FitRunOptions run;
  run.device = parse_device(args.str("--device"));
  run.progress = !args.flag("--quiet");
  if (workers > 0) run.workers = workers;
  std::fprintf(stderr, "fit: %zu NeRFs, preset %s (%d steps, %lld samples/step, batch %d) on %s -> %s\n", jobs.size(),
               preset.name.c_str(), opt.steps, (long long)opt.samples_per_step, opt.batch, run.device.str().c_str(),
               out.c_str());
  FitSummary s = run_fit_jobs(jobs, opt, run);
  if (args.has("--summary")) write_fit_summary(args.str("--summary"), s);
  std::printf("%s", s.table().c_str());
  return 0;
}

}  // namespace ws::cli
