#include "models/train/learning_curves.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <map>
#include <set>

#include "models/train/trainer.h"

namespace ws {

namespace {

using nlohmann::json;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double number(const json& j, const std::string& key) {
  return j.contains(key) && j[key].is_number() ? j[key].get<double>() : kNaN;
}

struct RunLog {
  std::string name;
  std::vector<json> epochs;  // epoch lines
  std::vector<json> probes;  // every line with probes, by step
  std::vector<std::string> archs;
};

// The runs' legend names: the fewest trailing path components that tell each run from the
// others ("A/s0/run" and "B/s0/run", not "run" twice); the folder name when that suffices.
std::vector<std::string> run_labels(const std::vector<std::string>& runs) {
  std::vector<std::vector<std::string>> parts;  // each run's path components, root dropped
  size_t longest = 1;
  for (const std::string& run : runs) {
    std::vector<std::string> p;
    for (const auto& c : std::filesystem::path(run).lexically_normal().relative_path())
      if (!c.empty()) p.push_back(c.string());  // a trailing slash gives an empty one
    if (p.empty()) p.push_back(run);
    longest = std::max(longest, p.size());
    parts.push_back(p);
  }
  for (size_t n = 1;; ++n) {  // each run's last n components
    std::vector<std::string> labels;
    for (const std::vector<std::string>& p : parts) {
      std::string s;
      for (size_t i = p.size() - std::min(n, p.size()); i < p.size(); ++i) s += (s.empty() ? "" : "/") + p[i];
      labels.push_back(s);
    }
    if (n >= longest || std::set<std::string>(labels.begin(), labels.end()).size() == labels.size()) return labels;
  }
}

RunLog read_run(const std::string& run, const std::string& name) {
  RunLog r;
  r.name = name;
  std::vector<json> all = read_train_log(run, "");
  WS_CHECK(!all.empty(), run, "/log.jsonl: no log lines (has the run finished a step?)");
  for (const json& j : all) {
    if (j.value("kind", "epoch") == "epoch") r.epochs.push_back(j);
    if (j.contains("probes") && j["probes"].is_object()) r.probes.push_back(j);
  }
  std::stable_sort(r.probes.begin(), r.probes.end(),
                   [](const json& a, const json& b) { return number(a, "step") < number(b, "step"); });
  for (const json& p : r.probes) {
    const json archs = p["probes"].value("archs", json::array());  // table order
    for (const json& a : archs)
      if (a.is_string() && std::find(r.archs.begin(), r.archs.end(), a.get<std::string>()) == r.archs.end())
        r.archs.push_back(a.get<std::string>());
  }
  return r;
}

// A series over lines: x = their step, y = f(line).
template <class F>
ChartSeries series(const std::string& name, const std::vector<json>& lines, Rgb color, F f, bool dashed = false) {
  ChartSeries s;
  s.name = name;
  s.color = color;
  s.dashed = dashed;
  for (const json& j : lines) {
    s.x.push_back(number(j, "step"));
    s.y.push_back(f(j));
  }
  s.markers = lines.size() <= 40;
  return s;
}

// probes[key][arch] of a line, or NaN (null: no class had two rows).
double per_arch(const json& line, const std::string& key, const std::string& arch) {
  const json& p = line["probes"];
  return p.contains(key) && p[key].contains(arch) && p[key][arch].is_number() ? p[key][arch].get<double>() : kNaN;
}

// The mean over the line's architectures of probes[key] (NaN entries skipped).
double arch_mean(const json& line, const std::string& key) {
  double s = 0;
  int n = 0;
  const json values = line["probes"].value(key, json::object());
  for (const auto& kv : values.items())
    if (kv.value().is_number()) s += kv.value().get<double>(), ++n;
  return n ? s / n : kNaN;
}

}  // namespace

std::vector<Chart> learning_curve_charts(const std::vector<std::string>& run_dirs) {
  WS_CHECK(!run_dirs.empty(), "learning curves: no runs");
  std::vector<RunLog> runs;
  const std::vector<std::string> names = run_labels(run_dirs);
  for (size_t r = 0; r < run_dirs.size(); ++r) runs.push_back(read_run(run_dirs[r], names[r]));
  const bool one = runs.size() == 1;
  const std::string step = "training step";
  Chart loss{"training loss (mean over the epoch)", step, "loss", {}};
  Chart val{"validation", step, "", {}};
  Chart recall{"cross-architecture instance recall@1 (val)", step, "R@1", {}};
  Chart nn{"1-NN class accuracy within an architecture (val)", step, "accuracy", {}};
  Chart raw{"objects' share of the embedding, raw", step, "share", {}};
  Chart cen{"objects' share about the set mean (centred)", step, "share", {}};
  raw.log_y = cen.log_y = loss.log_y = true;  // SigLIP's ~10 beside rendering's ~0.01
  recall.y_min = nn.y_min = 0.0;
  recall.y_max = nn.y_max = 1.0;
  cen.y_max = raw.y_max = 1.0;
  Chart sig{"SigLIP's learned logit scale t and bias b", step, "value", {}};
  for (size_t r = 0; r < runs.size(); ++r) {
    const RunLog& run = runs[r];
    const std::string tag = one ? "" : run.name + " ";
    const Rgb col = palette_color(int(r));
    loss.series.push_back(series(tag + "total", run.epochs, col, [](const json& j) { return number(j, "train_loss"); }));
    if (one) {
      loss.series.push_back(series("rendering", run.epochs, palette_color(1), [](const json& j) { return number(j, "train_render"); }));
      loss.series.push_back(series("SigLIP", run.epochs, palette_color(2), [](const json& j) { return number(j, "train_contrastive"); }));
    }
    const std::string metric = !run.epochs.empty() && run.epochs[0].contains("val_siglip") ? "val_siglip" : "val_psnr";
    val.y_label = metric == "val_psnr" ? "PSNR (dB)" : "SigLIP loss";
    val.series.push_back(series(tag + metric, run.epochs, col, [&](const json& j) { return number(j, metric); }));
    recall.series.push_back(series(tag + "centred", run.probes, col, [](const json& j) { return number(j["probes"], "recall1_centred"); }));
    recall.series.push_back(series(tag + "raw", run.probes, one ? palette_color(1) : col,
                                   [](const json& j) { return number(j["probes"], "recall1_raw"); }, !one));
    if (!run.epochs.empty() && run.epochs.back().contains("siglip_t")) {  // logs from before it lack them
      sig.series.push_back(series(tag + "t", run.epochs, col, [](const json& j) { return number(j, "siglip_t"); }));
      sig.series.push_back(series(tag + "b", run.epochs, one ? palette_color(1) : col,
                                  [](const json& j) { return number(j, "siglip_bias"); }, !one));
    }
    if (one || r + 1 == runs.size())
      recall.series.push_back(series("chance", run.probes, kGrey, [](const json& j) { return number(j["probes"], "recall1_chance"); }, true));
    if (one) {
      for (size_t a = 0; a < run.archs.size(); ++a) {
        const std::string& arch = run.archs[a];
        const Rgb ac = palette_color(int(a));
        nn.series.push_back(series(arch, run.probes, ac, [&](const json& j) { return per_arch(j, "nn_class", arch); }));
        raw.series.push_back(series(arch, run.probes, ac, [&](const json& j) { return per_arch(j, "obj_frac_raw", arch); }));
        cen.series.push_back(series(arch, run.probes, ac, [&](const json& j) { return per_arch(j, "obj_frac_centred", arch); }));
      }
    } else {
      nn.series.push_back(series(run.name, run.probes, col, [](const json& j) { return arch_mean(j, "nn_class"); }));
      raw.series.push_back(series(run.name, run.probes, col, [](const json& j) { return arch_mean(j, "obj_frac_raw"); }));
      cen.series.push_back(series(run.name, run.probes, col, [](const json& j) { return arch_mean(j, "obj_frac_centred"); }));
    }
  }
  std::vector<Chart> charts = {loss, val, recall, nn, raw, cen};
  if (!sig.series.empty()) charts.push_back(sig);
  return charts;
}

Image learning_curves_figure(const std::vector<std::string>& runs) {
  std::string names;
  for (const std::string& r : runs) names += (names.empty() ? "" : ", ") + r;
  return draw_charts(learning_curve_charts(runs), 3, "learning curves: " + names);
}

}  // namespace ws
