// End to end, through the real binary: `wsnerf demo --preset tiny` runs synth -> fit ->
// train (rc, and the untrained baseline) -> embed -> classify -> retrieve -> pictures -> report; the decoder learns
// (validation PSNR rises); the tables cover every classifier row and test architecture;
// the ALL classifier is above chance on the 80 test NeRFs pooled (4 classes x 4 objects x
// 5 architectures), by more than two standard errors of a chance-level guesser. Then the
// single commands, run on the demo's inputs, write the demo's files byte for byte.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <set>

#include <nlohmann/json.hpp>

#include "engine/io.h"
#include "models/train/trainer.h"
#include "tests/testing.h"

using namespace ws;
namespace fs = std::filesystem;

namespace {
// Runs `wsnerf ARGS`; the output goes to LOG, quoted when the command fails.
void run_wsnerf(const std::string& args, const std::string& log) {
  int rc = std::system(str_cat(WS_BINARY_DIR, "/wsnerf ", args, " > ", log, " 2>&1").c_str());
  REQUIRE_MESSAGE(rc == 0, "wsnerf ", args, " failed; its output:\n", fs::exists(log) ? read_file(log) : "");
}

// Fails, saying where, unless the two files hold the same bytes.
void check_same_bytes(const fs::path& a, const fs::path& b) {
  REQUIRE_MESSAGE(fs::exists(a), a.string(), " is missing");
  REQUIRE_MESSAGE(fs::exists(b), b.string(), " is missing");
  const std::string x = read_file(a.string()), y = read_file(b.string());
  size_t i = 0;
  while (i < x.size() && i < y.size() && x[i] == y[i]) ++i;
  CHECK_MESSAGE(x == y, a.string(), " (", x.size(), " bytes) and ", b.string(), " (", y.size(),
                " bytes) differ from byte ", i);
}

// A JSON file without the fields named `keys` at any depth (timings, which no two runs share).
nlohmann::json without(nlohmann::json j, const std::set<std::string>& keys) {
  if (j.is_object())
    for (auto it = j.begin(); it != j.end();) {
      if (keys.count(it.key())) it = j.erase(it);
      else *it = without(*it, keys), ++it;
    }
  else if (j.is_array())
    for (auto& v : j) v = without(v, keys);
  return j;
}

// Every file under `dir` (relative paths), skipping the subfolder `skip`.
std::set<std::string> files_under(const fs::path& dir, const std::string& skip) {
  std::set<std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    const std::string rel = fs::relative(e.path(), dir).string();
    if (e.is_regular_file() && rel.rfind(skip + "/", 0) != 0) out.insert(rel);
  }
  return out;
}

// The single commands on the demo's inputs (its dataset folder, preset, seeds, encoders)
// write what the demo wrote: one stage function per command (tools/stages.h) is what makes
// that so. Fitting and training rc are left out (most of the demo's minutes); the untrained
// encoder, the same stage, is trained again.
void commands_write_the_demo_files(const std::string& demo) {
  const std::string out = test::temp_path("demo_tiny_commands"), log = out + ".log";
  fs::create_directories(out + "/runs/rc");
  // synth: the whole dataset folder but the NeRFs
  run_wsnerf(str_cat("synth --preset tiny --out ", out, "/data"), log);
  const std::set<std::string> data = files_under(demo + "/data", "nerfs");
  CHECK(data == files_under(out + "/data", "nerfs"));
  for (const std::string& f : data) check_same_bytes(demo + "/data/" + f, out + "/data/" + f);
  // fit: every NeRF is there, so the command only reads them (refitting is most of the
  // demo's minutes); the summary matches the demo's but for what describes the run itself:
  // its counts (fitted now, found), its workers (none needed) and its timings.
  run_wsnerf(str_cat("fit --data ", demo, "/data --preset tiny --device cpu --quiet --summary ", out, "/fit.json"), log);
  const std::set<std::string> run_own = {"fitted", "skipped", "workers", "seconds", "nerfs_per_minute"};
  CHECK(without(nlohmann::json::parse(read_file(out + "/fit.json")), run_own) ==
        without(nlohmann::json::parse(read_file(demo + "/fit.json")), run_own));
  // train: the untrained baseline (no step) into a new run folder
  run_wsnerf(str_cat("train --data ", demo, "/data --preset tiny --device cpu --objective untrained --out ", out, "/runs/untrained"), log);
  for (const char* f : {"config.json", "best.safetensors"})
    check_same_bytes(demo + "/runs/untrained/" + f, out + "/runs/untrained/" + f);
  // embed, with the demo's rc encoder
  const std::string rc = demo + "/runs/rc", emb = rc + "/embeddings.safetensors";
  run_wsnerf(str_cat("embed --encoder ", rc, "/best.safetensors --data ", demo, "/data --preset tiny --device cpu --out ", out,
                     "/runs/rc/embeddings.safetensors"), log);
  check_same_bytes(emb, out + "/runs/rc/embeddings.safetensors");
  // the evaluations and pictures of the demo's embeddings file, centred and raw
  for (const char* centre : {"arch", "none"}) {
    run_wsnerf(str_cat("eval-classify --embeddings ", emb, " --preset tiny --device cpu --centre ", centre, " --out ", out, "/runs/rc"), log);
    run_wsnerf(str_cat("eval-retrieve --embeddings ", emb, " --device cpu --centre ", centre, " --out ", out, "/runs/rc"), log);
  }
  run_wsnerf(str_cat("plot --embeddings ", emb, " --thumbnails nerfs --out ", out, "/runs/rc"), log);
  for (const char* f : {"classification.json", "classification_raw.json", "retrieval.json", "retrieval_raw.json",
                        "tsne.png", "retrieval.png"})
    check_same_bytes(rc + "/" + f, out + "/runs/rc/" + f);
}
}  // namespace

TEST_CASE("pipeline: the tiny demo runs end to end, learns, and a second run reuses everything") {
  std::string out = test::temp_path("demo_tiny");
  std::string cmd = str_cat(WS_BINARY_DIR, "/wsnerf demo --preset tiny --device cpu --out ", out, " > ", out,
                            ".log 2>&1");
  int rc = std::system(cmd.c_str());
  REQUIRE_MESSAGE(rc == 0, "demo failed; its output:\n", fs::exists(out + ".log") ? read_file(out + ".log") : "");
  for (const char* f : {"report.md", "fit.json", "runs/rc/best.safetensors", "runs/rc/embeddings.safetensors",
                        "runs/rc/classification.json", "runs/rc/classification_raw.json", "runs/rc/retrieval.json",
                        "runs/rc/retrieval_raw.json", "runs/rc/tsne.png",
                        "runs/rc/retrieval.png", "runs/untrained/best.safetensors",
                        "runs/untrained/classification.json", "runs/untrained/retrieval.json"})
    CHECK_MESSAGE(fs::exists(fs::path(out) / f), f);
  // training learnt something: the decoder renders the validation NeRFs better than after epoch 1
  std::vector<double> psnr;
  for (const nlohmann::json& epoch : read_train_log(out + "/runs/rc"))
    psnr.push_back(epoch["val_psnr"].get<double>());
  REQUIRE(psnr.size() >= 2);
  MESSAGE("validation PSNR by epoch: first ", psnr.front(), " dB, best ", *std::max_element(psnr.begin(), psnr.end()));
  CHECK(*std::max_element(psnr.begin(), psnr.end()) >= psnr.front() + 1.0);

  nlohmann::json cls = nlohmann::json::parse(read_file(out + "/runs/rc/classification.json"));
  const std::vector<std::string> archs = {"MLP", "TRI", "HASH", "MLP-2L", "HASH-3N"};
  double chance = 1.0 / double(cls["classes"].size()), sum = 0;
  for (const char* row : {"ALL", "MLP", "TRI", "HASH"})
    for (const std::string& arch : archs) {
      REQUIRE_MESSAGE(cls["accuracy"][row].contains(arch), row, " x ", arch);
      double a = cls["accuracy"][row][arch].get<double>();
      CHECK((a >= 0.0 && a <= 1.0));
    }
  for (const char* arch : {"MLP", "TRI", "HASH"}) sum += cls["accuracy"]["ALL"][arch].get<double>();
  MESSAGE("ALL classifier, mean test accuracy on the training architectures: ", sum / 3, " (chance ", chance, ")");
  double right = 0, rows = 0;
  for (const std::string& arch : archs) {
    double n = cls["test_rows"][arch].get<double>();
    right += n * cls["accuracy"]["ALL"][arch].get<double>();
    rows += n;
  }
  const double pooled = right / rows, standard_error = std::sqrt(chance * (1 - chance) / rows);
  MESSAGE("ALL classifier on all ", rows, " test NeRFs: ", pooled, " (chance ", chance, " +- ", standard_error, ")");
  CHECK(rows == 80);
  CHECK(pooled > chance + 2 * standard_error);
  nlohmann::json ret = nlohmann::json::parse(read_file(out + "/runs/rc/retrieval.json"));
  REQUIRE(!ret["pairs"].empty());
  CHECK(ret["pairs"][0]["query"] == "ALL");
  CHECK(ret["pairs"].size() == 1 + archs.size() * (archs.size() - 1));  // ALL/ALL + every ordered pair
  std::string report = read_file(out + "/report.md");
  CHECK(report.find("## NeRFs") != std::string::npos);
  CHECK(report.find("### Classification") != std::string::npos);
  CHECK(report.find("## Objective `untrained`") != std::string::npos);  // the baseline, by default
  CHECK(report.find("## Objectives compared") != std::string::npos);
  // a second run finds everything done: no NeRF, checkpoint or embedding is written again
  auto stamp = [&](const std::string& f) { return fs::last_write_time(fs::path(out) / f); };
  std::string a_nerf;
  for (const auto& e : fs::recursive_directory_iterator(fs::path(out) / "data/nerfs/MLP"))
    if (e.is_regular_file()) a_nerf = fs::relative(e.path(), out).string();
  REQUIRE(!a_nerf.empty());
  auto nerf = stamp(a_nerf), best = stamp("runs/rc/best.safetensors"), emb = stamp("runs/rc/embeddings.safetensors"),
       baseline = stamp("runs/untrained/best.safetensors");
  REQUIRE(std::system(cmd.c_str()) == 0);
  CHECK(stamp(a_nerf) == nerf);
  CHECK(stamp("runs/rc/best.safetensors") == best);
  CHECK(stamp("runs/rc/embeddings.safetensors") == emb);
  CHECK(stamp("runs/untrained/best.safetensors") == baseline);
  commands_write_the_demo_files(out);
  // the report checks what it reads: a table lacking a field is an error naming file and key
  write_file_atomic(out + "/runs/untrained/classification.json", R"({"centring": "arch"})");
  CHECK(std::system(cmd.c_str()) != 0);
  const std::string log = read_file(out + ".log");
  CHECK_MESSAGE(log.find("untrained/classification.json: missing 'test_archs'") != std::string::npos, log);
}
