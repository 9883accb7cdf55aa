#include "tools/stages.h"

#include <cstdio>
#include <memory>

#include "engine/io.h"
#include "engine/progress.h"
#include "models/eval/eval_sets.h"
#include "models/gmn/embed.h"

namespace ws::cli {

void write_json_file(const std::string& path, const nlohmann::json& j) { write_file_atomic(path, j.dump(2) + "\n"); }

DatasetSummary synth_stage(const SynthDatasetOptions& opt) {
  return make_synth_dataset(opt, [](const std::string& line) {
    std::fprintf(stderr, "%s\n", line.c_str());
    std::fflush(stderr);
  });
}

void write_fit_summary(const std::string& path, const FitSummary& s) { write_json_file(path, s.to_json()); }

void set_run_objective(TrainConfig& cfg, const std::string& name, const std::string& what) {
  if (name == "untrained") {
    cfg.objective = Objective::Contrastive;
    cfg.epochs = 0;
    return;
  }
  cfg.objective = parse_objective(name, what + " (r, rc, c or untrained)");
}

EmbeddingSet embed_stage(const std::string& encoder, const std::vector<NerfEntry>& nerfs, Device d, int batch,
                         const std::string& out) {
  Progress bar(int64_t(nerfs.size()), "embed");
  EmbeddingSet set = embed_nerfs(encoder, nerfs, d, batch, [&](int64_t done, int64_t) { bar.update(done); });
  bar.finish();
  save_embeddings(out, set);
  return set;
}

namespace {
// A progress bar per classifier, noting the loss and the best validation accuracy so far.
ClassifierProgressFn classifier_bars(const ClassifierConfig& cfg) {
  const int epochs = cfg.epochs;
  return [epochs](const std::string& name, int i, int n) -> ClassifierEpochFn {
    auto bar = std::make_shared<Progress>(epochs, str_cat("classify ", name, " (", i + 1, "/", n, ")"));
    auto best = std::make_shared<double>(-1);
    return [bar, best, epochs](int epoch, double loss, double val) {
      if (val > *best) *best = val;
      char note[96];
      std::snprintf(note, sizeof note, "loss %.4f  best val %.1f%%", loss, *best < 0 ? 0.0 : 100 * *best);
      bar->update(epoch + 1, note);
      if (epoch + 1 == epochs) bar->finish(note);
    };
  };
}
}  // namespace

ClassificationResult classify_stage(const std::string& embeddings, Centring centring, const Preset& preset,
                                    const ClassificationOptions& opt, Device d, bool progress) {
  EmbeddingSet set = load_embeddings(embeddings);
  apply_centring(set, centring);
  const ClassifierConfig cfg = ClassifierConfig::from_preset(preset);
  ClassificationResult r;
  r.table = classification_table(set, cfg, d, progress ? classifier_bars(cfg) : nullptr, opt);
  r.json = r.table.to_json();
  r.json["embeddings"] = embeddings;
  r.json["dim"] = set.dim();
  r.json["preset"] = preset.name;
  r.json["classify"] = cfg.to_json();
  return r;
}

std::string classification_file(Centring centring) {
  return centring == Centring::None ? "classification_raw.json" : "classification.json";
}

RetrievalResult retrieve_stage(const std::string& embeddings, Centring centring, const std::string& split,
                               const std::vector<int>& ks, Device d) {
  EmbeddingSet set = load_embeddings(embeddings);
  apply_centring(set, centring);
  RetrievalResult r;
  r.report = retrieval_report(set, split, ks, d);
  r.json = r.report.to_json();
  r.json["embeddings"] = embeddings;
  r.json["dim"] = set.dim();
  return r;
}

std::string retrieval_file(Centring centring) {
  return centring == Centring::None ? "retrieval_raw.json" : "retrieval.json";
}

void plot_stage(const EmbeddingSet& set, const PlotOptions& opt, const ThumbnailFn& thumbnails, const std::string& dir) {
  {
    Progress bar(opt.tsne.iterations, "t-SNE");
    Image img = tsne_figure(set, opt.split, opt.tsne, [&](int it, double kl) {
      char note[48];
      std::snprintf(note, sizeof note, "KL %.4f", kl);
      bar.update(it, note);
    });
    bar.finish();
    save_png(dir + "/tsne.png", img);
  }
  save_png(dir + "/retrieval.png", retrieval_figure(set, retrieval_examples(set, opt.split, opt.queries, opt.k), thumbnails));
}

}  // namespace ws::cli
