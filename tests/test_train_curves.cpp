// Learning curves (`wsnerf plot --log`): charts from a run's log.jsonl, and the command.
#include <sys/wait.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "data/image.h"
#include "engine/io.h"
#include "models/train/learning_curves.h"
#include "tests/testing.h"

using namespace ws;

namespace {
nlohmann::json probes(double r_raw, double r_cen, double nn_tri) {
  return {{"archs", {"MLP", "TRI"}},
          {"obj_frac_raw", {{"MLP", 1e-4}, {"TRI", 2e-4}}},
          {"obj_frac_centred", {{"MLP", 1e-2}, {"TRI", 3e-2}}},
          {"nn_class", {{"MLP", nullptr}, {"TRI", nn_tri}}},
          {"recall1_raw", r_raw},
          {"recall1_centred", r_cen},
          {"recall1_chance", 0.25}};
}

// A run folder whose log has a step-0 probe, a mid-epoch probe and two epochs (with
// SigLIP's t and bias unless `siglip` is false, as in logs written before they were).
std::string fake_run(const std::string& name, bool siglip = true) {
  std::string run = test::temp_path(name);
  std::filesystem::create_directories(run);
  std::string log;
  log += nlohmann::json({{"kind", "probe"}, {"step", 0}, {"epoch", 0}, {"probes", probes(0.25, 0.2, 0.3)}}).dump() + "\n";
  log += nlohmann::json({{"kind", "probe"}, {"step", 5}, {"epoch", 0.5}, {"probes", probes(0.25, 0.4, 0.4)}}).dump() + "\n";
  for (int e = 1; e <= 2; ++e) {
    nlohmann::json line = {{"kind", "epoch"}, {"epoch", e}, {"step", 10 * e}, {"steps", 10 * e}, {"train_loss", 1.0 / e},
                           {"train_render", 0.1 / e}, {"train_contrastive", 5.0 / e}, {"val_psnr", 10.0 + e},
                           {"siglip_t", 10.0 + 0.5 * e}, {"siglip_bias", -10.0 + 0.25 * e},
                           {"probes", probes(0.25, 0.5 + 0.1 * e, 0.5)}};
    if (!siglip) line.erase("siglip_t"), line.erase("siglip_bias");
    log += line.dump() + "\n";
  }
  write_file_atomic(run + "/log.jsonl", log);
  return run;
}

}  // namespace

TEST_CASE("learning curves: losses by epoch, probes by step, a line per architecture for one run") {
  std::string run = fake_run("curves_one");
  std::vector<Chart> charts = learning_curve_charts({run});
  REQUIRE(charts.size() == 7);
  const Chart &loss = charts[0], &val = charts[1], &recall = charts[2], &nn = charts[3], &raw = charts[4],
              &sig = charts[6];
  REQUIRE(loss.series.size() == 3);  // total, rendering, SigLIP
  CHECK(loss.series[0].x == std::vector<double>{10, 20});
  CHECK(loss.series[2].y == std::vector<double>{5.0, 2.5});
  CHECK(val.y_label == "PSNR (dB)");
  CHECK(val.series[0].y == std::vector<double>{11, 12});
  // Probes come from the probe lines and the epoch lines, in step order.
  REQUIRE(recall.series.size() == 3);  // centred, raw, chance
  CHECK(recall.series[0].x == std::vector<double>{0, 5, 10, 20});
  CHECK(recall.series[0].y[3] == doctest::Approx(0.7));
  CHECK(recall.series[2].dashed);
  REQUIRE(nn.series.size() == 2);
  CHECK(nn.series[0].name == "MLP");
  CHECK(std::isnan(nn.series[0].y[0]));  // null: no class with two rows
  CHECK(nn.series[1].y[1] == doctest::Approx(0.4));
  CHECK(raw.log_y);
  REQUIRE(sig.series.size() == 2);  // t and b, by epoch
  CHECK(sig.series[0].y == std::vector<double>{10.5, 11.0});
  CHECK(sig.series[1].y == std::vector<double>{-9.75, -9.5});
  Image img = learning_curves_figure({run});
  CHECK(img.width == 3 * 560);
  CHECK(img.height == 28 + 3 * 360);
}

TEST_CASE("learning curves: several runs get a line each, an empty log is named") {
  std::vector<Chart> charts = learning_curve_charts({fake_run("curves_a"), fake_run("curves_b", false)});
  REQUIRE(charts.size() == 7);
  CHECK(charts[6].series.size() == 2);  // t and b of the run whose log has them
  CHECK(charts[6].series[1].name == "curves_a b");
  CHECK(learning_curve_charts({fake_run("curves_b", false)}).size() == 6);  // no SigLIP chart for old logs
  CHECK(charts[0].series.size() == 2);
  CHECK(charts[0].series[1].name == "curves_b total");
  CHECK(charts[3].series.size() == 2);  // architectures averaged per run
  CHECK(charts[3].series[0].y[1] == doctest::Approx(0.4));  // MLP's null is skipped
  std::string empty = test::temp_path("curves_empty");
  std::filesystem::create_directories(empty);
  CHECK_THROWS_WITH_AS(learning_curve_charts({empty}), doctest::Contains("curves_empty/log.jsonl: no log lines"), Error);
}

TEST_CASE("learning curves: runs in folders of the same name are told apart by their parents") {
  // Two experiments that each keep their run in a folder called `run` (and a trailing slash).
  std::string a = fake_run("curves_same/A/seed0/run"), b = fake_run("curves_same/B/seed0/run") + "/";
  std::vector<Chart> charts = learning_curve_charts({a, b});
  CHECK(charts[0].series[0].name == "A/seed0/run total");
  CHECK(charts[0].series[1].name == "B/seed0/run total");
  CHECK(charts[4].series[1].name == "B/seed0/run");
  // Folder names that differ are enough on their own.
  charts = learning_curve_charts({fake_run("curves_same/A/x"), fake_run("curves_same/A/y")});
  CHECK(charts[0].series[0].name == "x total");
}

TEST_CASE("plot --log writes learning_curves.png, --embeddings or --log, not both or neither") {
  std::string run = fake_run("curves_cli"), out = test::temp_path("curves_cli_out");
  CHECK(test::run_wsnerf("plot --log " + run + " --out " + out).status == 0);
  Image img = load_image(out + "/learning_curves.png");
  CHECK(img.width == 3 * 560);
  CHECK(test::run_wsnerf("plot --out " + out).status == 1);
  CHECK(test::run_wsnerf("plot --log " + run + " --embeddings x.safetensors --out " + out).status == 1);
  CHECK(test::run_wsnerf("plot --log " + test::temp_path("no_such_run") + " --out " + out).status == 1);
}
