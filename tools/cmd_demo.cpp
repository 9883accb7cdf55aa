// wsnerf demo: the whole pipeline on the built-in procedural dataset — synth objects ->
// fit NeRFs (training architectures on every object, the unseen ones on the test
// objects) -> train the encoder -> embed -> classification and retrieval tables ->
// pictures -> report.md. Each stage is the function its command calls (tools/stages.h),
// so the files are the commands' own. Every stage skips what a previous run finished.
#include <chrono>
#include <cstdio>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "engine/io.h"
#include "engine/json.h"
#include "engine/preset.h"
#include "models/eval/eval_sets.h"
#include "tools/cli.h"
#include "tools/commands.h"
#include "tools/demo_report.h"
#include "tools/stages.h"

namespace fs = std::filesystem;

namespace ws::cli {

namespace {
using Clock = std::chrono::steady_clock;

struct Stages {
  fs::path file;
  nlohmann::ordered_json t = nlohmann::ordered_json::object();  // stages in pipeline order
  explicit Stages(const fs::path& f) : file(f) {
    if (fs::exists(f)) t = parse_json_or_discarded<nlohmann::ordered_json>(read_file(f.string()));
    if (!t.is_object()) t = nlohmann::ordered_json::object();
  }
  // Records a stage's time unless it only found earlier work (then the first timing stays).
  void record(const std::string& stage, Clock::time_point start, bool did_work) {
    double s = std::chrono::duration<double>(Clock::now() - start).count();
    if (did_work || !t.contains(stage)) t[stage] = std::round(s * 10) / 10;
    write_file_atomic(file.string(), t.dump(2) + "\n");
  }
};

bool newer(const fs::path& a, const fs::path& b) {  // a exists and is newer than b
  return fs::exists(a) && fs::exists(b) && fs::last_write_time(a) >= fs::last_write_time(b);
}

void say(const std::string& s) { std::fprintf(stderr, "\n== %s\n", s.c_str()); }
}  // namespace

int cmd_demo(int argc, char** argv) {
  Args args("demo",
            "The whole pipeline on the procedural dataset: synth -> fit -> train -> embed -> classify,\n"
            "retrieve -> pictures -> OUT/report.md. A second run reuses what is already done.",
            {{"--preset", "P", "tiny or cpu (or paper, or a JSON file)", "cpu"},
             kSetOption,
             {"--out", "DIR", "output folder", "demo-out"},
             {"--objectives", "O,..",
              "training objectives to run and compare (r, rc, c; untrained = the encoder before training)",
              "rc,untrained"},
             kDeviceOption,
             kPrecisionOption});
  if (!args.parse(argc, argv)) return 0;
  apply_precision(args);
  auto t_start = Clock::now();
  Preset preset = load_preset_of(args);
  std::vector<std::string> objectives = split_list(args.str("--objectives"));
  WS_CHECK(!objectives.empty(), "wsnerf demo: no objectives");
  // Run names: an objective, or "untrained" (the encoder before training, a baseline); checked before any work.
  for (const std::string& o : objectives) {
    TrainConfig check;
    set_run_objective(check, o, "wsnerf demo: --objectives");
  }
  Device d = parse_device(args.str("--device"));
  fs::path out(args.str("--out")), data = out / "data";
  make_dirs(out.string());
  Stages stages(out / "timings.json");

  // ---- 1. objects and views
  say("1/5 dataset: procedural objects and their views");
  auto t0 = Clock::now();
  SynthDatasetOptions so = synth_options_from_preset(preset);
  so.out = data.string();
  DatasetSummary ds = synth_stage(so);
  stages.record("dataset", t0, ds.rendered > 0);

  // ---- 2. NeRFs
  say("2/5 NeRFs: fitting every architecture the preset asks for");
  t0 = Clock::now();
  FitRunOptions fro;
  fro.device = d;
  const FitSummary fit = fit_dataset(data.string(), preset, "", fro);
  std::fprintf(stderr, "%s", fit.table().c_str());
  // A run that only found the NeRFs keeps the summary (and throughput) of the run that fitted them.
  if (fit.fitted > 0 || !fs::exists(out / kFitSummaryFile)) write_fit_summary((out / kFitSummaryFile).string(), fit);
  stages.record("fit", t0, fit.fitted > 0);
  const std::vector<NerfEntry> to_embed = preset_nerfs(data.string(), FitOptions::from_preset(preset));

  for (size_t oi = 0; oi < objectives.size(); ++oi) {
    const std::string& obj = objectives[oi];
    fs::path run = out / "runs" / obj;
    // ---- 3. representation learning
    say(str_cat("3/5 training the encoder (objective ", obj, ")"));
    t0 = Clock::now();
    TrainConfig tc = TrainConfig::from_preset(preset);
    tc.data = data.string();
    set_run_objective(tc, obj, "wsnerf demo: --objectives");
    tc.device = args.str("--device");
    const bool had_best = fs::exists(run / "best.safetensors");
    TrainSummary ts = train(tc, run.string());
    if (ts.interrupted) return 130;
    stages.record("train " + obj, t0, ts.steps_this_run > 0 || !had_best);

    // ---- 4. embeddings and the evaluations
    say(str_cat("4/5 embeddings and evaluations (objective ", obj, ")"));
    t0 = Clock::now();
    const std::string emb = (run / "embeddings.safetensors").string();
    bool work = false;
    if (!newer(emb, run / "best.safetensors")) {
      embed_stage((run / "best.safetensors").string(), to_embed, d, 8, emb);
      work = true;
    }
    // The tables and pictures use centred embeddings (eval_sets.h); the *_raw.json files keep
    // the paper's raw protocol beside them. Classifiers once per seed of classify.seeds.
    const ClassificationOptions copt = ClassificationOptions::from_preset(preset);
    for (Centring c : {Centring::Arch, Centring::None}) {
      if (!newer(run / classification_file(c), emb)) {
        ClassificationResult r = classify_stage(emb, c, preset, copt, d, false);
        std::fprintf(stderr, "%s", format_classification_table(r.table).c_str());
        write_json_file((run / classification_file(c)).string(), r.json);
        work = true;
      }
      if (!newer(run / retrieval_file(c), emb)) {
        RetrievalResult r = retrieve_stage(emb, c, "test", {1, 5, 10}, d);
        std::fprintf(stderr, "%s", format_retrieval_report(r.report).c_str());
        write_json_file((run / retrieval_file(c)).string(), r.json);
        work = true;
      }
    }
    stages.record("embed+evaluate " + obj, t0, work);

    // ---- 5. pictures
    say(str_cat("5/5 pictures (objective ", obj, ")"));
    t0 = Clock::now();
    work = false;
    if (!newer(run / "tsne.png", emb)) {
      EmbeddingSet set = load_embeddings(emb);
      apply_centring(set, Centring::Arch);
      plot_stage(set, PlotOptions(), nerf_render_thumbnails(set), run.string());
      work = true;
    }
    stages.record("pictures " + obj, t0, work);
  }
  std::string report = demo_report(out.string(), preset.name, objectives);
  write_file_atomic((out / "report.md").string(), report);
  std::printf("demo finished in %.0f s; report: %s\n",
              std::chrono::duration<double>(Clock::now() - t_start).count(), (out / "report.md").c_str());
  return 0;
}

}  // namespace ws::cli
