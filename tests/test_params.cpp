#include <cmath>

#include "engine/params.h"
#include "engine/ops.h"
#include "core/rng.h"
#include "tests/testing.h"

using namespace ws;
using ws::test::check_close;
using ws::test::temp_path;

namespace {
// A two-layer model's parameters, declared and materialized.
struct Tiny {
  ParamSet ps;
  Var w1, b1, w2;
  explicit Tiny(Shape w2_shape = {2, 4}) {
    w1 = ps.add("enc.l0.weight", {4, 3});
    b1 = ps.add("enc.l0.bias", {4});
    w2 = ps.add("enc.l1.weight", w2_shape);
    ps.materialize(Device::cpu());
  }
};
}  // namespace

TEST_CASE("ParamSet: one slab for values, one for gradients, parameters are views in declaration order") {
  Tiny m;
  CHECK(m.ps.numel() == 12 + 4 + 8);
  CHECK(m.ps.values().shape() == Shape{24});
  CHECK(m.ps.grads().shape() == Shape{24});
  const auto& ps = m.ps.params();
  REQUIRE(ps.size() == 3);
  CHECK(ps[0].offset == 0);
  CHECK(ps[1].offset == 12);
  CHECK(ps[2].offset == 16);
  CHECK(ps[2].shape == Shape{2, 4});
  for (const Param& p : ps) {
    CHECK(p.var.value().same_storage(m.ps.values()));
    CHECK(p.var.grad().same_storage(m.ps.grads()));
    CHECK(p.var.requires_grad());
    CHECK(p.var.value().f32() == m.ps.values().f32() + p.offset);
  }
  CHECK(m.ps.get("enc.l0.bias").same_node(m.b1));
  for (float g : m.ps.grads().to_vector()) CHECK(g == 0.0f);

  // Writing the slab is writing the parameters.
  std::vector<float> v(24);
  for (size_t i = 0; i < v.size(); ++i) v[i] = float(i);
  m.ps.values().copy_from(Tensor::from(v, {24}));
  CHECK(m.b1.value().to_vector() == std::vector<float>{12, 13, 14, 15});
}

TEST_CASE("ParamSet: backward accumulates into the gradient slab, zero_grad clears it") {
  Tiny m;
  init_uniform(m.w1, -1, 1, 1);
  init_uniform(m.b1, -1, 1, 2);
  init_uniform(m.w2, -1, 1, 3);
  Tensor x = ws::test::random_tensor({5, 3}, 4);
  auto loss = [&] { return sum(linear(relu(linear(Var(x), m.w1, m.b1)), m.w2)); };
  backward(loss());
  std::vector<float> once = m.ps.grads().to_vector();
  double total = 0;
  for (float g : once) total += std::fabs(g);
  CHECK(total > 0);
  CHECK(m.w1.grad().same_storage(m.ps.grads()));  // not replaced by a fresh tensor
  backward(loss());
  std::vector<float> twice = m.ps.grads().to_vector(), doubled = once;
  for (float& g : doubled) g *= 2;
  check_close(twice, doubled, 1e-6, 1e-6, "accumulated gradient");
  m.ps.zero_grad();
  for (float g : m.ps.grads().to_vector()) CHECK(g == 0.0f);
}

TEST_CASE("ParamSet: misuse is reported by name") {
  ParamSet ps;
  ps.add("a", {2});
  CHECK_THROWS_WITH_AS(ps.add("a", {3}), doctest::Contains("parameter 'a' declared twice"), Error);
  CHECK_THROWS_WITH_AS(ps.get("enc.w"), doctest::Contains("no parameter 'enc.w'"), Error);
  CHECK_THROWS_WITH_AS(ps.zero_grad(), doctest::Contains("before materialize"), Error);
  ps.materialize(Device::cpu());
  CHECK_THROWS_WITH_AS(ps.add("b", {1}), doctest::Contains("add('b') after materialize"), Error);
  CHECK_THROWS_WITH_AS(ps.materialize(Device::cpu()), doctest::Contains("twice"), Error);
}

TEST_CASE("init helpers: PyTorch's nn.Linear default bound and Philox sequences") {
  ParamSet ps;
  Var w = ps.add("w", {8, 50}), b = ps.add("b", {8}), n = ps.add("n", {1000});
  ps.materialize(Device::cpu());
  init_linear_default(w, b, 7, 2);
  float bound = 1.0f / std::sqrt(50.0f);
  std::vector<float> wv = w.value().to_vector(), bv = b.value().to_vector();
  for (size_t i = 0; i < wv.size(); ++i)
    REQUIRE(wv[i] == -bound + 2 * bound * philox_uniform(7, i, 2));
  for (size_t i = 0; i < bv.size(); ++i)  // the bias continues the weight's sequence
    REQUIRE(bv[i] == -bound + 2 * bound * philox_uniform(7, 400 + i, 2));
  init_normal(n, 1.0f, 0.001f, 9);
  double s = 0;
  for (float v : n.value().to_vector()) s += v;
  CHECK(s / 1000 == doctest::Approx(1.0).epsilon(1e-3));
  init_linear_default(w, Var(), 7, 2);  // no bias: fine
  CHECK_THROWS_WITH_AS(init_linear_default(b, Var(), 1), doctest::Contains("weight must be [out, in]"), Error);
  ParamSet lazy;
  Var not_yet = lazy.add("x", {3});
  CHECK_THROWS_WITH_AS(init_uniform(not_yet, 0, 1, 1), doctest::Contains("materialize the ParamSet first"), Error);
}

TEST_CASE("ParamSet checkpoints: save and load by name, mismatches are named") {
  Tiny a;
  init_uniform(a.w1, -1, 1, 1);
  init_uniform(a.b1, -1, 1, 2);
  init_uniform(a.w2, -1, 1, 3);
  std::string p = temp_path("params.safetensors");
  save_params(p, a.ps, {{"format", "wsnerf.test/1"}});

  TensorFile f = load_safetensors(p);
  REQUIRE(f.tensors.size() == 3);
  check_close(f.get("enc.l1.weight"), a.w2.value(), 0, 0, "saved tensor");

  Tiny b;
  Metadata meta = load_params(p, b.ps);
  CHECK(meta.at("format") == "wsnerf.test/1");
  check_close(b.ps.values(), a.ps.values(), 0, 0, "loaded slab");

  std::string want = "checkpoint " + p + ": parameter 'enc.l1.weight' has shape [2, 4], model expects [2, 5]";
  Tiny wrong_shape({2, 5});
  CHECK_THROWS_WITH_AS(load_params(p, wrong_shape.ps), doctest::Contains(want.c_str()), Error);

  ParamSet missing;
  missing.add("enc.l0.weight", {4, 3});
  missing.add("enc.l0.bias", {4});
  missing.add("enc.l1.weight", {2, 4});
  missing.add("dec.w", {1});
  missing.materialize(Device::cpu());
  CHECK_THROWS_WITH_AS(load_params(p, missing), doctest::Contains("parameter 'dec.w' is missing"), Error);

  ParamSet fewer;
  fewer.add("enc.l0.weight", {4, 3});
  fewer.materialize(Device::cpu());
  CHECK_THROWS_WITH_AS(load_params(p, fewer), doctest::Contains("tensor 'enc.l0.bias' is not a parameter"), Error);

  std::string ints = temp_path("int_params.safetensors");
  save_safetensors(ints, {{"enc.l0.weight", Tensor::zeros({4, 3}, DType::I32)}});
  CHECK_THROWS_WITH_AS(load_params(ints, fewer), doctest::Contains("is I32, model expects F32"), Error);
}

TEST_CASE("parity: ParamSet moves to the GPU and back with its gradients") {
  if (!ws::test::gpu_or_skip("ParamSet::to")) return;
  Tiny m;
  init_uniform(m.w1, -1, 1, 1);
  init_uniform(m.b1, -1, 1, 2);
  init_uniform(m.w2, -1, 1, 3);
  Tensor before = m.ps.values().clone();
  m.ps.to(Device::cuda());
  CHECK(m.w1.device() == Device::cuda());
  CHECK(m.w1.value().same_storage(m.ps.values()));
  Tensor x = ws::test::random_tensor({5, 3}, 4, -1, 1, Device::cuda());
  backward(sum(linear(relu(linear(Var(x), m.w1, m.b1)), m.w2)));
  CHECK(m.w1.grad().same_storage(m.ps.grads()));
  m.ps.to(Device::cpu());
  check_close(m.ps.values(), before, 0, 0, "values after a round trip");
}
