#include "tools/demo_report.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <sstream>

#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "data/dataset.h"
#include "engine/build_info.h"
#include "engine/io.h"
#include "engine/json.h"
#include "models/eval/classification.h"
#include "models/eval/eval_sets.h"
#include "models/nerf/arch.h"
#include "models/train/trainer.h"
#include "tools/stages.h"

namespace fs = std::filesystem;

namespace ws::cli {

namespace {
// A file of the demo folder: null when absent (that stage has not run); present, it must
// be valid JSON, and every value read from it is checked (json_field), errors naming the file.
template <class Json = nlohmann::json>
Json read_json(const fs::path& p) {
  if (!fs::exists(p)) return Json();
  return parse_json<Json>(read_file(p.string()), p.string());
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

AccuracySummary all_classifier_accuracy(const nlohmann::json& cls, const std::string& file) {
  AccuracySummary out;
  if (cls.is_null()) return out;
  const auto sets = json_field<std::vector<std::string>>(cls, "train_sets", file),
             archs = json_field<std::vector<std::string>>(cls, "test_archs", file);
  const auto all = std::find(sets.begin(), sets.end(), "ALL");
  if (all == sets.end()) return out;
  const auto per_seed = json_field<std::vector<std::vector<std::vector<double>>>>(cls, "accuracy_per_seed", file);
  const auto test_rows = json_field<std::map<std::string, double>>(cls, "test_rows", file);
  std::vector<double> tr, un, po;
  for (size_t s = 0; s < per_seed.size(); ++s) {
    const std::vector<std::vector<double>>& table = per_seed[s];
    WS_CHECK(table.size() == sets.size(), file, ": accuracy_per_seed[", s, "] has ", table.size(), " rows for ",
             sets.size(), " train sets");
    const std::vector<double>& row = table[size_t(all - sets.begin())];  // the ALL classifier
    WS_CHECK(row.size() == archs.size(), file, ": accuracy_per_seed[", s, "] has ", row.size(), " columns for ",
             archs.size(), " test architectures");
    double t = 0, u = 0, right = 0, n_rows = 0;
    int nt = 0, nu = 0;
    for (size_t c = 0; c < archs.size(); ++c) {
      if (is_training_arch(archs[c])) t += row[c], ++nt;
      else u += row[c], ++nu;
      const auto n = test_rows.find(archs[c]);
      WS_CHECK(n != test_rows.end(), file, ": test_rows: missing '", archs[c], "'");
      right += n->second * row[c];
      n_rows += n->second;
    }
    tr.push_back(nt ? t / nt : NAN);
    un.push_back(nu ? u / nu : NAN);
    po.push_back(n_rows > 0 ? right / n_rows : NAN);
  }
  out.train = mean_sd(tr), out.unseen = mean_sd(un), out.pooled = mean_sd(po);
  out.seeds = per_seed.size();
  return out;
}

// "56.4 +- 4.4" (percent), or "56.4" for one seed.
std::string pct_sd(const std::pair<double, double>& v, size_t seeds) {
  return seeds > 1 ? pct(v.first) + " ± " + pct(v.second) : pct(v.first);
}

// Recall at `key` ("R@10") of ALL/ALL, and its mean over ordered pairs of distinct architectures.
std::pair<double, double> pair_recall(const nlohmann::json& ret, const std::string& file, const char* key,
                                      const char* which = "recall") {
  double all = NAN, sum = 0;
  int n = 0;
  if (ret.is_null()) return {NAN, NAN};
  const nlohmann::json& pairs = json_member(ret, "pairs", file);
  for (size_t i = 0; i < pairs.size(); ++i) {
    const std::string where = str_cat(file, ": pairs[", i, "]");
    const double r = json_field<double>(json_member(pairs[i], which, where), key, str_cat(where, ".", which));
    if (json_field<std::string>(pairs[i], "query", where) == "ALL") all = r;
    else sum += r, ++n;
  }
  return {all, n ? sum / n : NAN};
}

void classification_section(std::ostringstream& md, const nlohmann::json& cls, const std::string& file) {
  const auto cols = json_field<std::vector<std::string>>(cls, "test_archs", file),
             rows = json_field<std::vector<std::string>>(cls, "train_sets", file);
  const size_t seeds = json_field<std::vector<uint64_t>>(cls, "seeds", file).size(),
               classes = json_field<std::vector<std::string>>(cls, "classes", file).size();
  const nlohmann::json &acc = json_member(cls, "accuracy", file), &acc_sd = json_member(cls, "accuracy_sd", file);
  md << "| classifier trained on |";
  for (const auto& c : cols) md << " " << c << " |";
  md << "\n|---|";
  for (size_t i = 0; i < cols.size(); ++i) md << "---:|";
  md << "\n";
  for (const std::string& r : rows) {
    const auto mean = json_field<std::map<std::string, double>>(acc, r, file + ": accuracy"),
               sd = json_field<std::map<std::string, double>>(acc_sd, r, file + ": accuracy_sd");
    md << "| " << r << " |";
    for (const auto& c : cols) {
      WS_CHECK(mean.count(c) && sd.count(c), file, ": accuracy.", r, " or accuracy_sd.", r, ": missing '", c, "'");
      md << " " << pct_sd({mean.at(c), sd.at(c)}, seeds) << " |";
    }
    md << "\n";
  }
  const auto test_rows = json_field<std::map<std::string, double>>(cls, "test_rows", file);
  const double n_test = cols.empty() || !test_rows.count(cols[0]) ? 0.0 : test_rows.at(cols[0]),
               chance = 1.0 / double(std::max<size_t>(1, classes));
  md << "\nTest accuracy in percent (" << classes << " classes: chance " << pct(chance) << "%), "
     << centring_label(parse_centring(json_field<std::string>(cls, "centring", file), file + ": centring"));
  if (seeds > 1) md << "; mean ± sd over " << seeds << " classifier seeds";
  if (n_test > 0) md << ". A cell holds " << n_test << " test NeRFs: one object moves it " << pct(1.0 / n_test) << " points";
  md << ".\n\n";
}

void retrieval_section(std::ostringstream& md, const nlohmann::json& ret, const std::string& file) {
  md << "| query | gallery | R@1 | R@5 | R@10 | chance R@1 | chance R@5 | chance R@10 |\n"
        "|---|---|---:|---:|---:|---:|---:|---:|\n";
  const nlohmann::json& pairs = json_member(ret, "pairs", file);
  for (size_t i = 0; i < pairs.size(); ++i) {
    const std::string where = str_cat(file, ": pairs[", i, "]");
    md << "| " << json_field<std::string>(pairs[i], "query", where) << " | "
       << json_field<std::string>(pairs[i], "gallery", where) << " |";
    for (const char* which : {"recall", "random"})
      for (const char* k : {"R@1", "R@5", "R@10"})
        md << " " << pct(json_field<double>(json_member(pairs[i], which, where), k, str_cat(where, ".", which))) << " |";
    md << "\n";
  }
  md << "\nInstance-level recall in percent on the test split (a hit: the same object in the top k), "
     << centring_label(parse_centring(json_field<std::string>(ret, "centring", file), file + ": centring"))
     << "; chance: the expected recall of a random ranking.\n\n";
}

// Mean recall@1/5/10 over the ordered pairs of distinct architectures, as "a / b / c"
// (of the embeddings, or of the chance level).
std::string mean_cross_recall(const nlohmann::json& ret, const std::string& file, const char* which = "recall") {
  std::string out;
  for (const char* k : {"R@1", "R@5", "R@10"})
    out += (out.empty() ? "" : " / ") + pct(pair_recall(ret, file, k, which).second);
  return out;
}

// The dataset the demo made: its splits and the manifest's image size.
void dataset_section(std::ostringstream& md, const fs::path& data) {
  const fs::path manifest = data / "dataset.json";
  const nlohmann::json m = read_json(manifest);
  if (m.is_null()) return;
  const Splits s = read_splits(data.string());
  std::set<std::string> classes;
  for (const auto* split : {&s.train, &s.val, &s.test})
    for (const ObjectRef& o : *split) classes.insert(o.cls);
  md << "## Dataset\n\n" << classes.size() << " classes, " << s.train.size() << " / " << s.val.size() << " / "
     << s.test.size() << " objects (train / val / test), 36 views of " << json_field<int>(m, "size", manifest.string())
     << " px each (`" << data.string() << "`).\n\n";
}

void fit_section(std::ostringstream& md, const fs::path& file) {
  const nlohmann::json fit = read_json(file);
  if (fit.is_null()) return;
  md << "## NeRFs\n\nTraining architectures on every object, the unseen ones on the test objects; held-out "
        "PSNR over the 6 views never used for fitting (white background).\n\n"
        "| architecture | NeRFs | mean PSNR (dB) | min PSNR (dB) | NeRFs / min |\n|---|---:|---:|---:|---:|\n";
  const nlohmann::json& archs = json_member(fit, "archs", file.string());
  for (size_t i = 0; i < archs.size(); ++i) {
    const std::string where = str_cat(file.string(), ": archs[", i, "]");
    md << "| " << json_field<std::string>(archs[i], "arch", where) << " | " << json_field<int64_t>(archs[i], "nerfs", where)
       << " | " << num(json_field<double>(archs[i], "mean_psnr", where)) << " | "
       << num(json_field<double>(archs[i], "min_psnr", where)) << " | "
       << num(json_field<double>(archs[i], "nerfs_per_minute", where), 1) << " |\n";
  }
  md << "\n";
}

void training_paragraph(std::ostringstream& md, const fs::path& run) {
  const std::vector<nlohmann::json> log = read_train_log(run.string());
  if (log.empty()) return;
  const nlohmann::json& l = log.back();
  const std::string where = (run / "log.jsonl").string() + " (last epoch)";
  md << "Trained " << log.size() << " epochs (" << json_field<int64_t>(l, "steps", where)
     << " steps); last epoch: train loss " << num(json_field<double>(l, "train_loss", where), 4);
  if (l.contains("val_psnr")) md << ", validation rendering PSNR " << num(json_field<double>(l, "val_psnr", where)) << " dB";
  if (l.contains("val_siglip")) md << ", validation SigLIP loss " << num(json_field<double>(l, "val_siglip", where), 4);
  md << ". Log: `" << (run / "log.jsonl").string() << "`.\n\n";
}
}  // namespace

std::string demo_report(const std::string& out, const std::string& preset, const std::vector<std::string>& objectives) {
  fs::path root(out);
  std::ostringstream md;
  md << "# wsnerf demo report\n\nPreset `" << preset << "`. Built: `" << build_summary() << "`.\n\n";
  const fs::path timings_file = root / "timings.json";
  const auto timings = read_json<nlohmann::ordered_json>(timings_file);  // stages in pipeline order
  if (!timings.is_null()) {
    md << "## Timings\n\n| stage | seconds |\n|---|---:|\n";
    double total = 0;
    for (auto& [stage, s] : timings.items()) {
      const double v = json_get<double>(nlohmann::json(s), str_cat(timings_file.string(), ": '", stage, "'"));
      md << "| " << stage << " | " << num(v, 1) << " |\n";
      total += v;
    }
    md << "| total | " << num(total, 1) << " |\n\n(Stages found done by a previous run keep their first timing.)\n\n";
  }
  dataset_section(md, root / "data");
  fit_section(md, root / kFitSummaryFile);
  std::vector<std::vector<std::string>> compare;
  for (const std::string& obj : objectives) {
    fs::path run = root / "runs" / obj;
    md << "## Objective `" << obj << "`\n\n";
    if (obj == "untrained")
      md << "The encoder with its initial weights (`wsnerf train --objective untrained`, the seed of the other runs): "
            "what training adds is the difference from this.\n\n";
    training_paragraph(md, run);
    const std::string cls_file = (run / classification_file(Centring::Arch)).string(),
                      cls_raw_file = (run / classification_file(Centring::None)).string(),
                      ret_file = (run / retrieval_file(Centring::Arch)).string(),
                      ret_raw_file = (run / retrieval_file(Centring::None)).string();
    const nlohmann::json cls = read_json(cls_file), cls_raw = read_json(cls_raw_file), ret = read_json(ret_file),
                         ret_raw = read_json(ret_raw_file);
    if (!cls.is_null()) {
      md << "### Classification\n\n";
      classification_section(md, cls, cls_file);
    }
    if (!cls_raw.is_null()) {
      md << "With the raw embeddings (the paper's protocol; `" << classification_file(Centring::None) << "`):\n\n";
      classification_section(md, cls_raw, cls_raw_file);
    }
    if (!ret.is_null()) {
      md << "### Retrieval\n\n";
      retrieval_section(md, ret, ret_file);
      if (!ret_raw.is_null())
        md << "Mean cross-architecture R@1 / R@5 / R@10: " << mean_cross_recall(ret, ret_file) << " centred, "
           << mean_cross_recall(ret_raw, ret_raw_file) << " with the raw embeddings (the paper's protocol; `"
           << retrieval_file(Centring::None) << "`); chance " << mean_cross_recall(ret, ret_file, "random") << ".\n\n";
    }
    if (fs::exists(run / "tsne.png"))
      md << "![t-SNE of the test embeddings](runs/" << obj << "/tsne.png)\n\n![retrieval examples](runs/" << obj
         << "/retrieval.png)\n\n";
    const AccuracySummary c = all_classifier_accuracy(cls, cls_file), r = all_classifier_accuracy(cls_raw, cls_raw_file);
    auto recall = [](const nlohmann::json& j, const std::string& file, const char* which = "recall") {
      return pct(pair_recall(j, file, "R@1", which).second) + " / " + pct(pair_recall(j, file, "R@5", which).second);
    };
    compare.push_back({obj, pct_sd(c.train, c.seeds), pct_sd(c.unseen, c.seeds), pct_sd(c.pooled, c.seeds),
                       pct_sd(r.train, r.seeds), pct_sd(r.pooled, r.seeds), recall(ret, ret_file),
                       recall(ret_raw, ret_raw_file), recall(ret, ret_file, "random")});
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
