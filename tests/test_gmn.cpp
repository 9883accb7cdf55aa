#include <algorithm>
#include <cmath>
#include <numeric>

#include "engine/optim.h"
#include "kernels/gmn.h"
#include "core/rng.h"
#include "models/gmn/checkpoint.h"
#include "models/gmn/encoder.h"
#include "models/gmn/fused_ops.h"
#include "tests/testing.h"

using namespace ws;
using ws::test::check_close;
using ws::test::check_gradients;
using ws::test::random_indices;
using ws::test::random_tensor;

namespace {
// A tiny MLP-family architecture: 6 frequency inputs padded to 16, one hidden layer of 3.
ArchSpec tiny_arch() {
  return ArchSpec::from_json({{"family", "mlp"}, {"freq_bands", 1}, {"hidden_layers", 1}, {"hidden_dim", 3}}, "test");
}

std::vector<float> random_params(int64_t n, uint64_t seed, float scale = 0.3f) {
  Rng rng(seed);
  std::vector<float> v(static_cast<size_t>(n));
  for (float& x : v) x = scale * rng.normal();
  return v;
}

GraphBatch batch_of(const std::vector<const GraphTemplate*>& ts, const std::vector<std::vector<float>>& params) {
  std::vector<const float*> ptrs;
  for (auto& p : params) ptrs.push_back(p.data());
  return make_graph_batch(ts, ptrs, Device::cpu());
}

// An encoder and its parameters, materialised on the CPU and initialised with `seed`.
struct ReadyEncoder {
  ParamSet ps;
  GmnEncoder enc;
  ReadyEncoder(const GmnConfig& cfg, uint64_t seed) : enc(cfg, ps) {
    ps.materialize(Device::cpu());
    enc.init(seed);
  }
};

std::vector<float> embed(const GmnEncoder& enc, const GraphBatch& b) {
  NoGradGuard ng;
  return enc.forward(b).value().to_vector();
}

// Permutes hidden layer `layer` (0-based) of an MLP stored in params [encoding; mlp]:
// rows of W_layer and the matching columns of W_{layer+1}. The network's function is unchanged.
void permute_hidden(std::vector<float>& params, const ArchSpec& a, int layer, uint64_t seed) {
  std::vector<int> w = a.layer_widths();
  int64_t off = a.encoding_params();
  for (int k = 0; k < layer; ++k) off += int64_t(w[size_t(k)]) * w[size_t(k + 1)];
  int in = w[size_t(layer)], hid = w[size_t(layer + 1)], out = w[size_t(layer + 2)];
  int64_t off2 = off + int64_t(in) * hid;
  std::vector<int> perm(static_cast<size_t>(hid));
  std::iota(perm.begin(), perm.end(), 0);
  Rng(seed).shuffle(perm);
  std::vector<float> old = params;
  for (int i = 0; i < hid; ++i) {
    for (int j = 0; j < in; ++j) params[size_t(off + perm[size_t(i)] * in + j)] = old[size_t(off + i * in + j)];
    for (int o = 0; o < out; ++o) params[size_t(off2 + o * hid + perm[size_t(i)])] = old[size_t(off2 + o * hid + i)];
  }
}
}  // namespace

// Finite-difference gradients of edge_linear and readout_relu_mean and their CPU/CUDA
// parity: the op registry (tests/op_cases_models.cpp).
TEST_CASE("edge_linear: naive values (fused CPU path and the plain path)") {
  for (int64_t E : {40, 2000}) {  // 2000 rows take the fused GEMM epilogue
    const int64_t K = 6, C = 16, T = 7;
    Tensor x = random_tensor({E, K}, 1), w = random_tensor({C, K}, 2), b = random_tensor({C}, 3);
    Tensor t0 = random_tensor({T, C}, 4), t1 = random_tensor({T, C}, 5), res = random_tensor({E, C}, 6);
    Tensor i0 = random_indices(E, int32_t(T), 7), i1 = random_indices(E, int32_t(T), 8);
    Csr g0 = csr_from_index(i0, T);
    Var y = edge_linear(Var(x), Var(w), Var(b), {EdgeGather{Var(t0), i0, g0}, EdgeGather{Var(t1), i1, Csr()}},
                        Var(res), true);
    std::vector<float> xv = x.to_vector(), wv = w.to_vector(), bv = b.to_vector(), t0v = t0.to_vector(),
                       t1v = t1.to_vector(), rv = res.to_vector(), want(size_t(E * C));
    std::vector<int32_t> i0v = i0.to_vector_i32(), i1v = i1.to_vector_i32();
    for (int64_t e = 0; e < E; ++e)
      for (int64_t c = 0; c < C; ++c) {
        double s = bv[size_t(c)] + t0v[size_t(i0v[size_t(e)] * C + c)] + t1v[size_t(i1v[size_t(e)] * C + c)] +
                   rv[size_t(e * C + c)];
        for (int64_t k = 0; k < K; ++k) s += double(xv[size_t(e * K + k)]) * wv[size_t(c * K + k)];
        want[size_t(e * C + c)] = float(std::max(s, 0.0));
      }
    check_close(y.value().to_vector(), want, 1e-5, 1e-5, str_cat("edge_linear E=", E));
  }
}

TEST_CASE("readout_relu_mean: per-graph mean of ReLU(x W^T + b)") {
  // three graphs; 5000 rows crosses the 4096-row tiles and takes the fused path
  for (int64_t E : {25, 5000}) {
    const int64_t K = 4, C = 16;
    std::vector<int32_t> offs = {0, int32_t(E / 3), int32_t(E / 3), int32_t(E)};  // graph 1 empty
    std::vector<int32_t> eg(static_cast<size_t>(E));
    for (int g = 0; g < 3; ++g)
      for (int32_t e = offs[size_t(g)]; e < offs[size_t(g + 1)]; ++e) eg[size_t(e)] = g;
    std::vector<float> inv = {1.0f / float(offs[1]), 0.0f, 1.0f / float(E - offs[2])};
    Csr graphs{Tensor::from(offs, {4}), Tensor()};
    Tensor egt = Tensor::from(eg, {E}), invt = Tensor::from(inv, {3});
    Tensor x = random_tensor({E, K}, 20), w = random_tensor({C, K}, 21), b = random_tensor({C}, 22);
    Var z = readout_relu_mean(Var(x), Var(w), Var(b), graphs, egt, invt);
    std::vector<float> xv = x.to_vector(), wv = w.to_vector(), bv = b.to_vector();
    std::vector<double> want(3 * C, 0.0);
    for (int64_t e = 0; e < E; ++e)
      for (int64_t c = 0; c < C; ++c) {
        double s = bv[size_t(c)];
        for (int64_t k = 0; k < K; ++k) s += double(xv[size_t(e * K + k)]) * wv[size_t(c * K + k)];
        want[size_t(eg[size_t(e)] * C + c)] += std::max(s, 0.0) * inv[size_t(eg[size_t(e)])];
      }
    check_close(z.value().to_vector(), std::vector<float>(want.begin(), want.end()), 1e-5, 1e-4,
                str_cat("readout E=", E));
  }
}

TEST_CASE("readout backward rows: mask bits select gz[graph] * inv_count, exactly, vectorised or not") {
  // g[r, c] = mask bit (r, c) ? gz[graph[r], c] * inv_count[graph[r]] : 0; C = 24 takes the
  // CPU's 8-lane path, C = 13 the shared body (the dispatch falls back when C % 8 != 0);
  // 300 x 1032 is split over threads and into column blocks (a row is wider than one block).
  for (int64_t C : {24, 13, 1032}) {
    const int64_t R = C > 1024 ? 300 : 37, G = 3, nb = (C + 7) / 8;
    std::vector<uint8_t> bits(static_cast<size_t>(R * nb));
    for (size_t i = 0; i < bits.size(); ++i) bits[i] = uint8_t((i * 73 + 11) % 256);
    std::vector<int32_t> graph(static_cast<size_t>(R));
    for (int64_t r = 0; r < R; ++r) graph[size_t(r)] = int32_t(r * G / R);
    std::vector<float> inv = {0.5f, 0.25f, 1.0f / 3.0f};
    std::vector<float> gz = random_tensor({G, C}, 7).to_vector();
    std::vector<float> got(static_cast<size_t>(R * C), -1.0f), want(got.size(), -2.0f);
    masked_graph_rows(bits.data(), gz.data(), graph.data(), inv.data(), got.data(), R, C, Device::cpu());
    for (int64_t r = 0; r < R; ++r)
      for (int64_t c = 0; c < C; ++c) {
        const int32_t k = graph[size_t(r)];
        const bool on = (bits[size_t(r * nb + c / 8)] >> (c % 8)) & 1;
        want[size_t(r * C + c)] = on ? gz[size_t(k * C + c)] * inv[size_t(k)] : 0.0f;
      }
    CHECK(got == want);
    int on = 0;
    for (float v : got) on += v != 0.0f;
    CHECK(on > 0);
    CHECK(on < R * C);  // both branches of the select taken
  }
}

TEST_CASE("gmn: finite-difference gradients of the encoder's parameters on a small graph") {
  const GraphTemplate& t = graph_template(tiny_arch());
  GraphBatch b = batch_of({&t, &t}, {random_params(t.edges, 1), random_params(t.edges, 2)});
  ReadyEncoder ready({4, 2, 8}, 3);  // one node+edge block, one edge-only block
  ParamSet& ps = ready.ps;
  GmnEncoder& enc = ready.enc;
  Tensor w = random_tensor({2, 8}, 4);
  const int checked = test::check_param_gradients(ps, [&] { return sum(mul(enc.forward(b), Var(w))); });
  CHECK(checked > 60);
}

TEST_CASE("gmn: permuting hidden neurons of a NeRF leaves its embedding unchanged, for each family") {
  ReadyEncoder ready({16, 4, 32}, 5);
  GmnEncoder& enc = ready.enc;
  for (const char* name : {"MLP-32H", "TRI-16W", "HASH-11T"}) {
    ArchSpec a = find_arch(name);
    const GraphTemplate& t = graph_template(a);
    std::vector<float> p = random_params(t.edges, 6), q = p;
    permute_hidden(q, a, 0, 7);
    permute_hidden(q, a, 1, 8);
    CHECK_MESSAGE(p != q, name);
    std::vector<float> zp = embed(enc, batch_of({&t}, {p})), zq = embed(enc, batch_of({&t}, {q}));
    check_close(zq, zp, 1e-5, 1e-4, str_cat(name, ": embedding after permuting hidden neurons"));
    // a change that is not a symmetry does change the embedding: shift the MLP weights
    std::vector<float> r = p;
    for (int64_t k = a.encoding_params(); k < t.edges; ++k) r[size_t(k)] += 0.5f;
    std::vector<float> zr = embed(enc, batch_of({&t}, {r}));
    double diff = 0;
    for (size_t i = 0; i < zr.size(); ++i) diff += std::fabs(zr[i] - zp[i]);
    CHECK_MESSAGE(diff > 1e-2, name, ": changed weights must change the embedding");
  }
}

TEST_CASE("gmn: renumbering the nodes of a graph changes nothing") {
  ReadyEncoder ready({16, 4, 32}, 9);
  GmnEncoder& enc = ready.enc;
  const GraphTemplate& t = graph_template(find_arch("TRI-16W"));
  std::vector<int32_t> perm(static_cast<size_t>(t.nodes));
  std::iota(perm.begin(), perm.end(), 0);
  Rng(10).shuffle(perm);
  GraphTemplate shuffled = permute_nodes(t, perm);
  CHECK(shuffled.dst != t.dst);
  std::vector<float> p = random_params(t.edges, 11);
  check_close(embed(enc, batch_of({&shuffled}, {p})), embed(enc, batch_of({&t}, {p})), 1e-5, 1e-4,
              "embedding of the renumbered graph");
}

TEST_CASE("gmn: a briefly trained encoder learns to tell two graph families apart") {
  // family 0: weights N(0, 0.3^2); family 1: the same plus a positive shift of the first layer
  const GraphTemplate& t = graph_template(tiny_arch());
  ParamSet ps;
  GmnEncoder enc({8, 2, 16}, ps);
  Linear head = Linear::declare(ps, "head", 16, 2);
  ps.materialize(Device::cpu());
  enc.init(12);
  head.init(13, 0);
  Adam opt(ps, AdamConfig::adamw(0.0f));
  std::vector<const GraphTemplate*> ts;
  std::vector<std::vector<float>> params;
  std::vector<int32_t> labels;
  for (int i = 0; i < 16; ++i) {
    std::vector<float> p = random_params(t.edges, 100 + i);
    if (i % 2)
      for (int k = 0; k < 48; ++k) p[size_t(k)] += 0.5f;
    ts.push_back(&t);
    params.push_back(p);
    labels.push_back(i % 2);
  }
  GraphBatch b = batch_of(ts, params);
  Tensor y = Tensor::from(labels, {16});
  float first = 0, last = 0;
  for (int step = 0; step < 60; ++step) {
    ps.zero_grad();
    Var loss = cross_entropy(head(enc.forward(b)), y);
    if (step == 0) first = loss.value().item();
    last = loss.value().item();
    backward(loss);
    opt.step(3e-3f);
  }
  MESSAGE("cross-entropy ", first, " -> ", last);
  CHECK(last < 0.25f * first);
}

TEST_CASE("gmn: checkpoints carry the configuration, another configuration fails clearly") {
  std::string path = test::temp_path("enc.safetensors");
  ReadyEncoder ready({8, 2, 16}, 14);
  ParamSet& ps = ready.ps;
  GmnEncoder& enc = ready.enc;
  save_encoder(path, enc, ps);
  CHECK(read_encoder_config(path) == GmnConfig{8, 2, 16});
  ParamSet ps2;
  GmnEncoder enc2(read_encoder_config(path), ps2);
  ps2.materialize(Device::cpu());
  load_encoder(path, enc2.config(), ps2);
  CHECK(ps2.values().to_vector() == ps.values().to_vector());
  ParamSet ps3;
  GmnEncoder enc3({8, 3, 16}, ps3);
  ps3.materialize(Device::cpu());
  CHECK_THROWS_WITH_AS(load_encoder(path, enc3.config(), ps3), doctest::Contains("checkpoint of an encoder with"),
                       Error);
}

TEST_CASE("gmn: value_scale s on parameters p embeds like value_scale 1 on s*p, checkpoints keep it") {
  const GraphTemplate& t = graph_template(find_arch("TRI"));
  std::vector<float> p = random_params(t.edges, 21), sp = p;
  for (float& v : sp) v *= 30.0f;
  GmnConfig scaled{8, 2, 16}, plain{8, 2, 16};
  scaled.value_scale = 30.0f;
  ReadyEncoder s(scaled, 3), u(plain, 3);
  std::vector<float> a = embed(s.enc, batch_of({&t}, {p})), b = embed(u.enc, batch_of({&t}, {sp}));
  for (size_t i = 0; i < a.size(); ++i) CHECK(a[i] == doctest::Approx(b[i]).epsilon(1e-4));
  CHECK(a != embed(u.enc, batch_of({&t}, {p})));  // and the gain does change the embedding

  std::string path = test::temp_path("enc_scaled.safetensors");
  save_encoder(path, s.enc, s.ps);
  CHECK(read_encoder_config(path).value_scale == 30.0f);
  CHECK_THROWS_WITH_AS(load_encoder(path, plain, u.ps), doctest::Contains("value_scale"), Error);
}

TEST_CASE("gmn: position_scale s embeds like position_scale 1 with s times the position weights") {
  const GraphTemplate& t = graph_template(find_arch("TRI"));  // the family whose edges carry positions
  const GraphBatch b = batch_of({&t}, {random_params(t.edges, 22)});
  GmnConfig scaled{8, 2, 16}, plain{8, 2, 16};
  scaled.position_scale = 4.0f;
  ReadyEncoder s(scaled, 5), u(plain, 5);
  const std::vector<float> before = embed(u.enc, b);
  Tensor w = u.ps.get("enc.e_pos.lin.weight").value();
  for (int64_t i = 0; i < w.numel(); ++i) w.f32()[i] *= 4.0f;
  const std::vector<float> a = embed(s.enc, b), c = embed(u.enc, b);
  for (size_t i = 0; i < a.size(); ++i) CHECK(a[i] == doctest::Approx(c[i]).epsilon(1e-4));
  CHECK(a != before);  // and the gain does change the embedding

  std::string path = test::temp_path("enc_pos_scaled.safetensors");
  save_encoder(path, s.enc, s.ps);
  CHECK(read_encoder_config(path).position_scale == 4.0f);
  CHECK_THROWS_WITH_AS(load_encoder(path, plain, u.ps), doctest::Contains("position_scale"), Error);
}

TEST_CASE("gmn: encoder settings are checked: positive values, known keys") {
  CHECK(GmnConfig::from_json({{"hidden", 8}, {"position_scale", 2.5}}, "x.json") ==
        GmnConfig{8, 4, 1024, 1.0f, 2.5f});
  CHECK_THROWS_WITH_AS(GmnConfig::from_json({{"position_scale", -1}}, "x.json"),
                       doctest::Contains("x.json: encoder 'position_scale' must be a positive number"), Error);
  CHECK_THROWS_WITH_AS(GmnConfig::from_json({{"hidden", 8.5}}, "x.json"),
                       doctest::Contains("x.json: encoder 'hidden' must be a positive integer"), Error);
  CHECK_THROWS_WITH_AS(GmnConfig::from_json({{"blocks", 0}}, "x.json"),
                       doctest::Contains("encoder 'blocks' must be a positive integer"), Error);
  // A misspelt key would otherwise leave the gain at 1 without a word.
  CHECK_THROWS_WITH_AS(GmnConfig::from_json({{"postion_scale", 4}}, "preset p"),
                       doctest::Contains("preset p: unknown encoder key 'postion_scale'"), Error);
}

TEST_CASE("parity: the full encoder on CUDA matches the CPU") {
  if (!test::gpu_or_skip("gmn encoder")) return;
  const GraphTemplate& t = graph_template(find_arch("HASH-11T"));
  std::vector<float> p = random_params(t.edges, 15);
  ReadyEncoder ready({16, 4, 32}, 16);
  ParamSet& ps = ready.ps;
  GmnEncoder& enc = ready.enc;
  std::vector<float> zc = embed(enc, batch_of({&t}, {p}));
  ps.to(Device::cuda());
  GraphBatch bg = make_graph_batch({&t}, {p.data()}, Device::cuda());
  NoGradGuard ng;
  check_close(enc.forward(bg).value().to_vector(), zc, 1e-4, 1e-3, "encoder on CUDA");
}

TEST_CASE("gmn: with references, a NeRF embeds as its readout minus its reference's, gradients flow through both") {
  const GraphTemplate &tri = graph_template(find_arch("TRI")), &mlp = graph_template(find_arch("MLP"));
  std::vector<float> a = random_params(tri.edges, 31), b = random_params(tri.edges, 32), c = random_params(mlp.edges, 33);
  std::vector<float> ref_tri = random_params(tri.edges, 34), ref_mlp(size_t(mlp.edges), 0.0f);
  ReadyEncoder r({8, 2, 16}, 5);
  // Two TRI NeRFs share one reference graph: the batch holds 3 + 2 graphs.
  GraphBatch with = make_graph_batch({&tri, &tri, &mlp}, {a.data(), b.data(), c.data()},
                                     {ref_tri.data(), ref_tri.data(), ref_mlp.data()}, Device::cpu());
  CHECK(with.graphs == 5);
  CHECK(with.main_graphs() == 3);
  std::vector<float> z = embed(r.enc, with);
  std::vector<float> plain = embed(r.enc, batch_of({&tri, &tri, &mlp, &tri, &mlp}, {a, b, c, ref_tri, ref_mlp}));
  REQUIRE(z.size() == 3 * 16);
  for (int g = 0; g < 3; ++g)
    for (int k = 0; k < 16; ++k) {
      const int ref = g < 2 ? 3 : 4;
      CHECK(z[size_t(g * 16 + k)] == doctest::Approx(plain[size_t(g * 16 + k)] - plain[size_t(ref * 16 + k)]).epsilon(1e-5));
    }
  // A NeRF equal to its reference embeds to zero.
  std::vector<float> zero = embed(r.enc, make_graph_batch({&tri}, {ref_tri.data()}, {ref_tri.data()}, Device::cpu()));
  for (float v : zero) CHECK(v == 0.0f);
  // The loss gradient reaches the encoder through the reference graphs too: with the
  // NeRF's graph alone the readout weights' gradient differs.
  auto grad_of = [&](const GraphBatch& g) {
    r.ps.zero_grad();
    backward(sum(square(r.enc.forward(g))));
    for (const Param& p : r.ps.params())
      if (p.name == "enc.readout.weight") return p.var.grad().to_vector();
    return std::vector<float>();
  };
  std::vector<float> g_with = grad_of(with), g_without = grad_of(batch_of({&tri, &tri, &mlp}, {a, b, c}));
  REQUIRE(!g_with.empty());
  CHECK(g_with != g_without);
}

TEST_CASE("gmn: the reference setting is checked, kept in checkpoints and refused when it differs") {
  GmnConfig cfg{8, 2, 16};
  cfg.reference = EncoderReference::Init;
  CHECK(GmnConfig::from_json(cfg.to_json(), "x") == cfg);
  CHECK(GmnConfig::from_json({{"hidden", 8}}, "x").reference == EncoderReference::None);  // older checkpoints
  CHECK_THROWS_WITH_AS(GmnConfig::from_json({{"reference", "mean"}}, "preset p"),
                       doctest::Contains("preset p: encoder 'reference': 'mean' is not one of none, zeros, init, delta"), Error);
  CHECK_THROWS_WITH_AS(GmnConfig::from_json({{"reference", 0}}, "preset p"), doctest::Contains("must be a string"), Error);
  ReadyEncoder r(cfg, 1);
  std::string path = test::temp_path("enc_ref.safetensors");
  save_encoder(path, r.enc, r.ps);
  CHECK(read_encoder_config(path).reference == EncoderReference::Init);
  ParamSet ps;
  GmnEncoder other(GmnConfig{8, 2, 16}, ps);
  ps.materialize(Device::cpu());
  CHECK_THROWS_WITH_AS(load_encoder(path, other.config(), ps), doctest::Contains("reference"), Error);
}
