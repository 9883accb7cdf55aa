// wsnerf query: the gallery search (models/eval/query.h) on synthetic embeddings, and the
// command end to end on tiny NeRFs through a small untrained encoder.
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "data/image.h"
#include "data/nerf_dataset.h"
#include "engine/io.h"
#include "models/eval/query.h"
#include "models/gmn/checkpoint.h"
#include "models/gmn/embed.h"
#include "models/nerf/nerf_file.h"
#include "tests/eval_testing.h"
#include "tests/pipeline_testing.h"
#include "tests/testing.h"

using namespace ws;

namespace {
// Clustered embeddings where every architecture adds a large common vector of its own:
// what a briefly trained encoder does, and what centring on the gallery's means removes.
EmbeddingSet offset_embeddings() {
  test::ClusterSpec spec;
  spec.train = 0;
  spec.val = 0;
  spec.test = 10;
  spec.dim = 16;
  EmbeddingSet set = test::clustered_embeddings(spec);
  float* z = set.embeddings.f32();
  const std::vector<std::string> archs = set.archs();
  for (int64_t r = 0; r < set.size(); ++r) {
    const int a = int(std::find(archs.begin(), archs.end(), set.rows[size_t(r)].arch) - archs.begin());
    for (int64_t c = 0; c < set.dim(); ++c) z[r * set.dim() + c] += 40.0f * float((c + 3 * a) % 5 == 0);
  }
  return set;
}

std::vector<float> row_of(const EmbeddingSet& set, int64_t r) {
  const float* z = set.embeddings.f32() + r * set.dim();
  return std::vector<float>(z, z + set.dim());
}

// A tiny NeRF dataset, an untrained encoder and the gallery of every NeRF (once per process).
struct QueryFixture {
  std::string data, encoder, gallery;
  std::vector<NerfEntry> nerfs;
};
const QueryFixture& query_fixture() {
  static QueryFixture f = [] {
    QueryFixture q;
    q.data = test::random_nerf_dataset({"chair", "lamp"}, 3, {"MLP", "TRI", "HASH"});
    q.encoder = test::temp_path("query_encoder.safetensors");
    GmnConfig cfg{8, 2, 16};
    cfg.value_scale = 30.0f;
    ParamSet ps;
    GmnEncoder enc(cfg, ps);
    ps.materialize(Device::cpu());
    enc.init(7);
    save_encoder(q.encoder, enc, ps);
    q.nerfs = list_nerf_files({q.data + "/nerfs"});
    q.gallery = test::temp_path("query_gallery.safetensors");
    save_embeddings(q.gallery, embed_nerfs(q.encoder, q.nerfs, Device::cpu()));
    return q;
  }();
  return f;
}

// A NeRF of an architecture no built-in name has (a JSON spec: 5 hidden layers of 48).
std::string custom_arch_nerf(const std::string& like) {
  NerfFile n = load_nerf(like);
  nlohmann::json spec = find_arch("MLP").to_json();
  spec["name"] = "MLP-5L48";
  spec["hidden_layers"] = 5;
  spec["hidden_dim"] = 48;
  n.arch = ArchSpec::from_json(spec, "test spec");
  FieldBatch fb = init_field_batch(n.arch, 1, 99, Device::cpu());
  store_field(fb, 0, n);
  const std::string path = test::temp_path("query_custom.safetensors");
  save_nerf(path, n);
  return path;
}
}  // namespace

TEST_CASE("query: a gallery row is its own nearest neighbour, and centring finds the object across architectures") {
  const EmbeddingSet set = offset_embeddings();
  const QueryGallery all(set, QueryCentring::Gallery);
  for (int64_t r : {int64_t(0), int64_t(17), set.size() - 1}) {
    std::vector<QueryMatch> m = all.nearest(row_of(set, r), set.rows[size_t(r)].arch, 3);
    REQUIRE(m.size() == 3);
    CHECK(m[0].row == r);
    CHECK(m[0].cosine == doctest::Approx(1.0f).epsilon(1e-5));
    CHECK(m[1].cosine <= m[0].cosine);
  }
  // Only TRI answers an MLP query: centred, the same object comes first for every query;
  // raw, the architectures' common vectors decide the ranking.
  const QueryGallery tri(set, QueryCentring::Gallery, {"TRI"}), tri_raw(set, QueryCentring::None, {"TRI"});
  int hits = 0, raw_hits = 0, queries = 0;
  for (int64_t r : set.select("", "MLP")) {
    ++queries;
    CHECK(tri.centred_on(row_of(set, r), "MLP") == "MLP");  // --archs chooses answers, not means
    std::vector<QueryMatch> m = tri.nearest(row_of(set, r), "MLP", 1), raw = tri_raw.nearest(row_of(set, r), "MLP", 1);
    REQUIRE(m.size() == 1);
    CHECK(set.rows[size_t(m[0].row)].arch == "TRI");
    hits += set.rows[size_t(m[0].row)].object == set.rows[size_t(r)].object;
    raw_hits += set.rows[size_t(raw[0].row)].object == set.rows[size_t(r)].object;
  }
  CHECK(hits == queries);
  CHECK(raw_hits < queries / 2);
  CHECK(tri_raw.centred_on(row_of(set, 0), "MLP").empty());
  CHECK(tri.nearest(row_of(set, 0), "MLP", 100).size() == size_t(tri.candidates()));
}

TEST_CASE("query: a NeRF of an architecture the gallery lacks is centred on the nearest architecture's mean") {
  const EmbeddingSet set = offset_embeddings();
  // "TRI-8C" queries: the TRI rows with a little common vector of their own.
  const QueryGallery mlp(set, QueryCentring::Gallery, {"MLP"}), mlp_raw(set, QueryCentring::None, {"MLP"});
  int hits = 0, raw_hits = 0, queries = 0;
  for (int64_t r : set.select("", "TRI")) {
    ++queries;
    std::vector<float> z = row_of(set, r);
    z[1] += 1.0f;
    CHECK(mlp.centred_on(z, "TRI-8C") == "TRI");
    const int64_t m = mlp.nearest(z, "TRI-8C", 1)[0].row, raw = mlp_raw.nearest(z, "TRI-8C", 1)[0].row;
    hits += set.rows[size_t(m)].object == set.rows[size_t(r)].object;
    raw_hits += set.rows[size_t(raw)].object == set.rows[size_t(r)].object;
  }
  CHECK(hits >= queries * 9 / 10);
  CHECK(raw_hits < queries / 2);
}

TEST_CASE("query: --archs naming an architecture the gallery lacks is an error naming it and the gallery") {
  const EmbeddingSet set = offset_embeddings();
  CHECK_THROWS_WITH_AS(QueryGallery(set, QueryCentring::Gallery, {"TRI", "TRI-99"}, "g.safetensors"),
                       doctest::Contains("g.safetensors: no NeRF of architecture 'TRI-99' in the gallery (it holds MLP, "
                                         "TRI, HASH)"),
                       Error);
}

TEST_CASE("query: a 10k-row gallery finds a row of its own first, with k nearest in order") {
  test::ClusterSpec spec;
  spec.classes = 13;
  spec.train = 256;
  spec.val = 0;
  spec.test = 0;
  spec.dim = 128;
  const EmbeddingSet set = test::clustered_embeddings(spec);  // 13 x 256 x 3 = 9,984 rows
  const QueryGallery g(set, QueryCentring::Gallery);
  const std::vector<QueryMatch> m = g.nearest(row_of(set, 123), "TRI", 10);
  // Speed is measured by the command (its stderr breakdown; README "Query by NeRF"), not here.
  REQUIRE(m.size() == 10);
  CHECK(m.front().row == 123);
  for (size_t i = 1; i < m.size(); ++i) CHECK(m[i - 1].cosine >= m[i].cosine);
}

TEST_CASE("query cli: a NeRF finds itself first, a perturbed copy finds its original, --json has the fields") {
  const QueryFixture& f = query_fixture();
  const NerfEntry& tri = *std::find_if(f.nerfs.begin(), f.nerfs.end(), [](const NerfEntry& e) { return e.arch == "TRI"; });
  test::CliRun r = test::run_wsnerf("query --device cpu --encoder " + f.encoder + " --gallery " + f.gallery + " --nerf " + tri.path +
                 " --k 4 --json");
  REQUIRE_MESSAGE(r.status == 0, r.err);
  nlohmann::json j = nlohmann::json::parse(r.out);
  CHECK(j["gallery"] == f.gallery);
  CHECK(j["gallery_rows"] == f.nerfs.size());
  CHECK(j["candidates"] == f.nerfs.size());
  CHECK(j["dim"] == 16);
  CHECK(j["k"] == 4);
  CHECK(j["centre"] == "gallery");
  REQUIRE(j["queries"].size() == 1);
  const nlohmann::json& q = j["queries"][0];
  CHECK(q["nerf"] == tri.path);
  CHECK(q["object"] == tri.object);
  CHECK(q["arch"] == "TRI");
  CHECK(q["centred_on"] == "TRI");
  REQUIRE(q["neighbours"].size() == 4);
  const nlohmann::json& first = q["neighbours"][0];
  CHECK(first["rank"] == 1);
  CHECK(first["nerf"] == tri.path);
  CHECK(first["object"] == tri.object);
  CHECK(first["class"] == tri.cls);
  CHECK(first["arch"] == "TRI");
  CHECK(first["cosine"].get<double>() == doctest::Approx(1.0).epsilon(1e-5));
  for (const char* key : {"rank", "cosine", "object", "class", "arch", "split", "nerf"}) CHECK(first.contains(key));
  CHECK(r.err.find("query: 1 NeRF against 18 gallery rows") != std::string::npos);

  // A copy of another NeRF with its weights nudged (not in the gallery) finds that NeRF first.
  const NerfEntry& hash = *std::find_if(f.nerfs.begin(), f.nerfs.end(), [](const NerfEntry& e) { return e.arch == "HASH"; });
  NerfFile n = load_nerf(hash.path);
  for (int64_t i = 0; i < n.mlp.numel(); i += 7) n.mlp.f32()[i] *= 1.01f;
  const std::string copy = test::temp_path("query_nudged.safetensors");
  save_nerf(copy, n);
  r = test::run_wsnerf("query --device cpu --encoder " + f.encoder + " --gallery " + f.gallery + " --nerf " + copy + " --k 2");
  REQUIRE_MESSAGE(r.status == 0, r.err);
  CHECK(r.out.find("query " + copy + " (" + hash.object + ", HASH): cosine, centred on the gallery's HASH mean") == 0);
  const size_t line = r.out.find("\n     1 ");
  REQUIRE(line != std::string::npos);
  CHECK(r.out.substr(line, r.out.find('\n', line + 1) - line).find(hash.path) != std::string::npos);
}

TEST_CASE("query cli: --archs filters, a JSON-spec architecture the gallery lacks is answered, --out draws the sheet") {
  const QueryFixture& f = query_fixture();
  const std::string mlp =
      std::find_if(f.nerfs.begin(), f.nerfs.end(), [](const NerfEntry& e) { return e.arch == "MLP"; })->path;
  const std::string custom = custom_arch_nerf(mlp), sheet = test::temp_path("query_sheet.png");
  test::CliRun r = test::run_wsnerf("query --device cpu --encoder " + f.encoder + " --gallery " + f.gallery + " --nerf " + mlp + "," +
                 custom + " --k 3 --archs TRI,HASH --json --thumbnails names --out " + sheet);
  REQUIRE_MESSAGE(r.status == 0, r.err);
  nlohmann::json j = nlohmann::json::parse(r.out);
  CHECK(j["candidates"] == 12);  // 6 objects x (TRI, HASH)
  REQUIRE(j["queries"].size() == 2);
  for (const nlohmann::json& q : j["queries"]) {
    REQUIRE(q["neighbours"].size() == 3);
    for (const nlohmann::json& nb : q["neighbours"]) CHECK((nb["arch"] == "TRI" || nb["arch"] == "HASH"));
  }
  // list_nerf_files sorts the paths: find each query by its file.
  const auto mlp_q = j["queries"][0]["nerf"] == mlp ? j["queries"][0] : j["queries"][1];
  const auto custom_q = j["queries"][0]["nerf"] == custom ? j["queries"][0] : j["queries"][1];
  CHECK(mlp_q["centred_on"] == "MLP");
  CHECK(custom_q["arch"] == "MLP-5L48");
  CHECK(custom_q["centred_on"].is_string());  // one of the gallery's architectures
  Image img = load_image(sheet);
  RetrievalSheetLayout layout;
  CHECK(img.width == layout.width(3));
  CHECK(img.height == layout.height(2));
}

TEST_CASE("query cli: errors name the file or value: missing NeRF, missing gallery, another dimension, --archs") {
  const QueryFixture& f = query_fixture();
  const std::string base = "query --device cpu --encoder " + f.encoder + " ";
  const std::string nerf = f.nerfs.front().path;
  test::CliRun r = test::run_wsnerf(base + "--gallery " + f.gallery + " --nerf " + test::temp_path("no_such_nerf.safetensors"));
  CHECK(r.status == 1);
  CHECK(r.err.find("no such file or folder: ") != std::string::npos);
  CHECK(r.err.find("no_such_nerf.safetensors") != std::string::npos);

  r = test::run_wsnerf(base + "--gallery " + test::temp_path("no_such_gallery.safetensors") + " --nerf " + nerf);
  CHECK(r.status == 1);
  CHECK(r.err.find("no_such_gallery.safetensors") != std::string::npos);

  test::ClusterSpec spec;
  spec.dim = 8;
  const std::string other = test::temp_path("query_dim8.safetensors");
  save_embeddings(other, test::clustered_embeddings(spec));
  r = test::run_wsnerf(base + "--gallery " + other + " --nerf " + nerf);
  CHECK(r.status == 1);
  CHECK(r.err.find("makes 16-dimensional embeddings, the gallery " + other + " holds 8-dimensional ones") !=
        std::string::npos);

  r = test::run_wsnerf(base + "--gallery " + f.gallery + " --nerf " + nerf + " --archs TRI,TRI-8C");
  CHECK(r.status == 1);
  CHECK(r.err.find(f.gallery + ": no NeRF of architecture 'TRI-8C' in the gallery (it holds ") != std::string::npos);

  r = test::run_wsnerf(base + "--gallery " + f.gallery + " --nerf " + nerf + " --centre arch");
  CHECK(r.status == 1);
  CHECK(r.err.find("--centre: 'arch' is not one of gallery, none") != std::string::npos);
  CHECK(test::run_wsnerf(base + "--gallery " + f.gallery).err.find("--nerf") != std::string::npos);
}
