#include "tools/demo_report.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <sstream>

#include <nlohmann/json.hpp>

#include "engine/json.h"

#include "engine/build_info.h"
#include "engine/io.h"
#include "models/eval/classification.h"
#include "models/eval/eval_sets.h"
#include "models/nerf/arch.h"
#include "models/train/trainer.h"

namespace fs = std::filesystem;

namespace ws::cli {

namespace {
nlohmann::ordered_json read_json(const fs::path& p) {
  if (!fs::exists(p)) return nlohmann::ordered_json();
  return parse_json_or_discarded<nlohmann::ordered_json>(read_file(p.string()));
}

std::string pct(double v) {
  std::ostringstream os;
  os.precision(1);
  os << std::fixed << 100.0 * v;
  return os.str();
}

std::string num(double v, int digits = 2) {
  std::ostringstream os;
  os.precision(digits);
  os << std::fixed << v;
  return os.str();
}

// The ALL classifier's accuracy over the training and the unseen test architectures and
// pooled over every test NeRF: per classifier seed, then mean and sd over the seeds.
struct AccuracySummary {
  std::pair<double, double> train{NAN, NAN}, unseen{NAN, NAN}, pooled{NAN, NAN};  // (mean, sd)
  size_t seeds = 0;
};

AccuracySummary all_classifier_accuracy(const nlohmann::ordered_json& cls) {
  AccuracySummary out;
  if (!cls.is_object() || !cls.contains("train_sets") || !cls.contains("test_archs")) return out;
  const std::vector<std::string> sets = cls["train_sets"].get<std::vector<std::string>>(),
                                  archs = cls["test_archs"].get<std::vector<std::string>>();
  const auto all = std::find(sets.begin(), sets.end(), "ALL");
  if (all == sets.end()) return out;
  // Older files have one table under "accuracy" and no per-seed layers.
  std::vector<std::vector<double>> rows;  // per seed: the ALL row
  if (cls.contains("accuracy_per_seed"))
    for (const auto& layer : cls["accuracy_per_seed"]) rows.push_back(layer[size_t(all - sets.begin())].get<std::vector<double>>());
  else {
    std::vector<double> row;
    for (const std::string& a : archs) row.push_back(cls["accuracy"]["ALL"][a].get<double>());
    rows.push_back(row);
  }
  std::vector<double> tr, un, po;
  for (const std::vector<double>& row : rows) {
    double t = 0, u = 0, right = 0, n_rows = 0;
    int nt = 0, nu = 0;
    for (size_t c = 0; c < archs.size(); ++c) {
      if (is_training_arch(archs[c])) t += row[c], ++nt;
      else u += row[c], ++nu;
      const double n = cls["test_rows"].value(archs[c], 0.0);
      right += n * row[c];
      n_rows += n;
    }
    tr.push_back(nt ? t / nt : NAN);
    un.push_back(nu ? u / nu : NAN);
    po.push_back(n_rows > 0 ? right / n_rows : NAN);
  }
  out.train = mean_sd(tr), out.unseen = mean_sd(un), out.pooled = mean_sd(po);
  out.seeds = rows.size();
  return out;
}

// "56.4 +- 4.4" (percent), or "56.4" for one seed.
std::string pct_sd(const std::pair<double, double>& v, size_t seeds) {
  return seeds > 1 ? pct(v.first) + " ± " + pct(v.second) : pct(v.first);
}

// Recall at `key` ("R@10") of ALL/ALL, and its mean over ordered pairs of distinct architectures.
std::pair<double, double> pair_recall(const nlohmann::ordered_json& ret, const char* key, const char* which = "recall") {
  double all = NAN, sum = 0;
  int n = 0;
  if (!ret.is_object() || !ret.contains("pairs")) return {NAN, NAN};
  for (const auto& p : ret["pairs"]) {
    double r = p[which].value(key, NAN);
    if (p["query"] == "ALL") all = r;
    else sum += r, ++n;
  }
  return {all, n ? sum / n : NAN};
}

void classification_section(std::ostringstream& md, const nlohmann::ordered_json& cls) {
  std::vector<std::string> cols = cls["test_archs"].get<std::vector<std::string>>();
  const size_t seeds = cls.contains("seeds") ? cls["seeds"].size() : 1;
  md << "| classifier trained on |";
  for (const auto& c : cols) md << " " << c << " |";
  md << "\n|---|";
  for (size_t i = 0; i < cols.size(); ++i) md << "---:|";
  md << "\n";
  for (const auto& row : cls["train_sets"]) {
    const std::string r = row.get<std::string>();
    md << "| " << r << " |";
    for (const auto& c : cols) {
      const double sd = seeds > 1 ? cls["accuracy_sd"][r][c].get<double>() : 0.0;
      md << " " << pct_sd({cls["accuracy"][r][c].get<double>(), sd}, seeds) << " |";
    }
    md << "\n";
  }
  const double n_test = cls["test_rows"].value(cols.empty() ? "" : cols[0], 0.0), chance = 1.0 / double(std::max<size_t>(1, cls["classes"].size()));
  md << "\nTest accuracy in percent (" << cls["classes"].size() << " classes: chance " << pct(chance) << "%), "
     << centring_label(parse_centring(cls.value("centring", "none"), "classification.json: centring"));
  if (seeds > 1) md << "; mean ± sd over " << seeds << " classifier seeds";
  if (n_test > 0) md << ". A cell holds " << n_test << " test NeRFs: one object moves it " << pct(1.0 / n_test) << " points";
  md << ".\n\n";
}

void retrieval_section(std::ostringstream& md, const nlohmann::ordered_json& ret) {
  md << "| query | gallery | R@1 | R@5 | R@10 | chance R@1 | chance R@5 | chance R@10 |\n"
        "|---|---|---:|---:|---:|---:|---:|---:|\n";
  for (const auto& p : ret["pairs"]) {
    md << "| " << p["query"].get<std::string>() << " | " << p["gallery"].get<std::string>() << " |";
    for (const char* k : {"R@1", "R@5", "R@10"}) md << " " << pct(p["recall"].value(k, NAN)) << " |";
    for (const char* k : {"R@1", "R@5", "R@10"}) md << " " << pct(p["random"].value(k, NAN)) << " |";
    md << "\n";
  }
  md << "\nInstance-level recall in percent on the test split (a hit: the same object in the top k), "
     << centring_label(parse_centring(ret.value("centring", "none"), "retrieval.json: centring")) << "; chance: the expected recall of a random ranking.\n\n";
}

// Mean recall@1/5/10 over the ordered pairs of distinct architectures, as "a / b / c"
// (of the embeddings, or of the chance level).
std::string mean_cross_recall(const nlohmann::ordered_json& ret, const char* which = "recall") {
  std::string out;
  for (const char* k : {"R@1", "R@5", "R@10"}) out += (out.empty() ? "" : " / ") + pct(pair_recall(ret, k, which).second);
  return out;
}
}  // namespace

std::string demo_report(const std::string& out, const std::string& preset, const std::vector<std::string>& objectives) {
  fs::path root(out);
  std::ostringstream md;
  md << "# wsnerf demo report\n\nPreset `" << preset << "`. Built: `" << build_summary() << "`.\n\n";
  nlohmann::ordered_json timings = read_json(root / "timings.json");
  if (timings.is_object()) {
    md << "## Timings\n\n| stage | seconds |\n|---|---:|\n";
    double total = 0;
    for (auto& [stage, s] : timings.items()) {
      md << "| " << stage << " | " << num(s.get<double>(), 1) << " |\n";
      total += s.get<double>();
    }
    md << "| total | " << num(total, 1) << " |\n\n(Stages found done by a previous run keep their first timing.)\n\n";
  }
  nlohmann::ordered_json data = read_json(root / "data.json");
  if (data.is_object())
    md << "## Dataset\n\n" << data.value("classes", 0) << " classes, " << data.value("train", 0) << " / "
       << data.value("val", 0) << " / " << data.value("test", 0) << " objects (train / val / test), 36 views of "
       << data.value("image_size", 0) << " px each (`" << (root / "data").string() << "`).\n\n";
  nlohmann::ordered_json fit = read_json(root / "fit.json");
  if (fit.is_object() && fit.contains("archs")) {
    md << "## NeRFs\n\nTraining architectures on every object, the unseen ones on the test objects; held-out "
          "PSNR over the 6 views never used for fitting (white background).\n\n"
          "| architecture | NeRFs | mean PSNR (dB) | min PSNR (dB) | NeRFs / min |\n|---|---:|---:|---:|---:|\n";
    for (const auto& a : fit["archs"])
      md << "| " << a["arch"].get<std::string>() << " | " << a["nerfs"] << " | " << num(a["mean_psnr"].get<double>())
         << " | " << num(a["min_psnr"].get<double>()) << " | " << num(a["nerfs_per_minute"].get<double>(), 1) << " |\n";
    md << "\n";
  }
  std::vector<std::vector<std::string>> compare;
  for (const std::string& obj : objectives) {
    fs::path run = root / "runs" / obj;
    md << "## Objective `" << obj << "`\n\n";
    const std::vector<nlohmann::json> log = read_train_log(run.string());
    if (obj == "untrained")
      md << "The encoder with its initial weights (`wsnerf train --epochs 0`, the seed of the other runs): "
            "what training adds is the difference from this.\n\n";
    if (!log.empty()) {
      const nlohmann::json& l = log.back();
      md << "Trained " << log.size() << " epochs (" << l.value("steps", 0) << " steps); last epoch: train loss "
         << num(l.value("train_loss", 0.0), 4);
      if (l.contains("val_psnr")) md << ", validation rendering PSNR " << num(l["val_psnr"].get<double>()) << " dB";
      if (l.contains("val_siglip")) md << ", validation SigLIP loss " << num(l["val_siglip"].get<double>(), 4);
      md << ". Log: `" << (run / "log.jsonl").string() << "`.\n\n";
    }
    nlohmann::ordered_json cls = read_json(run / "classification.json"), ret = read_json(run / "retrieval.json");
    nlohmann::ordered_json cls_raw = read_json(run / "classification_raw.json"), ret_raw = read_json(run / "retrieval_raw.json");
    if (cls.is_object()) {
      md << "### Classification\n\n";
      classification_section(md, cls);
    }
    if (cls_raw.is_object()) {
      md << "With the raw embeddings (the paper's protocol; `classification_raw.json`):\n\n";
      classification_section(md, cls_raw);
    }
    if (ret.is_object()) {
      md << "### Retrieval\n\n";
      retrieval_section(md, ret);
      nlohmann::ordered_json raw = read_json(run / "retrieval_raw.json");
      if (raw.is_object())
        md << "Mean cross-architecture R@1 / R@5 / R@10: " << mean_cross_recall(ret) << " centred, "
           << mean_cross_recall(raw) << " with the raw embeddings (the paper's protocol; `retrieval_raw.json`); "
           << "chance " << mean_cross_recall(ret, "random") << ".\n\n";
    }
    if (fs::exists(run / "tsne.png"))
      md << "![t-SNE of the test embeddings](runs/" << obj << "/tsne.png)\n\n![retrieval examples](runs/" << obj
         << "/retrieval.png)\n\n";
    const AccuracySummary c = all_classifier_accuracy(cls), r = all_classifier_accuracy(cls_raw);
    auto recall = [](const nlohmann::ordered_json& j) {
      return pct(pair_recall(j, "R@1").second) + " / " + pct(pair_recall(j, "R@5").second);
    };
    compare.push_back({obj, pct_sd(c.train, c.seeds), pct_sd(c.unseen, c.seeds), pct_sd(c.pooled, c.seeds),
                       pct_sd(r.train, r.seeds), pct_sd(r.pooled, r.seeds), recall(ret), recall(ret_raw),
                       pct(pair_recall(ret, "R@1", "random").second) + " / " + pct(pair_recall(ret, "R@5", "random").second)});
  }
  if (objectives.size() > 1) {
    md << "## Objectives compared\n\nThe ALL classifier's test accuracy (mean over the training architectures, "
          "over the unseen ones, and pooled over every test NeRF; ± sd over classifier seeds) and the mean "
          "cross-architecture recall@1 / @5 over ordered pairs of architectures, with centred and with raw "
          "embeddings (the paper's protocol). `untrained` is the encoder before training: what training adds is "
          "the difference from it.\n\n"
          "| objective | acc. training archs | acc. unseen archs | acc. pooled | raw: acc. training | raw: acc. pooled "
          "| R@1 / R@5 centred | R@1 / R@5 raw | chance R@1 / R@5 |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|\n";
    for (const auto& row : compare) {
      md << "|";
      for (const std::string& cell : row) md << " " << cell << " |";
      md << "\n";
    }
    md << "\n";
  }
  return md.str();
}

}  // namespace ws::cli
