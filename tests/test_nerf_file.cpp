// NeRF files: round trips through safetensors, FieldBatch conversion, strict validation.
#include <fstream>

#include "engine/io.h"
#include "models/graph/param_graph.h"
#include "models/nerf/nerf_file.h"
#include "models/nerf/occupancy_bits.h"
#include "tests/testing.h"

using namespace ws;
using ws::test::random_tensor;
using ws::test::temp_path;

namespace {
// NeRF b of a freshly initialised batch, with an occupancy grid of every third cell.
NerfFile make_nerf(const char* arch, int occ_res = kDefaultOccupancyRes, uint64_t seed = 1) {
  FieldBatch f = init_field_batch(find_arch(arch), 2, seed, Device::cpu());
  NerfFile n;
  store_field(f, 1, n);
  n.occupancy_res = occ_res;
  std::vector<uint8_t> flags(size_t(occ_res) * occ_res * occ_res);
  for (size_t i = 0; i < flags.size(); ++i) flags[i] = i % 3 == 0;
  std::vector<uint8_t> bits = pack_occupancy(flags);
  n.occupancy = Tensor::from(bits, {int64_t(bits.size())});
  n.render_step = 0.00236811f;
  n.object = "chair/1a2b";
  n.cls = "chair";
  n.stats = {{"psnr_heldout", "31.25"}, {"fit_steps", "3000"}};
  return n;
}

// The file's tensors and metadata, with one tensor replaced (or removed when t is undefined).
void rewrite(const std::string& src, const std::string& dst, const std::string& name, const Tensor& t,
             const Metadata* meta = nullptr) {
  TensorFile tf = load_safetensors(src);
  NamedTensors out;
  for (auto& [n, v] : tf.tensors)
    if (n != name) out.push_back({n, v});
    else if (t.defined()) out.push_back({n, t});
  save_safetensors(dst, out, meta ? *meta : tf.metadata);
}
}  // namespace

TEST_CASE("NeRF files round-trip every family, metadata and statistics included") {
  for (const char* arch : {"MLP", "TRI", "HASH", "TRI-8C"}) {
    NerfFile n = make_nerf(arch, std::string(arch) == "TRI" ? 64 : kDefaultOccupancyRes);
    const std::string path = temp_path(str_cat("rt_", arch, ".safetensors"));
    save_nerf(path, n);
    NerfFile m = load_nerf(path);
    CHECK(m.arch.same_shape(n.arch));
    CHECK(m.arch.name == arch);
    CHECK(m.mlp.to_vector() == n.mlp.to_vector());
    CHECK(m.encoding.defined() == n.encoding.defined());
    if (n.encoding.defined()) {
      CHECK(m.encoding.shape() == n.encoding.shape());
      CHECK(m.encoding.to_vector() == n.encoding.to_vector());
    }
    CHECK(m.occupancy_res == n.occupancy_res);
    std::vector<uint8_t> a(m.occupancy.u8(), m.occupancy.u8() + m.occupancy.numel()),
        b(n.occupancy.u8(), n.occupancy.u8() + n.occupancy.numel());
    CHECK(a == b);
    CHECK(m.render_step == n.render_step);
    CHECK(m.object == "chair/1a2b");
    CHECK(m.cls == "chair");
    CHECK(m.stats == n.stats);
    // On disk: the authors' tensor names and the format's metadata, strings only.
    TensorFile tf = load_safetensors(path);
    CHECK(tf.meta("format") == "wsnerf.nerf/1");
    CHECK(tf.has("mlp_base.params"));
    CHECK(tf.has("occupancy"));
    CHECK(tf.has("triplane") == (m.arch.family == Family::Tri));
    CHECK(tf.has("encoding.params") == (m.arch.family == Family::Hash));
    CHECK(tf.metadata.count("occupancy_res") == (m.occupancy_res != 96 ? 1u : 0u));
    CHECK(nlohmann::json::parse(tf.meta("arch")) == n.arch.to_json());
  }
}

TEST_CASE("NeRF files: flat parameters in the graph builder's order and FieldBatch round trip") {
  NerfFile tri = make_nerf("TRI");
  std::vector<float> flat = tri.flat_params(), enc = tri.encoding.to_vector(), mlp = tri.mlp.to_vector();
  REQUIRE(int64_t(flat.size()) == tri.arch.total_params());
  CHECK(std::vector<float>(flat.begin(), flat.begin() + int64_t(enc.size())) == enc);
  CHECK(std::vector<float>(flat.begin() + int64_t(enc.size()), flat.end()) == mlp);
  CHECK(int64_t(graph_template(tri.arch).edge_features(flat).size()) == 6 * tri.arch.total_params());

  // files -> FieldBatch -> files: identical parameters and identical field values.
  std::vector<NerfFile> files = {make_nerf("HASH", 96, 3), make_nerf("HASH", 96, 4)};
  FieldBatch f = field_batch_from(files, Device::cpu());
  CHECK(f.B == 2);
  for (int64_t b = 0; b < 2; ++b) {
    NerfFile back;
    store_field(f, b, back);
    CHECK(back.mlp.to_vector() == files[size_t(b)].mlp.to_vector());
    CHECK(back.encoding.to_vector() == files[size_t(b)].encoding.to_vector());
  }
  Tensor x = random_tensor({2, 50, 3}, 5, 0.0f, 1.0f);
  Tensor y = field_raw(f, x).value();
  clear_tape();
  for (int64_t b = 0; b < 2; ++b) {
    FieldBatch one = field_batch_from({files[size_t(b)]}, Device::cpu());
    Tensor yb = field_raw(one, x.slice_rows(b, b + 1)).value();
    clear_tape();
    CHECK(yb.to_vector() == y.slice_rows(b, b + 1).to_vector());
  }
  std::vector<NerfFile> mixed = {make_nerf("HASH"), make_nerf("HASH-3N")};
  CHECK_THROWS_WITH_AS(field_batch_from(mixed, Device::cpu()),
                       doctest::Contains("NeRF 1 is HASH-3N, not the same architecture as NeRF 0 (HASH)"), Error);
}

TEST_CASE("NeRF files: mismatches are rejected with errors naming the file") {
  const std::string good = temp_path("good.safetensors"), bad = temp_path("bad.safetensors");
  save_nerf(good, make_nerf("TRI"));

  // wrong shape
  rewrite(good, bad, "triplane", Tensor::zeros({3, 32, 32, 8}));
  CHECK_THROWS_WITH_AS(load_nerf(bad),
                       doctest::Contains("bad.safetensors: tensor 'triplane' has shape [3, 32, 32, 8], expected [3, 32, 32, 16]"),
                       Error);
  // missing tensor
  rewrite(good, bad, "mlp_base.params", Tensor());
  CHECK_THROWS_WITH_AS(load_nerf(bad), doctest::Contains("bad.safetensors: missing tensor 'mlp_base.params'"), Error);
  // wrong dtype
  rewrite(good, bad, "occupancy", Tensor::zeros({occupancy_bytes(96)}));
  CHECK_THROWS_WITH_AS(load_nerf(bad), doctest::Contains("bad.safetensors: tensor 'occupancy' is F32, expected U8"), Error);
  // bad occupancy size
  rewrite(good, bad, "occupancy", Tensor::zeros({1000}, DType::U8));
  CHECK_THROWS_WITH_AS(load_nerf(bad), doctest::Contains("tensor 'occupancy' has shape [1000], expected [110592]"), Error);

  TensorFile tf = load_safetensors(good);
  // wrong architecture in the metadata: the tensors are TRI's
  Metadata meta = tf.metadata;
  meta["arch"] = find_arch("HASH").to_json().dump();
  rewrite(good, bad, "", Tensor(), &meta);
  CHECK_THROWS_WITH_AS(load_nerf(bad), doctest::Contains("bad.safetensors: unexpected tensor 'triplane' for architecture HASH"),
                       Error);
  meta["arch"] = find_arch("TRI-16W").to_json().dump();
  rewrite(good, bad, "", Tensor(), &meta);
  CHECK_THROWS_WITH_AS(load_nerf(bad), doctest::Contains("expected [3, 16, 16, 16] (architecture TRI-16W)"), Error);
  meta["arch"] = "{not json";
  rewrite(good, bad, "", Tensor(), &meta);
  CHECK_THROWS_WITH_AS(load_nerf(bad), doctest::Contains("bad.safetensors: 'arch' metadata: not valid JSON"), Error);
  meta["arch"] = R"({"family": "tri", "tri_res": 1})";
  rewrite(good, bad, "", Tensor(), &meta);
  CHECK_THROWS_WITH_AS(load_nerf(bad), doctest::Contains("bad.safetensors (arch metadata): 'tri_res' = 1"), Error);
  // unknown format
  meta = tf.metadata;
  meta["format"] = "wsnerf.nerf/2";
  rewrite(good, bad, "", Tensor(), &meta);
  CHECK_THROWS_WITH_AS(load_nerf(bad), doctest::Contains("bad.safetensors: unknown format 'wsnerf.nerf/2' (expected wsnerf.nerf/1)"),
                       Error);
  meta.erase("format");
  rewrite(good, bad, "", Tensor(), &meta);
  CHECK_THROWS_WITH_AS(load_nerf(bad), doctest::Contains("no 'format' metadata"), Error);
  // a bad render step, a bad occupancy resolution
  meta = tf.metadata;
  meta["render_step"] = "fast";
  rewrite(good, bad, "", Tensor(), &meta);
  CHECK_THROWS_WITH_AS(load_nerf(bad), doctest::Contains("metadata 'render_step' = 'fast' is not a number"), Error);
  meta = tf.metadata;
  meta["occupancy_res"] = "64";
  rewrite(good, bad, "", Tensor(), &meta);
  CHECK_THROWS_WITH_AS(load_nerf(bad), doctest::Contains("expected [32768] (64^3 cells, one bit each)"), Error);
  // A render step so small that an 8x8 render takes minutes and gigabytes; an occupancy
  // resolution that would wrap from 2^32 + 64 to 64.
  meta = tf.metadata;
  meta["render_step"] = "1e-7";
  rewrite(good, bad, "", Tensor(), &meta);
  CHECK_THROWS_WITH_AS(load_nerf(bad), doctest::Contains("bad.safetensors: render_step 1e-07 is outside (1e-05, 1)"),
                       Error);
  meta = tf.metadata;
  meta["occupancy_res"] = "4294967360";
  rewrite(good, bad, "", Tensor(), &meta);
  CHECK_THROWS_WITH_AS(load_nerf(bad), doctest::Contains("metadata 'occupancy_res' = '4294967360' is out of range"),
                       Error);
  // NaN or infinite weights: an error naming the file and the tensor.
  std::vector<float> tri = tf.get("triplane").to_vector();
  tri[5] = NAN;
  rewrite(good, bad, "triplane", Tensor::from(tri, tf.get("triplane").shape()));
  CHECK_THROWS_WITH_AS(load_nerf(bad), doctest::Contains("bad.safetensors: tensor 'triplane' holds a non-finite value (element 5)"),
                       Error);
  std::vector<float> mlp = tf.get("mlp_base.params").to_vector();
  mlp.back() = INFINITY;
  rewrite(good, bad, "mlp_base.params", Tensor::from(mlp, tf.get("mlp_base.params").shape()));
  CHECK_THROWS_WITH_AS(load_nerf(bad), doctest::Contains("bad.safetensors: tensor 'mlp_base.params' holds a non-finite value"),
                       Error);

  // truncated file
  std::string bytes = read_file(good);
  write_file_atomic(bad, bytes.substr(0, bytes.size() - 100));
  CHECK_THROWS_WITH_AS(load_nerf(bad), doctest::Contains("bad.safetensors"), Error);
  CHECK_THROWS_WITH_AS(load_nerf(temp_path("missing.safetensors")), doctest::Contains("missing.safetensors"), Error);

  // save refuses inconsistent NeRFs
  NerfFile n = make_nerf("MLP");
  n.encoding = Tensor::zeros({4});
  CHECK_THROWS_WITH_AS(save_nerf(bad, n), doctest::Contains("(mlp) has no encoding tensor"), Error);
  n = make_nerf("MLP");
  n.stats["class"] = "x";
  CHECK_THROWS_WITH_AS(save_nerf(bad, n), doctest::Contains("statistic 'class' collides"), Error);
}
