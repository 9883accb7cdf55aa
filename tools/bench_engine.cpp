// The engine suite of `wsnerf bench`: GEMM at the graph-network and decoder shapes (our
// gemm() next to the BLAS library's own sgemm), and an MLP training step.
#include <cmath>

#include "engine/ops.h"
#include "engine/optim.h"
#include "engine/params.h"
#include "kernels/gemm.h"
#include "kernels/random.h"
#include "kernels/segment.h"
#include "models/graph/graph_batch.h"
#include "tools/bench.h"
#ifdef WS_HAVE_CBLAS
#include <cblas.h>
#endif

namespace ws::bench {

namespace {
Tensor random_tensor(Shape s, uint64_t seed, Device d) {
  Tensor t = Tensor::empty(s, DType::F32, d);
  fill_uniform(t.f32(), t.numel(), -1.0f, 1.0f, seed, 0, 0, d);
  return t;
}

double gflops(double flop, const Timing& t) { return std::round(flop / (t.median_ms * 1e-3) / 1e9 * 10) / 10; }

// y[M,N] = x[M,K] W^T (forward) and dW[N,K] = G^T x (weight gradient).
nlohmann::json gemm_case(int64_t M, int64_t K, int64_t N, const char* what, Device d) {
  Tensor x = random_tensor({M, K}, 1, d), w = random_tensor({N, K}, 2, d), y = Tensor::empty({M, N}, DType::F32, d);
  Tensor dw = Tensor::empty({N, K}, DType::F32, d);
  double flop = 2.0 * double(M) * double(N) * double(K);
  Timing fwd = time_it([&] { gemm(false, true, M, N, K, 1, x.f32(), K, w.f32(), K, 0, y.f32(), N, d); }, d);
  Timing wgrad = time_it([&] { gemm(true, false, N, K, M, 1, y.f32(), N, x.f32(), K, 0, dw.f32(), K, d); }, d);
  nlohmann::json j = {{"shape", what},           {"M", M}, {"K", K}, {"N", N},
                      {"forward_gflops", gflops(flop, fwd)}, {"weight_grad_gflops", gflops(flop, wgrad)}};
#ifdef WS_HAVE_CBLAS
  if (d.is_cpu()) {  // the BLAS library's own sgemm at the same shapes, same run
    Timing bf = time_it([&] {
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, int(M), int(N), int(K), 1, x.f32(), int(K), w.f32(),
                  int(K), 0, y.f32(), int(N));
    }, d);
    Timing bw = time_it([&] {
      cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, int(N), int(K), int(M), 1, y.f32(), int(N), x.f32(),
                  int(K), 0, dw.f32(), int(K));
    }, d);
    j["blas_forward_gflops"] = gflops(flop, bf);
    j["blas_weight_grad_gflops"] = gflops(flop, bw);
  }
#endif
  return j;
}

// Segment mean over the destination CSR of the reference batch's graphs (375k edges, very
// uneven segments), forward and backward, at the encoder widths.
nlohmann::json segment_mean_cases(Device d) {
  GraphBatch g = reference_batch(d, 4);
  nlohmann::json out = nlohmann::json::array();
  for (int64_t C : {32, 64, 128}) {
    Tensor x = random_tensor({g.edges, C}, 5, d), y = Tensor::empty({g.nodes, C}, DType::F32, d);
    Tensor dx = Tensor::empty({g.edges, C}, DType::F32, d);
    Timing f = time_it([&] {
      segment_sum(x.f32(), g.by_dst.offsets.i32(), nullptr, y.f32(), g.nodes, C, true, false, d);
    }, d);
    Timing b = time_it([&] {
      segment_broadcast(y.f32(), g.by_dst.offsets.i32(), nullptr, dx.f32(), g.nodes, C, true, false, d);
    }, d);
    double bytes = double(g.edges + g.nodes) * double(C) * 4.0;
    out.push_back({{"edges", g.edges}, {"segments", g.nodes}, {"channels", C},
                   {"forward_ms", to_json(f)["median_ms"]}, {"backward_ms", to_json(b)["median_ms"]},
                   {"forward_gbytes_per_s", std::round(bytes / (f.median_ms * 1e-3) / 1e8) / 10}});
  }
  return out;
}

// One step of a 3 -> 256 -> 256 -> 256 -> 4 ReLU MLP on 16384 points: forward,
// mean-squared loss, backward, AdamW.
nlohmann::json mlp_step(Device d, bool quick) {
  const int64_t batch = quick ? 4096 : 16384, width = 256;
  ParamSet ps;
  std::vector<int64_t> widths = {3, width, width, width, 4};
  std::vector<Var> w, b;
  for (size_t l = 0; l + 1 < widths.size(); ++l) {
    w.push_back(ps.add("w" + std::to_string(l), {widths[l + 1], widths[l]}));
    b.push_back(ps.add("b" + std::to_string(l), {widths[l + 1]}));
  }
  ps.materialize(d);
  for (size_t l = 0; l < w.size(); ++l) init_linear_default(w[l], b[l], 7, l);
  Adam opt(ps, AdamConfig::adamw());
  Var x(random_tensor({batch, 3}, 3, d)), target(random_tensor({batch, 4}, 4, d));
  Timing t = time_it([&] {
    ps.zero_grad();
    Var h = x;
    for (size_t l = 0; l < w.size(); ++l) {
      h = linear(h, w[l], b[l]);
      if (l + 1 < w.size()) h = relu(h);
    }
    backward(mean(square(sub(h, target))));
    opt.step(1e-3f);
  }, d);
  return {{"batch", batch}, {"widths", widths}, {"ms_per_step", to_json(t)["median_ms"]}, {"timing", to_json(t)}};
}
}  // namespace

nlohmann::json engine_suite(Device d, bool quick) {
  nlohmann::json gemms = nlohmann::json::array();
  std::vector<int64_t> rows = quick ? std::vector<int64_t>{50000} : std::vector<int64_t>{50000, 400000};
  for (int64_t M : rows)
    for (int64_t K : {128, 256, 384}) gemms.push_back(gemm_case(M, K, 128, "gmn", d));
  gemms.push_back(gemm_case(quick ? 8192 : 32768, 1312, 1024, "decoder", d));
  return {{"gemm", gemms}, {"segment_mean", segment_mean_cases(d)}, {"mlp_step", mlp_step(d, quick)}};
}

}  // namespace ws::bench
