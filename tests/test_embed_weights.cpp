// The baseline without an encoder (`wsnerf embed --encoder weights`): each NeRF's flat
// parameters as its embedding row, within one architecture.
#include <doctest/doctest.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "data/nerf_dataset.h"
#include "models/gmn/embed.h"
#include "models/nerf/nerf_file.h"
#include "tests/pipeline_testing.h"
#include "tests/testing.h"

using namespace ws;

TEST_CASE("embed weights: each row is its NeRF's flat parameters, with the NeRF's object, class and split") {
  const std::string data = test::random_nerf_dataset({"chair", "lamp"}, 3, {"MLP", "TRI"});
  for (const char* arch : {"MLP", "TRI"}) {
    const std::vector<NerfEntry> nerfs = list_nerfs(data, {arch}, {"train", "val", "test"}, false);
    REQUIRE(nerfs.size() == 6);
    int64_t calls = 0;
    const EmbeddingSet set = embed_flat_weights(nerfs, [&](int64_t done, int64_t total) {
      CHECK(done == ++calls);
      CHECK(total == 6);
    });
    CHECK(calls == 6);
    CHECK(set.size() == 6);
    CHECK(set.dim() == find_arch(arch).total_params());
    CHECK(set.info.at("encoder") == kFlatWeightsEncoder);
    const EmbeddingSet via_name = embed_nerfs(kFlatWeightsEncoder, nerfs, Device::cpu());
    CHECK(via_name.embeddings.to_vector() == set.embeddings.to_vector());
    for (size_t i = 0; i < nerfs.size(); ++i) {
      const std::vector<float> want = load_nerf(nerfs[i].path).flat_params();
      const float* row = set.embeddings.f32() + int64_t(i) * set.dim();
      CHECK(std::vector<float>(row, row + set.dim()) == want);
      CHECK(set.rows[i].object == nerfs[i].object);
      CHECK(set.rows[i].cls == nerfs[i].cls);
      CHECK(set.rows[i].split == nerfs[i].split);
      CHECK(set.rows[i].arch == arch);
    }
  }
}

TEST_CASE("embed weights: NeRFs of two architectures are an error naming a file of each") {
  const std::string data = test::random_nerf_dataset({"chair", "lamp"}, 3, {"MLP", "TRI"});
  const std::vector<NerfEntry> nerfs = list_nerfs(data, {"MLP", "TRI"}, {"train"}, false);
  std::string msg;
  try {
    embed_flat_weights(nerfs);
  } catch (const Error& e) {
    msg = e.what();
  }
  CHECK(msg.find("within one architecture") != std::string::npos);
  CHECK(msg.find("/MLP/") != std::string::npos);
  CHECK(msg.find("/TRI/") != std::string::npos);
}

TEST_CASE("embed weights cli: --encoder weights writes a file eval-probe reads, two architectures exit non-zero") {
  const std::string data = test::random_nerf_dataset({"chair", "lamp"}, 3, {"MLP", "TRI"});
  const std::string out = test::temp_path("flat_weights.safetensors");
  test::CliRun r = test::run_wsnerf("embed --encoder weights --data " + data + " --archs TRI --out " + out);
  REQUIRE_MESSAGE(r.status == 0, r.err);
  CHECK(r.out.find("6 embeddings of dimension " + std::to_string(find_arch("TRI").total_params())) != std::string::npos);
  r = test::run_wsnerf("eval-probe --embeddings " + out + " --json");
  CHECK_MESSAGE(r.status == 0, r.err);
  CHECK(r.out.find("obj_frac_raw") != std::string::npos);
  const std::string bad = test::temp_path("flat_weights_two.safetensors");
  r = test::run_wsnerf("embed --encoder weights --data " + data + " --archs MLP,TRI --out " + bad);
  CHECK(r.status != 0);
  CHECK(r.err.find("within one architecture") != std::string::npos);
  CHECK(!std::ifstream(bad).good());
}

TEST_CASE("embed weights cli: query --encoder weights answers from a flat-weights gallery of the same architecture") {
  const std::string data = test::random_nerf_dataset({"chair", "lamp"}, 3, {"MLP", "TRI"});
  const std::string gallery = test::temp_path("flat_gallery.safetensors");
  test::CliRun r = test::run_wsnerf("embed --encoder weights --data " + data + " --archs TRI --out " + gallery);
  REQUIRE_MESSAGE(r.status == 0, r.err);
  // A gallery NeRF as its own query: its nearest neighbour is itself, cosine 1.
  const std::string query = data + "/nerfs/TRI/chair/0000.safetensors";
  REQUIRE(std::ifstream(query).good());
  r = test::run_wsnerf("query --encoder weights --gallery " + gallery + " --nerf " + query + " --k 2 --json --centre none");
  REQUIRE_MESSAGE(r.status == 0, r.err);
  const nlohmann::json answers = nlohmann::json::parse(r.out);
  REQUIRE(answers["queries"].size() == 1);
  const nlohmann::json& first = answers["queries"][0]["neighbours"][0];
  CHECK(first["object"] == "chair/0000");
  CHECK(first["arch"] == "TRI");
  CHECK(first["cosine"].get<double>() > 0.999);
  CHECK(answers["dim"] == find_arch("TRI").total_params());
  // Another architecture's NeRF cannot be compared with flat weights: named, non-zero exit.
  r = test::run_wsnerf("query --encoder weights --gallery " + gallery + " --nerf " + data +
                       "/nerfs/MLP/chair/0000.safetensors --json");
  CHECK(r.status != 0);
  CHECK(r.err.find("flat weights compare only within one architecture") != std::string::npos);
  // A flat-weights gallery with an encoder checkpoint, or the reverse, is refused by name.
  r = test::run_wsnerf("query --encoder some/best.safetensors --gallery " + gallery + " --nerf " + query);
  CHECK(r.status != 0);
  CHECK(r.err.find("query it with --encoder weights") != std::string::npos);
}
