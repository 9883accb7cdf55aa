// wsnerf demo: the whole pipeline on the built-in procedural dataset — synth objects ->
// fit NeRFs (training architectures on every object, the unseen ones on the test
// objects) -> train the encoder -> embed -> classification and retrieval tables ->
// pictures -> report.md. Every stage skips what a previous run finished.
#include <chrono>
#include <cstdio>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "engine/json.h"

#include "data/dataset.h"
#include "data/nerf_dataset.h"
#include "engine/io.h"
#include "engine/preset.h"
#include "engine/progress.h"
#include "models/eval/classification.h"
#include "models/eval/eval_sets.h"
#include "models/eval/figures.h"
#include "models/eval/retrieval.h"
#include "models/fit/fit_dataset.h"
#include "models/gmn/embed.h"
#include "models/train/trainer.h"
#include "tools/cli.h"
#include "tools/commands.h"
#include "tools/demo_report.h"

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
             {"--out", "DIR", "output folder", "demo-out"},
             {"--objectives", "O,..",
              "training objectives to run and compare (r, rc, c; untrained = the encoder before training)",
              "rc,untrained"},
             kDeviceOption});
  if (!args.parse(argc, argv)) return 0;
  auto t_start = Clock::now();
  Preset preset = load_preset(args.str("--preset"));
  std::vector<std::string> objectives = split_list(args.str("--objectives"));
  WS_CHECK(!objectives.empty(), "wsnerf demo: no objectives");
  // Run names: an objective, or "untrained" (the encoder before training, a baseline).
  for (const std::string& o : objectives)
    if (o != "untrained") parse_objective(o, "wsnerf demo: --objectives (r, rc, c or untrained)");
  Device d = parse_device(args.str("--device"));
  fs::path out(args.str("--out")), data = out / "data";
  make_dirs(out.string());
  Stages stages(out / "timings.json");

  // ---- 1. objects and views
  say("1/5 dataset: procedural objects and their views");
  auto t0 = Clock::now();
  SynthDatasetOptions so = synth_options_from_preset(preset);
  so.out = data.string();
  DatasetSummary ds = make_synth_dataset(so, [](const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); });
  stages.record("dataset", t0, ds.rendered > 0);
  Splits splits = read_splits(data.string());
  nlohmann::json data_j = {{"classes", so.classes.empty() ? 13 : int(so.classes.size())}, {"train", splits.train.size()},
                           {"val", splits.val.size()}, {"test", splits.test.size()}, {"image_size", so.size}};
  write_file_atomic((out / "data.json").string(), data_j.dump(2) + "\n");

  // ---- 2. NeRFs
  say("2/5 NeRFs: fitting every architecture the preset asks for");
  t0 = Clock::now();
  FitRunOptions fro;
  fro.device = d;
  FitSummary fs_ = fit_dataset(data.string(), preset, "", fro);
  std::fprintf(stderr, "%s", fs_.table().c_str());
  if (fs_.fitted > 0 || !fs::exists(out / "fit.json")) {
    nlohmann::json archs = nlohmann::json::array();
    for (const ArchFitStats& a : fs_.archs)
      archs.push_back({{"arch", a.arch}, {"nerfs", a.nerfs}, {"mean_psnr", a.mean_psnr()},
                       {"min_psnr", a.psnr_count ? a.psnr_min : 0.0}, {"nerfs_per_minute", a.nerfs_per_minute(fs_.workers)},
                       {"seconds", a.seconds}});
    nlohmann::json fj = {{"total", fs_.total}, {"fitted", fs_.fitted}, {"skipped", fs_.skipped},
                         {"seconds", fs_.seconds}, {"archs", archs}};
    write_file_atomic((out / "fit.json").string(), fj.dump(2) + "\n");
  }
  stages.record("fit", t0, fs_.fitted > 0);

  std::vector<std::string> train_archs = preset.get<std::vector<std::string>>("fit", "archs"),
                           unseen = preset.get_or<std::vector<std::string>>("fit", "unseen_archs", {});
  std::vector<NerfEntry> to_embed = list_nerfs(data.string(), train_archs, {"train", "val", "test"}, true);
  for (const NerfEntry& e : list_nerfs(data.string(), unseen, {"test"}, true)) to_embed.push_back(e);

  for (size_t oi = 0; oi < objectives.size(); ++oi) {
    const std::string& obj = objectives[oi];
    fs::path run = out / "runs" / obj;
    // ---- 3. representation learning
    say(str_cat("3/5 training the encoder (objective ", obj, ")"));
    t0 = Clock::now();
    TrainConfig tc = TrainConfig::from_preset(preset);
    tc.data = data.string();
    // The baseline: the initial encoder (the same for every objective at one seed), kept
    // without a step; objective c validates it without rendering teacher targets.
    tc.objective = obj == "untrained" ? Objective::Contrastive : parse_objective(obj, "--objectives");
    if (obj == "untrained") tc.epochs = 0;
    tc.device = args.str("--device");
    const bool had_best = fs::exists(run / "best.safetensors");
    TrainSummary ts = train(tc, run.string());
    if (ts.interrupted) return 130;
    stages.record("train " + obj, t0, ts.steps_this_run > 0 || !had_best);

    // ---- 4. embeddings and the evaluations
    say(str_cat("4/5 embeddings and evaluations (objective ", obj, ")"));
    t0 = Clock::now();
    fs::path emb = run / "embeddings.safetensors";
    bool work = false;
    if (!newer(emb, run / "best.safetensors")) {
      Progress bar(int64_t(to_embed.size()), "embed");
      EmbeddingSet set = embed_nerfs((run / "best.safetensors").string(), to_embed, d, 8,
                                     [&](int64_t done, int64_t) { bar.update(done); });
      bar.finish();
      save_embeddings(emb.string(), set);
      work = true;
    }
    // The tables and pictures use centred embeddings (eval_sets.h); retrieval_raw.json keeps
    // the paper's raw protocol beside them.
    const EmbeddingSet raw = load_embeddings(emb.string());
    EmbeddingSet set = raw;
    apply_centring(set, Centring::Arch);
    // Classifiers once per seed of classify.seeds (mean +- sd), centred and raw.
    const ClassificationOptions copt = ClassificationOptions::from_preset(preset);
    for (const auto& [name, embeddings] : {std::pair<const char*, const EmbeddingSet*>{"classification.json", &set},
                                           {"classification_raw.json", &raw}}) {
      if (newer(run / name, emb)) continue;
      ClassificationTable t = classification_table(*embeddings, ClassifierConfig::from_preset(preset), d, nullptr, copt);
      std::fprintf(stderr, "%s", format_classification_table(t).c_str());
      write_file_atomic((run / name).string(), t.to_json().dump(2) + "\n");
      work = true;
    }
    if (!newer(run / "retrieval.json", emb)) {
      RetrievalReport r = retrieval_report(set, "test");
      std::fprintf(stderr, "%s", format_retrieval_report(r).c_str());
      write_file_atomic((run / "retrieval.json").string(), r.to_json().dump(2) + "\n");
      work = true;
    }
    if (!newer(run / "retrieval_raw.json", emb)) {
      write_file_atomic((run / "retrieval_raw.json").string(), retrieval_report(raw, "test").to_json().dump(2) + "\n");
      work = true;
    }
    stages.record("embed+evaluate " + obj, t0, work);

    // ---- 5. pictures
    say(str_cat("5/5 pictures (objective ", obj, ")"));
    t0 = Clock::now();
    work = false;
    if (!newer(run / "tsne.png", emb)) {
      save_png((run / "tsne.png").string(), tsne_figure(set, "test"));
      save_png((run / "retrieval.png").string(),
               retrieval_figure(set, retrieval_examples(set, "test", 4, 5), nerf_render_thumbnails(set)));
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
