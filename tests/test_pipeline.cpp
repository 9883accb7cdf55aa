// End to end, through the real binary: `wsnerf demo --preset tiny` runs synth -> fit ->
// train (rc, and the untrained baseline) -> embed -> classify -> retrieve -> pictures -> report; the decoder learns
// (validation PSNR rises); the tables cover every classifier row and test architecture;
// the ALL classifier is above chance on the 80 test NeRFs pooled (4 classes x 4 objects x
// 5 architectures), by more than two standard errors of a chance-level guesser.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "engine/io.h"
#include "models/train/trainer.h"
#include "tests/testing.h"

using namespace ws;
namespace fs = std::filesystem;

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
}
