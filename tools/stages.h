// The pipeline's stages as `wsnerf demo` and the single commands (synth, fit, train, embed,
// eval-classify, eval-retrieve, plot) share them: each stage is one function doing its
// work from options that a preset or the command line filled in, and one writer per
// output file. A demo's files are therefore exactly what the commands write for the same
// inputs (tests/test_pipeline.cpp compares them byte for byte).
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "data/dataset.h"
#include "data/embeddings.h"
#include "data/nerf_dataset.h"
#include "engine/preset.h"
#include "models/eval/classification.h"
#include "models/eval/figures.h"
#include "models/eval/retrieval.h"
#include "models/eval/tsne.h"
#include "models/fit/fit_dataset.h"
#include "models/train/trainer.h"

namespace ws::cli {

// `j.dump(2)` and a newline, written atomically: how every JSON output of the stages is written.
void write_json_file(const std::string& path, const nlohmann::json& j);

// ---- synth: the dataset folder (data/dataset.h), one line per class on stderr.
DatasetSummary synth_stage(const SynthDatasetOptions& opt);

// ---- fit: the NeRF files (models/fit/fit_dataset.h) and their summary.
constexpr const char* kFitSummaryFile = "fit.json";
void write_fit_summary(const std::string& path, const FitSummary& s);

// ---- train: a run's objective by name: r, rc, c, or "untrained" (the encoder with its
// initial weights, kept without a step: objective c, which validates without rendering
// teacher targets, and 0 epochs). `what` names the option in errors.
void set_run_objective(TrainConfig& cfg, const std::string& name, const std::string& what);

// ---- embed: `nerfs` through the encoder checkpoint into the embeddings file `out`
// (a progress bar on stderr).
EmbeddingSet embed_stage(const std::string& encoder, const std::vector<NerfEntry>& nerfs, Device d, int batch,
                         const std::string& out);

// ---- eval-classify: the table on the embeddings file `embeddings` (centred by `centring`)
// and the JSON written as classification_file(centring): the table (ClassificationTable::
// to_json) plus the embeddings path, their dimension, the preset's name and the classifier
// settings. `progress`: a bar per classifier on stderr.
struct ClassificationResult {
  ClassificationTable table;
  nlohmann::json json;
};
ClassificationResult classify_stage(const std::string& embeddings, Centring centring, const Preset& preset,
                                    const ClassificationOptions& opt, Device d, bool progress);
// classification.json (centred per architecture) or classification_raw.json (raw).
std::string classification_file(Centring centring);

// ---- eval-retrieve: the report on one split and the JSON written as retrieval_file(centring):
// the report (RetrievalReport::to_json) plus the embeddings path and their dimension.
struct RetrievalResult {
  RetrievalReport report;
  nlohmann::json json;
};
RetrievalResult retrieve_stage(const std::string& embeddings, Centring centring, const std::string& split,
                               const std::vector<int>& ks, Device d);
// retrieval.json (centred per architecture) or retrieval_raw.json (raw).
std::string retrieval_file(Centring centring);

// ---- plot: DIR/tsne.png and DIR/retrieval.png of one split of (centred) embeddings.
struct PlotOptions {
  std::string split = "test";
  int queries = 6, k = 5;  // rows of the retrieval sheet, neighbours per query
  TsneOptions tsne;
};
void plot_stage(const EmbeddingSet& set, const PlotOptions& opt, const ThumbnailFn& thumbnails, const std::string& dir);

}  // namespace ws::cli
