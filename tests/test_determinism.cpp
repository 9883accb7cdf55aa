// Determinism. On the CPU every op is deterministic (tests per op, and the resume test of
// tests/test_train.cpp compares parameters bit for bit). On the GPU the encoder, the
// decoder and the training losses are deterministic too (segment sums over CSRs, no
// atomics); the tri-plane and hash-grid backwards of NeRF fitting add into their tables
// with atomics, in an order that varies between runs: the one non-deterministic place
// (docs/development.md "Determinism"). The GPU tests below check the first and measure the second.
#include <cmath>

#include "models/gmn/encoder.h"
#include "models/graph/graph_batch.h"
#include "models/nerf/field_ops.h"
#include "tests/testing.h"

using namespace ws;
using ws::test::random_tensor;

namespace {
// Every gradient of the encoder's parameters after forward + backward on a 3-graph batch.
std::vector<float> encoder_gradients(Device d) {
  ParamSet ps;
  GmnConfig cfg;
  cfg.hidden = 32;
  cfg.out_dim = 64;
  GmnEncoder enc(cfg, ps);
  ps.materialize(d);
  enc.init(5);
  std::vector<const GraphTemplate*> ts;
  std::vector<std::vector<float>> values;
  for (const char* a : {"MLP", "TRI", "HASH"}) {
    ts.push_back(&graph_template(find_arch(a)));
    values.push_back(random_tensor({ts.back()->edges}, values.size() + 1, -0.2f, 0.2f).to_vector());
  }
  GraphBatch b = make_graph_batch(ts, {values[0].data(), values[1].data(), values[2].data()}, d);
  ps.zero_grad();
  backward(mean(square(enc.forward(b))));
  return ps.grads().to_vector();
}

// The tables' gradient of an encoding whose points crowd into few cells (many atomic adds
// per entry on the GPU).
std::vector<float> crowded_gradient(bool hash, Device d) {
  const ArchSpec a = find_arch(hash ? "HASH" : "TRI");
  const int64_t B = 2, S = 65536;
  Tensor x = random_tensor({B, S, 3}, 7, 0.45f, 0.55f).to(d);
  Var tables(random_tensor({B, a.encoding_params()}, 8).to(d), true);
  Var y = hash ? hash_grid_encode(tables, x, a) : triplane_sample(tables, x, a.tri_res, a.tri_channels);
  backward(sum(mul(y, Var(random_tensor(y.shape(), 9).to(d)))));
  return tables.grad().to_vector();
}
}  // namespace

TEST_CASE("determinism: the encoder's gradients are bitwise equal across runs on the CPU") {
  CHECK(encoder_gradients(Device::cpu()) == encoder_gradients(Device::cpu()));
}

TEST_CASE("determinism (GPU): the encoder's gradients are bitwise equal across runs on CUDA") {
  if (!test::gpu_or_skip("encoder determinism on the GPU")) return;
  std::vector<float> a = encoder_gradients(Device::cuda()), b = encoder_gradients(Device::cuda());
  int64_t differ = 0;
  for (size_t i = 0; i < a.size(); ++i) differ += a[i] != b[i];
  CHECK_MESSAGE(differ == 0, differ, " of ", a.size(), " encoder gradients differ between two GPU runs");
}

TEST_CASE("determinism (GPU): run-to-run difference of the tri-plane and hash-grid backwards (atomics), measured") {
  if (!test::gpu_or_skip("encoding backward run-to-run difference")) return;
  for (bool hash : {false, true}) {
    std::vector<float> a = crowded_gradient(hash, Device::cuda()), b = crowded_gradient(hash, Device::cuda());
    double worst = 0, scale = 0;
    int64_t differ = 0;
    for (size_t i = 0; i < a.size(); ++i) {
      worst = std::max(worst, std::fabs(double(a[i]) - double(b[i])));
      scale = std::max(scale, std::fabs(double(a[i])));
      differ += a[i] != b[i];
    }
    const std::string what = hash ? "hash grid" : "tri-plane";
    MESSAGE(what, ": ", differ, " of ", a.size(), " table gradients differ between two runs; "
            "largest difference ", worst, " (", scale > 0 ? worst / scale : 0.0, " of the largest gradient)");
    CHECK(worst <= 1e-5 * std::max(scale, 1.0));  // rounding of float additions in another order, nothing more
  }
}
