// The evaluation commands end to end through the wsnerf binary: errors for a missing or
// invalid embeddings file, and the files they write.
#include <sys/wait.h>

#include <cstdlib>
#include <fstream>

#include <nlohmann/json.hpp>

#include "data/image.h"
#include "engine/io.h"
#include "tests/eval_testing.h"
#include "tests/testing.h"

using namespace ws;

namespace {
std::string small_embeddings_file() {
  test::ClusterSpec spec;
  spec.train = 6;
  spec.val = 2;
  spec.test = 2;
  spec.dim = 8;
  spec.archs = {"MLP", "TRI", "HASH", "HASH-3N"};
  std::string path = test::temp_path("cli_emb.safetensors");
  save_embeddings(path, test::clustered_embeddings(spec));
  return path;
}
}  // namespace

TEST_CASE("eval cli: the evaluation commands reject a missing or invalid embeddings file") {
  const std::string missing = test::temp_path("no_such_embeddings.safetensors");
  const std::string text = test::temp_path("not_safetensors.txt");
  write_file_atomic(text, "hello");
  const std::string other = test::temp_path("other.safetensors");
  save_safetensors(other, {{"x", Tensor::zeros({2, 2})}}, {{"format", "something/1"}});
  const std::string out = test::temp_path("cli_err_out");
  for (const std::string& cmd : std::vector<std::string>{"eval-classify", "eval-retrieve", "plot --out " + out}) {
    CAPTURE(cmd);
    test::CliRun r = test::run_wsnerf(cmd + " --embeddings " + missing);
    CHECK(r.status == 1);
    CHECK(r.err.find("no_such_embeddings.safetensors") != std::string::npos);
    r = test::run_wsnerf(cmd + " --embeddings " + text);
    CHECK(r.status == 1);
    CHECK(r.err.find("not_safetensors.txt") != std::string::npos);
    r = test::run_wsnerf(cmd + " --embeddings " + other);
    CHECK(r.status == 1);
    CHECK(r.err.find("not an embeddings file") != std::string::npos);
    r = test::run_wsnerf(cmd);
    CHECK(r.status == 1);
    CHECK(r.err.find("--embeddings") != std::string::npos);  // plot: "give --embeddings FILE or --log RUN"
  }
  CHECK(test::run_wsnerf("plot --embeddings " + missing).err.find("missing --out") != std::string::npos);
}

TEST_CASE("eval cli: eval-retrieve, eval-classify and plot write their outputs") {
  const std::string emb = small_embeddings_file(), dir = test::temp_path("cli_eval_out");
  test::CliRun r = test::run_wsnerf("eval-retrieve --embeddings " + emb + " --out " + dir + " --json");
  REQUIRE(r.status == 0);
  nlohmann::json printed = nlohmann::json::parse(r.out);
  nlohmann::json written = nlohmann::json::parse(read_file(dir + "/retrieval.json"));
  CHECK(printed == written);
  CHECK(written["pairs"].size() == 1 + 4 * 3);
  CHECK(written["pairs"][0]["recall"]["R@1"].get<double>() > 0.9);

  const std::string preset = test::temp_path("cli_preset.json");
  write_file_atomic(preset, R"({"classify": {"epochs": 4, "batch": 32, "lr": 0.01, "weight_decay": 0.01,
                                "hidden": [16, 8], "dropout": 0.5, "seed": 0}})");
  r = test::run_wsnerf("eval-classify --embeddings " + emb + " --preset " + preset + " --out " + dir);
  REQUIRE(r.status == 0);
  CHECK(r.out.find("HASH-3N") != std::string::npos);  // the table names the unseen column
  CHECK(r.err.find("classify ALL") != std::string::npos);  // progress
  nlohmann::json c = nlohmann::json::parse(read_file(dir + "/classification.json"));
  CHECK(c["train_sets"] == nlohmann::json({"ALL", "MLP", "TRI", "HASH"}));
  CHECK(c["accuracy"]["TRI"].contains("HASH-3N"));
  CHECK(c["classify"]["epochs"] == 4);

  r = test::run_wsnerf("eval-classify --embeddings " + emb + " --preset " + preset + " --seeds 3,4 --train-sets ALL --json");
  REQUIRE(r.status == 0);
  nlohmann::json seeded = nlohmann::json::parse(r.out);
  CHECK(seeded["train_sets"] == nlohmann::json({"ALL"}));
  CHECK(seeded["seeds"] == nlohmann::json({3, 4}));
  // --set changes the chosen preset's classifier: epochs 3 instead of the file's 4.
  r = test::run_wsnerf("eval-classify --embeddings " + emb + " --preset " + preset +
                       " --set classify.epochs=3 --train-sets ALL --json");
  REQUIRE(r.status == 0);
  CHECK(nlohmann::json::parse(r.out)["classify"]["epochs"] == 3);
  CHECK(test::run_wsnerf("eval-classify --embeddings " + emb + " --set classify.epoch=3").err.find(
            "unknown key classify.epoch") != std::string::npos);
  CHECK(test::run_wsnerf("eval-classify --embeddings " + emb + " --seeds 1,x").err.find("'x'") != std::string::npos);

  r = test::run_wsnerf("eval-probe --embeddings " + emb + " --split val --json");
  REQUIRE(r.status == 0);
  nlohmann::json probe = nlohmann::json::parse(r.out);
  CHECK(probe["rows"] == 4 * 2 * 4);  // classes x val objects x architectures
  CHECK(probe["recall1_centred"].get<double>() > 0.9);
  r = test::run_wsnerf("eval-probe --embeddings " + emb + " --split val");
  CHECK(r.out.find("cross-architecture R@1") != std::string::npos);
  CHECK(test::run_wsnerf("eval-probe --embeddings " + emb + " --split nope").err.find("no 'nope' rows") != std::string::npos);

  r = test::run_wsnerf("plot --embeddings " + emb + " --out " + dir + " --iterations 50 --queries 2 --k 3");
  REQUIRE(r.status == 0);
  CHECK(load_image(dir + "/tsne.png").width > 0);
  CHECK(load_image(dir + "/retrieval.png").height > 0);
}
