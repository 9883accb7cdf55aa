// Reading a NeRF's function: the field signature (`embed --encoder field`), and what the
// encoder can read of it: node probe features (GmnConfig::probe_grid) and the field
// readout (GmnConfig::field_grid).
#include <doctest/doctest.h>

#include <cmath>
#include <fstream>
#include <numeric>

#include "core/rng.h"

#include <nlohmann/json.hpp>
#include "data/nerf_dataset.h"
#include "models/gmn/checkpoint.h"
#include "models/gmn/embed.h"
#include "models/gmn/encoder.h"
#include "models/graph/node_probes.h"
#include "models/nerf/field_ops.h"
#include "models/nerf/field_signature.h"
#include "models/nerf/occupancy_bits.h"
#include "tests/pipeline_testing.h"
#include "tests/testing.h"

using namespace ws;

namespace {
// NeRF of `arch` with weights N(0, scale^2), so that every neuron is busy.
NerfFile random_nerf(const char* arch, uint64_t seed, float scale = 0.3f) {
  NerfFile f;
  FieldBatch b = init_field_batch(find_arch(arch), 1, seed, Device::cpu());
  store_field(b, 0, f);
  f.occupancy = Tensor::zeros({occupancy_bytes(f.occupancy_res)}, DType::U8);
  f.render_step = 0.01f;
  Rng rng(seed);
  for (Tensor* t : {&f.mlp, &f.encoding})
    if (t->defined())
      for (int64_t i = 0; i < t->numel(); ++i) t->f32()[i] = scale * rng.normal();
  return f;
}

float unlog(float v) { return std::copysign(std::expm1(std::fabs(v)), v); }  // inverse of sign(v) log(1 + |v|)
}  // namespace

TEST_CASE("field signature: opacity and opacity-weighted colour of the field at the grid's cell centres") {
  const int g = 3;
  const Tensor pts = field_signature_points(g);
  REQUIRE(pts.size(0) == 27);
  CHECK(pts.f32()[0] == doctest::Approx(1.0 / 6));
  CHECK(pts.f32()[3 * 1 + 2] == doctest::Approx(0.5));  // second point: z moves fastest (x-major)
  CHECK(pts.f32()[3 * 26] == doctest::Approx(5.0 / 6));
  std::vector<NerfFile> nerfs = {random_nerf("HASH-11T", 1), random_nerf("HASH-11T", 2)};
  const Tensor sig = field_signature(nerfs, g, Device::cpu());
  REQUIRE(sig.size(0) == 2);
  REQUIRE(sig.size(1) == 4 * 27);
  for (int b = 0; b < 2; ++b) {
    FieldBatch f = field_batch_from({nerfs[size_t(b)]}, Device::cpu());
    NoGradGuard ng;
    const Tensor raw = field_raw(f, pts.reshape({1, 27, 3})).value();  // [1, 27, 4] = (rgb, sigma)
    for (int k = 0; k < 27; ++k) {
      const float* v = raw.f32() + 4 * k;
      const float* s = sig.f32() + b * 4 * 27 + 4 * k;
      const double alpha = 1 - std::exp(-double(v[3]) * 1.4 / g);
      CHECK(s[0] == doctest::Approx(alpha).epsilon(1e-5));
      for (int c = 0; c < 3; ++c) CHECK(s[1 + c] == doctest::Approx(alpha * v[c]).epsilon(1e-5));
    }
  }
  CHECK_THROWS_WITH_AS(field_signature_points(0), doctest::Contains("grid size 0"), Error);
}

TEST_CASE("embed field: rows do not depend on batching or on the architectures around them") {
  const std::string data = test::random_nerf_dataset({"chair", "lamp"}, 3, {"MLP", "TRI", "HASH"});
  const std::vector<NerfEntry> nerfs = list_nerfs(data, {"MLP", "TRI", "HASH"}, {"train", "test"}, false);
  REQUIRE(nerfs.size() == 12);
  int64_t last = 0;
  const EmbeddingSet a = embed_field_signature(nerfs, Device::cpu(), 3, 4, [&](int64_t done, int64_t total) {
    CHECK(done > last);
    CHECK(total == 12);
    last = done;
  });
  CHECK(last == 12);
  CHECK(a.dim() == 4 * 64);
  CHECK(a.info.at("encoder") == kFieldEncoder);
  const EmbeddingSet one = embed_field_signature(nerfs, Device::cpu(), 1, 4);
  CHECK(one.embeddings.to_vector() == a.embeddings.to_vector());
  for (size_t i = 0; i < nerfs.size(); ++i) {
    CHECK(a.rows[i].object == nerfs[i].object);
    CHECK(a.rows[i].arch == nerfs[i].arch);
    const Tensor own = field_signature({load_nerf(nerfs[i].path)}, 4, Device::cpu());
    const float* row = a.embeddings.f32() + int64_t(i) * a.dim();
    CHECK(std::vector<float>(row, row + a.dim()) == own.to_vector());
  }
  const EmbeddingSet via_name = embed_nerfs(kFieldEncoder, nerfs, Device::cpu());
  CHECK(via_name.dim() == 4 * kFieldSignatureGrid * kFieldSignatureGrid * kFieldSignatureGrid);
}

TEST_CASE("node probes: output neurons hold the raw outputs the heads read, inputs the encoding, cells zero") {
  const Tensor pts = field_signature_points(2);
  for (const char* name : {"MLP-32H", "TRI-16W", "HASH-11T"}) {
    const NerfFile f = random_nerf(name, 3, 0.2f);
    const GraphTemplate& t = graph_template(f.arch);
    const std::vector<float> params = f.flat_params();
    const Tensor probes = node_probe_features(t, params.data(), pts);
    REQUIRE(probes.size(0) == t.nodes);
    REQUIRE(probes.size(1) == 8);
    FieldBatch b = field_batch_from({f}, Device::cpu());
    NoGradGuard ng;
    const Tensor x = pts.reshape({1, 8, 3});
    const Tensor raw = field_raw(b, x).value();                           // [1, 8, 4]
    const Tensor in = field_input(f.arch, x, b.encoding).value();        // [1, 8, widths[0]]
    const int64_t W0 = in.size(2);
    for (int k = 0; k < 8; ++k) {
      const float* out = raw.f32() + 4 * k;
      const std::vector<int32_t>& o = t.mlp_nodes.back();
      for (int c = 0; c < 3; ++c)
        CHECK_MESSAGE(1 / (1 + std::exp(-unlog(probes.f32()[o[size_t(c)] * 8 + k]))) == doctest::Approx(out[c]).epsilon(1e-4),
                      name, " rgb ", c);
      CHECK_MESSAGE(std::exp(unlog(probes.f32()[o[3] * 8 + k]) - 1) == doctest::Approx(out[3]).epsilon(1e-3), name,
                    " density");
      for (int64_t c = 0; c < W0; c += 5)
        CHECK_MESSAGE(unlog(probes.f32()[t.mlp_nodes[0][size_t(c)] * 8 + k]) ==
                          doctest::Approx(in.f32()[k * W0 + c]).epsilon(1e-4),
                      name, " input column ", c);
    }
    // nodes that hold values rather than compute them (tri-plane cells, hash entries): zeros
    int64_t holders = 0;
    for (int64_t n = 0; n < t.nodes; ++n)
      if (t.node_type[size_t(n)] != kNodeNeuron && t.node_order[size_t(n)] >= 0) {
        ++holders;
        for (int k = 0; k < 8; ++k) CHECK(probes.f32()[n * 8 + k] == 0.0f);
      }
    CHECK_MESSAGE((holders > 0) == (f.arch.family != Family::Mlp), name);
  }
}

namespace {
GmnConfig probe_config(int grid) {
  GmnConfig c{16, 3, 24};
  c.probe_grid = grid;
  return c;
}

std::vector<float> embed_one(const GmnEncoder& enc, const GmnConfig& cfg, const GraphTemplate& t,
                             const std::vector<float>& p) {
  NoGradGuard ng;
  return enc.forward(make_graph_batch({&t}, {p.data()}, Device::cpu(), {cfg.probe_grid})).value().to_vector();
}
}  // namespace

TEST_CASE("gmn with node probes: invariant to permuting hidden neurons, sensitive to the function") {
  const GmnConfig cfg = probe_config(2);
  ParamSet ps;
  GmnEncoder enc(cfg, ps);
  ps.materialize(Device::cpu());
  enc.init(4);
  for (const char* name : {"MLP-32H", "TRI-16W", "HASH-11T"}) {
    const NerfFile f = random_nerf(name, 5);
    const ArchSpec& a = f.arch;
    const GraphTemplate& t = graph_template(a);
    const std::vector<float> p = f.flat_params();
    // swap hidden neurons 0 and 1 of the first hidden layer: rows of W_1, columns of W_2
    std::vector<float> q = p;
    const std::vector<int> w = a.layer_widths();
    const int64_t w1 = a.encoding_params(), w2 = w1 + int64_t(w[0]) * w[1];
    for (int i = 0; i < w[0]; ++i) std::swap(q[size_t(w1 + i)], q[size_t(w1 + w[0] + i)]);
    for (int o = 0; o < w[2]; ++o) std::swap(q[size_t(w2 + o * w[1])], q[size_t(w2 + o * w[1] + 1)]);
    REQUIRE(p != q);
    test::check_close(embed_one(enc, cfg, t, q), embed_one(enc, cfg, t, p), 1e-5, 1e-4,
                      str_cat(name, ": embedding after permuting hidden neurons"));
    // the probes carry the function: the same weights with probes zeroed embed differently
    GraphBatch b = make_graph_batch({&t}, {p.data()}, Device::cpu(), {cfg.probe_grid});
    NoGradGuard ng;
    const std::vector<float> with = enc.forward(b).value().to_vector();
    b.node_probe.zero_();
    const std::vector<float> without = enc.forward(b).value().to_vector();
    double diff = 0;
    for (size_t i = 0; i < with.size(); ++i) diff += std::fabs(with[i] - without[i]);
    CHECK_MESSAGE(diff > 1e-3, name);
  }
}

TEST_CASE("gmn with node probes and a field readout: finite-difference gradients of their layers") {
  GmnConfig cfg = probe_config(2);
  cfg.field_grid = 2;
  const ArchSpec a = ArchSpec::from_json({{"family", "mlp"}, {"freq_bands", 1}, {"hidden_layers", 1}, {"hidden_dim", 3}},
                                         "test");
  const GraphTemplate& t = graph_template(a);
  std::vector<float> p0(size_t(t.edges)), p1(size_t(t.edges));
  Rng rng(6);
  for (float& v : p0) v = 0.5f * rng.normal();
  for (float& v : p1) v = 0.5f * rng.normal();
  GraphBatch b = make_graph_batch({&t, &t}, {p0.data(), p1.data()}, Device::cpu(), {cfg.probe_grid, cfg.field_grid});
  ParamSet ps;
  GmnEncoder enc(cfg, ps);
  ps.materialize(Device::cpu());
  enc.init(7);
  const Tensor w = test::random_tensor({2, 24}, 8);
  const int checked = test::check_param_gradients(
      ps, [&] { return sum(mul(enc.forward(b), Var(w))); },
      [](const std::string& name) { return name.find("n_probe") != std::string::npos || name.find("f_read") != std::string::npos; },
      20);
  CHECK(checked > 30);
}

TEST_CASE("gmn with node probes: settings are checked, kept in checkpoints, and a batch without probes is refused") {
  const GmnConfig c = GmnConfig::from_json({{"hidden", 8}, {"probe_grid", 3}}, "x.json");
  CHECK(c.probe_grid == 3);
  CHECK(c.probes() == 27);
  CHECK(GmnConfig::from_json(c.to_json(), "again") == c);
  CHECK(GmnConfig::from_json(GmnConfig{}.to_json(), "default").probe_grid == 0);
  CHECK_FALSE(GmnConfig{}.to_json().contains("probe_grid"));  // old checkpoints and new ones without probes agree
  CHECK_THROWS_WITH_AS(GmnConfig::from_json({{"probe_grid", 9}}, "x.json"),
                       doctest::Contains("x.json: encoder 'probe_grid' must be an integer in [0, 8]"), Error);
  CHECK(GmnConfig::from_json({{"field_grid", 5}}, "x.json").field_inputs() == 500);
  CHECK_THROWS_WITH_AS(GmnConfig::from_json({{"field_grid", 17}}, "x.json"),
                       doctest::Contains("x.json: encoder 'field_grid' must be an integer in [0, 16]"), Error);
  CHECK_THROWS_WITH_AS(GmnConfig::from_json({{"probe_grid", 2.5}}, "x.json"),
                       doctest::Contains("'probe_grid' must be an integer"), Error);
  ParamSet ps;
  GmnEncoder enc(c, ps);
  ps.materialize(Device::cpu());
  enc.init(1);
  const GraphTemplate& t = graph_template(find_arch("MLP-32H"));
  const std::vector<float> p(size_t(t.edges), 0.1f);
  CHECK_THROWS_WITH_AS(enc.forward(make_graph_batch({&t}, {p.data()}, Device::cpu())),
                       doctest::Contains("probe_grid 3 needs a batch with 27 node probes"), Error);
  const std::string path = test::temp_path("probe_encoder.safetensors");
  save_encoder(path, enc, ps);
  CHECK(read_encoder_config(path) == c);
}

TEST_CASE("embed field cli: a gallery of three architectures that query --encoder field searches across them") {
  const std::string data = test::random_nerf_dataset({"chair", "lamp"}, 3, {"MLP", "TRI", "HASH"});
  const std::string gallery = test::temp_path("field_gallery.safetensors");
  test::CliRun r = test::run_wsnerf("embed --encoder field --data " + data + " --split test --out " + gallery);
  REQUIRE_MESSAGE(r.status == 0, r.err);
  CHECK(r.out.find("6 embeddings of dimension 16384") != std::string::npos);
  r = test::run_wsnerf("eval-retrieve --embeddings " + gallery + " --centre none --json");
  CHECK_MESSAGE(r.status == 0, r.err);
  // A gallery NeRF as its own query: the nearest neighbour is itself, cosine 1, raw.
  const std::vector<NerfEntry> tests = list_nerfs(data, {"HASH"}, {"test"}, false);
  REQUIRE(!tests.empty());
  const std::string query = tests[0].path;
  r = test::run_wsnerf("query --encoder field --gallery " + gallery + " --nerf " + query + " --k 3 --json --centre none");
  REQUIRE_MESSAGE(r.status == 0, r.err);
  const nlohmann::json first = nlohmann::json::parse(r.out)["queries"][0]["neighbours"][0];
  CHECK(first["object"] == tests[0].object);
  CHECK(first["arch"] == "HASH");
  CHECK(first["cosine"].get<double>() > 0.999);
  // A field gallery with a checkpoint or flat weights, and the reverse, are refused by name.
  r = test::run_wsnerf("query --encoder weights --gallery " + gallery + " --nerf " + query);
  CHECK(r.status != 0);
  CHECK(r.err.find("query it with --encoder field") != std::string::npos);
  const std::string flat = test::temp_path("field_vs_flat.safetensors");
  REQUIRE(test::run_wsnerf("embed --encoder weights --data " + data + " --archs TRI --out " + flat).status == 0);
  r = test::run_wsnerf("query --encoder field --gallery " + flat + " --nerf " + query);
  CHECK(r.status != 0);
  CHECK(r.err.find("query it with --encoder weights") != std::string::npos);
}

TEST_CASE("gmn with a field readout: z is the graph's readout plus f_read of the field signature, references cancel") {
  GmnConfig plain{16, 2, 12};
  plain.reference = EncoderReference::Zeros;
  GmnConfig cfg = plain;
  cfg.field_grid = 2;
  CHECK(GmnConfig::from_json(cfg.to_json(), "again") == cfg);
  ParamSet ps;
  GmnEncoder enc(cfg, ps);
  ps.materialize(Device::cpu());
  enc.init(3);
  // The same parameters without the field readout: an encoder of `plain` sharing every value.
  ParamSet ps_plain;
  GmnEncoder enc_plain(plain, ps_plain);
  ps_plain.materialize(Device::cpu());
  for (const Param& p : ps_plain.params()) ps_plain.get(p.name).value().copy_from(ps.get(p.name).value());
  const NerfFile a = random_nerf("TRI-16W", 4), b = random_nerf("MLP-32H", 5);
  const std::vector<float> pa = a.flat_params(), pb = b.flat_params();
  const GraphTemplate &ta = graph_template(a.arch), &tb = graph_template(b.arch);
  const std::vector<float> za(size_t(ta.edges), 0.0f), zb(size_t(tb.edges), 0.0f);
  NoGradGuard ng;
  const GraphBatch batch = make_graph_batch({&ta, &tb}, {pa.data(), pb.data()}, {za.data(), zb.data()}, Device::cpu(),
                                            {0, cfg.field_grid});
  REQUIRE(batch.field_signature.size(0) == 4);  // two NeRFs, two reference graphs
  REQUIRE(batch.field_signature.size(1) == 32);
  test::check_close(batch.field_signature.slice_rows(0, 1).to_vector(),
                    field_signature({a}, cfg.field_grid, Device::cpu()).to_vector(), 0, 0, "signature of NeRF a");
  const Tensor z = enc.forward(batch).value();
  const Tensor z_plain = enc_plain.forward(batch).value();
  // f_read of the NeRF's signature minus f_read of its reference's: the bias cancels.
  const Tensor w = ps.get("enc.f_read.weight").value();  // [12, 32]
  for (int g = 0; g < 2; ++g) {
    const float* s = batch.field_signature.f32() + g * 32;
    const float* r = batch.field_signature.f32() + (2 + g) * 32;
    for (int o = 0; o < 12; ++o) {
      double want = z_plain.f32()[g * 12 + o];
      for (int k = 0; k < 32; ++k) want += double(w.f32()[o * 32 + k]) * (s[k] - r[k]);
      CHECK(z.f32()[g * 12 + o] == doctest::Approx(want).epsilon(1e-4));
    }
  }
  // A batch built without signatures is refused by name.
  CHECK_THROWS_WITH_AS(enc.forward(make_graph_batch({&ta}, {pa.data()}, {za.data()}, Device::cpu())),
                       doctest::Contains("field_grid 2 needs a batch with 32 field signature values"), Error);
}
