#include "tools/demo_report.h"

#include <cmath>
#include <filesystem>
#include <sstream>

#include <nlohmann/json.hpp>

#include "engine/build_info.h"
#include "engine/io.h"
#include "models/eval/eval_sets.h"
#include "models/nerf/arch.h"
#include "models/train/trainer.h"

namespace fs = std::filesystem;

namespace ws::cli {

namespace {
nlohmann::ordered_json read_json(const fs::path& p) {
  if (!fs::exists(p)) return nlohmann::ordered_json();
  return nlohmann::ordered_json::parse(read_file(p.string()), nullptr, false);
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

// Mean accuracy of the ALL classifier over training / unseen test architectures.
std::pair<double, double> mean_accuracy(const nlohmann::ordered_json& cls) {
  double tr = 0, un = 0;
  int nt = 0, nu = 0;
  if (!cls.contains("accuracy") || !cls["accuracy"].contains("ALL")) return {NAN, NAN};
  for (auto& [arch, acc] : cls["accuracy"]["ALL"].items()) {
    if (is_training_arch(arch)) tr += acc.get<double>(), ++nt;
    else un += acc.get<double>(), ++nu;
  }
  return {nt ? tr / nt : NAN, nu ? un / nu : NAN};
}

// Recall at `key` ("R@10") of ALL/ALL, and its mean over ordered pairs of distinct architectures.
std::pair<double, double> pair_recall(const nlohmann::ordered_json& ret, const char* key) {
  double all = NAN, sum = 0;
  int n = 0;
  if (!ret.is_object() || !ret.contains("pairs")) return {NAN, NAN};
  for (const auto& p : ret["pairs"]) {
    double r = p["recall"].value(key, NAN);
    if (p["query"] == "ALL") all = r;
    else sum += r, ++n;
  }
  return {all, n ? sum / n : NAN};
}

void classification_section(std::ostringstream& md, const nlohmann::ordered_json& cls) {
  std::vector<std::string> cols = cls["test_archs"].get<std::vector<std::string>>();
  md << "| classifier trained on |";
  for (const auto& c : cols) md << " " << c << " |";
  md << "\n|---|";
  for (size_t i = 0; i < cols.size(); ++i) md << "---:|";
  md << "\n";
  for (const auto& row : cls["train_sets"]) {
    md << "| " << row.get<std::string>() << " |";
    for (const auto& c : cols) md << " " << pct(cls["accuracy"][row.get<std::string>()][c].get<double>()) << " |";
    md << "\n";
  }
  md << "\nTest accuracy in percent (" << cls["classes"].size() << " classes: chance "
     << pct(1.0 / double(std::max<size_t>(1, cls["classes"].size()))) << "%), "
     << centring_label(cls.value("centring", "none")) << ".\n\n";
}

void retrieval_section(std::ostringstream& md, const nlohmann::ordered_json& ret) {
  md << "| query | gallery | R@1 | R@5 | R@10 | random R@1 | random R@5 | random R@10 |\n"
        "|---|---|---:|---:|---:|---:|---:|---:|\n";
  for (const auto& p : ret["pairs"]) {
    md << "| " << p["query"].get<std::string>() << " | " << p["gallery"].get<std::string>() << " |";
    for (const char* k : {"R@1", "R@5", "R@10"}) md << " " << pct(p["recall"].value(k, NAN)) << " |";
    for (const char* k : {"R@1", "R@5", "R@10"}) md << " " << pct(p["random"].value(k, NAN)) << " |";
    md << "\n";
  }
  md << "\nInstance-level recall in percent on the test split (a hit: the same object in the top k), "
     << centring_label(ret.value("centring", "none")) << ".\n\n";
}

// Mean recall@1/5/10 over the ordered pairs of distinct architectures, as "a / b / c".
std::string mean_cross_recall(const nlohmann::ordered_json& ret) {
  std::string out;
  for (const char* k : {"R@1", "R@5", "R@10"}) out += (out.empty() ? "" : " / ") + pct(pair_recall(ret, k).second);
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
    if (cls.is_object()) {
      md << "### Classification\n\n";
      classification_section(md, cls);
    }
    if (ret.is_object()) {
      md << "### Retrieval\n\n";
      retrieval_section(md, ret);
      nlohmann::ordered_json raw = read_json(run / "retrieval_raw.json");
      if (raw.is_object())
        md << "Mean cross-architecture R@1 / R@5 / R@10: " << mean_cross_recall(ret) << " centred, "
           << mean_cross_recall(raw) << " with the raw embeddings (the paper's protocol; `retrieval_raw.json`).\n\n";
    }
    if (fs::exists(run / "tsne.png"))
      md << "![t-SNE of the test embeddings](runs/" << obj << "/tsne.png)\n\n![retrieval examples](runs/" << obj
         << "/retrieval.png)\n\n";
    auto [acc_train, acc_unseen] = mean_accuracy(cls);
    auto [r_all, r_cross] = pair_recall(ret, "R@10");
    compare.push_back({obj, pct(acc_train), pct(acc_unseen), pct(r_all), pct(r_cross)});
  }
  if (objectives.size() > 1) {
    md << "## Objectives compared\n\nThe paper found that adding SigLIP (`rc`) aligns architectures (higher "
          "cross-architecture recall) while keeping class separation (accuracy) close to `r`. `untrained` is "
          "the encoder before training.\n\n"
          "| objective | accuracy, training archs (ALL classifier) | accuracy, unseen archs | R@10 ALL/ALL | "
          "mean cross-arch R@10 |\n|---|---:|---:|---:|---:|\n";
    for (const auto& row : compare)
      md << "| " << row[0] << " | " << row[1] << " | " << row[2] << " | " << row[3] << " | " << row[4] << " |\n";
    md << "\n";
  }
  return md.str();
}

}  // namespace ws::cli
