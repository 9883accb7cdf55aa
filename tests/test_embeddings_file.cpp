#include "data/embeddings.h"
#include "engine/io.h"
#include "tests/testing.h"

using namespace ws;

TEST_CASE("embeddings file: round trip, selection, and clear errors") {
  EmbeddingSet s;
  s.embeddings = test::random_tensor({3, 4}, 1);
  s.rows = {{"chair/000", "chair", "MLP", "train", "a.safetensors"},
            {"chair/000", "chair", "TRI", "train", "b.safetensors"},
            {"lamp/001", "lamp", "MLP", "test", "c.safetensors"}};
  s.info["encoder"] = "run/best.safetensors";
  std::string path = test::temp_path("emb.safetensors");
  save_embeddings(path, s);
  EmbeddingSet t = load_embeddings(path);
  CHECK(t.embeddings.to_vector() == s.embeddings.to_vector());
  CHECK(t.rows[2].object == "lamp/001");
  CHECK(t.rows[1].nerf == "b.safetensors");
  CHECK(t.info.at("encoder") == "run/best.safetensors");
  CHECK(t.select("train") == std::vector<int64_t>{0, 1});
  CHECK(t.select("", "MLP") == std::vector<int64_t>{0, 2});
  CHECK(t.archs() == std::vector<std::string>{"MLP", "TRI"});
  CHECK(t.classes() == std::vector<std::string>{"chair", "lamp"});
  save_safetensors(path, {{"embeddings", s.embeddings}}, {{"format", "other"}});
  CHECK_THROWS_WITH_AS(load_embeddings(path), doctest::Contains("not an embeddings file"), Error);
  save_safetensors(path, {{"embeddings", s.embeddings}}, {{"format", "wsnerf.embeddings/1"}, {"rows", "[]"}});
  CHECK_THROWS_WITH_AS(load_embeddings(path), doctest::Contains("0 row records for 3 embeddings"), Error);
}
