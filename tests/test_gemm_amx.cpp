// The AMX bf16x3 GEMMs (kernels/gemm_amx.h) against double-precision products, their
// thread-count independence, and the fused epilogue against the fp32 kernel. The op
// registry under bf16x3 (every GEMM op, forward and backward) is in test_op_registry.cpp.
#include <omp.h>

#include <cmath>

#include "kernels/gemm.h"
#include "kernels/elementwise.h"
#include "kernels/gemm_amx.h"
#include "kernels/gemm_tall.h"
#include "tests/testing.h"

using namespace ws;
using ws::test::naive_matmul;
using ws::test::random_tensor;

namespace {
// The stated bound (gemm.h): |bf16x3 - exact| <= 1e-4 sqrt(K) max|a| max|b|. A one-pass
// bf16 product (2^-9 per operand) misses it by ~10x at these sizes, so passing needs the lo parts.
double bf16x3_bound(int64_t K) { return 1e-4 * std::sqrt(double(K)); }

struct Shape3 {
  bool ta, tb;
  int64_t M, N, K;
};

// C = 1.5 op(A) op(B) - 0.5 C0 through gemm() under bf16x3; returns the largest error
// against the double-precision result.
double max_error(const Shape3& c, std::vector<float>* out = nullptr) {
  Tensor A = random_tensor(c.ta ? Shape{c.K, c.M} : Shape{c.M, c.K}, 31);
  Tensor B = random_tensor(c.tb ? Shape{c.N, c.K} : Shape{c.K, c.N}, 32);
  Tensor C = random_tensor({c.M, c.N}, 33);
  std::vector<float> want = naive_matmul(A, B, c.ta, c.tb), c0 = C.to_vector();
  WS_CHECK(gemm_amx_cpu(c.ta, c.tb, c.M, c.N, c.K, 1.5f, A.f32(), A.size(1), B.f32(), B.size(1), -0.5f, C.f32(), c.N),
           "gemm_amx_cpu refused M=", c.M, " N=", c.N, " K=", c.K);
  std::vector<float> got = C.to_vector();
  double worst = 0;
  for (size_t i = 0; i < want.size(); ++i)
    worst = std::max(worst, std::abs(double(got[i]) - (1.5 * want[i] - 0.5 * c0[i])));
  if (out) *out = got;
  return worst;
}

const std::vector<Shape3> kShapes = {
    {false, false, 100, 40, 70},    // partial row, column and K tiles
    {false, true, 100, 40, 70},     // the same through the transposed packing
    {false, true, 1000, 64, 64},    // the encoder's edge linears
    {false, true, 300, 1024, 1312}, // the decoder's first layer (K > 1024: CBLAS in fp32)
    {false, false, 64, 8, 1},       // the smallest: one column block, K = 1
    {true, false, 64, 48, 5000},    // weight gradients: long reduction, partial last chunk
    {true, false, 33, 17, 1000},    // odd M, N
};
}  // namespace

TEST_CASE("gemm bf16x3 (AMX): within the stated bound of the exact product") {
  if (!test::amx_or_skip("gemm bf16x3 accuracy")) return;
  for (const Shape3& c : kShapes) {
    const double err = max_error(c), bound = 1.5 * bf16x3_bound(c.K);  // alpha 1.5, |a|, |b| <= 1
    CHECK_MESSAGE(err <= bound, "ta=", c.ta, " tb=", c.tb, " M=", c.M, " N=", c.N, " K=", c.K, ": error ", err,
                  " > ", bound);
    // Far below a one-pass bf16 product's error (~2^-9 sqrt(K) / 2): the lo parts are in.
    CHECK_MESSAGE(err < 2e-4 * std::sqrt(double(c.K)), "error ", err, " is bf16-sized");
  }
}

TEST_CASE("gemm bf16x3 (AMX): the same bits for 1 and 2 threads") {
  if (!test::amx_or_skip("gemm bf16x3 determinism")) return;
  const int threads = omp_get_max_threads();
  for (const Shape3& c : {kShapes[1], kShapes[4]}) {
    std::vector<float> one, two;
    omp_set_num_threads(1);
    max_error(c, &one);
    omp_set_num_threads(2);
    max_error(c, &two);
    CHECK_MESSAGE(one == two, "ta=", c.ta, " M=", c.M, " K=", c.K, ": results depend on the thread count");
  }
  omp_set_num_threads(threads);
}

TEST_CASE("gemm bf16x3 (AMX): the fused epilogue matches fp32's (bias, gathers, residual, ReLU bits)") {
  if (!test::amx_or_skip("gemm bf16x3 epilogue")) return;
  const int64_t M = 777, N = 48, K = 64, T = 50;
  Tensor A = random_tensor({M, K}, 41), W = random_tensor({N, K}, 42), bias = random_tensor({N}, 43);
  Tensor t0 = random_tensor({T, N}, 44), t1 = random_tensor({T, N}, 45), res = random_tensor({M, N}, 46);
  Tensor i0 = test::random_indices(M, int32_t(T), 47), i1 = test::random_indices(M, int32_t(T), 48);
  std::vector<uint8_t> bits_amx(size_t(M * N / 8)), bits_fp32(bits_amx.size());
  auto run = [&](GemmPrecision p, std::vector<uint8_t>& bits) {
    set_gemm_precision(p);
    Tensor C = Tensor::empty({M, N});
    RowEpilogue ep{bias.f32(), {t0.f32(), t1.f32()}, {i0.i32(), i1.i32()}, res.f32(), true, bits.data()};
    REQUIRE(gemm_rows_fused_cpu(true, M, N, K, A.f32(), K, W.f32(), K, C.f32(), N, ep));
    set_gemm_precision(GemmPrecision::Fp32);
    return C;
  };
  Tensor amx = run(GemmPrecision::Bf16x3, bits_amx), fp32 = run(GemmPrecision::Fp32, bits_fp32);
  test::check_close(amx, fp32, bf16x3_bound(K), 0.0, "fused rows bf16x3 vs fp32");
  std::vector<float> y = amx.to_vector();
  for (int64_t r = 0; r < M; ++r)
    for (int64_t c = 0; c < N; ++c) {
      const bool bit = (bits_amx[size_t(r * N / 8 + c / 8)] >> (c % 8)) & 1;
      REQUIRE_MESSAGE(bit == (y[size_t(r * N + c)] > 0.0f), "ReLU bit of row ", r, " column ", c);
    }
}

TEST_CASE("gemm bf16x3: the precision's name parses, and other shapes fall back to fp32") {
  CHECK(parse_gemm_precision("bf16x3") == GemmPrecision::Bf16x3);
  CHECK(std::string(gemm_precision_name(GemmPrecision::Bf16x3)) == "bf16x3");
  CHECK_THROWS_WITH_AS(parse_gemm_precision("bf16"), doctest::Contains("expected fp32, tf32 or bf16x3"), Error);
  // A^T B^T and few rows are not shapes for the tiles: refused, so gemm() computes them in fp32.
  float a[64 * 64] = {}, b[64 * 64] = {}, c[64 * 64] = {};
  CHECK_FALSE(gemm_amx_cpu(true, true, 64, 64, 64, 1.0f, a, 64, b, 64, 0.0f, c, 64));
  CHECK_FALSE(gemm_amx_cpu(false, false, 8, 64, 64, 1.0f, a, 64, b, 64, 0.0f, c, 64));
}

TEST_CASE("gemm bf16x3 (AMX): batched products spread over threads stay within the bound") {
  if (!test::amx_or_skip("gemm bf16x3 batched")) return;
  set_gemm_precision(GemmPrecision::Bf16x3);
  const int64_t batch = 4;
  for (const Shape3& c : {Shape3{false, true, 3000, 64, 64}, Shape3{true, false, 64, 64, 3000},
                          Shape3{false, false, 3000, 64, 64}}) {
    Tensor A = random_tensor(c.ta ? Shape{batch, c.K, c.M} : Shape{batch, c.M, c.K}, 51);
    Tensor B = random_tensor(c.tb ? Shape{batch, c.N, c.K} : Shape{batch, c.K, c.N}, 52);
    Tensor C = Tensor::zeros({batch, c.M, c.N});
    const int64_t sa = c.M * c.K, sb = c.K * c.N, sc = c.M * c.N;
    gemm_batched(c.ta, c.tb, c.M, c.N, c.K, 1.0f, A.f32(), c.ta ? c.M : c.K, sa, B.f32(), c.tb ? c.K : c.N, sb, 0.0f,
                 C.f32(), c.N, sc, batch, Device::cpu());
    for (int64_t b = 0; b < batch; ++b) {
      std::vector<float> want = naive_matmul(A.slice_rows(b, b + 1).reshape(c.ta ? Shape{c.K, c.M} : Shape{c.M, c.K}),
                                             B.slice_rows(b, b + 1).reshape(c.tb ? Shape{c.N, c.K} : Shape{c.K, c.N}),
                                             c.ta, c.tb);
      std::vector<float> got = C.slice_rows(b, b + 1).reshape({c.M, c.N}).to_vector();
      double worst = 0;
      for (size_t i = 0; i < want.size(); ++i) worst = std::max(worst, std::abs(double(got[i]) - want[i]));
      CHECK_MESSAGE(worst <= bf16x3_bound(c.K), "batch ", b, " ta=", c.ta, " tb=", c.tb, ": error ", worst);
    }
  }
  set_gemm_precision(GemmPrecision::Fp32);
}

TEST_CASE("linear backward fused (AMX): the same bits as the ReLU pass, gemm and weight_bias_grads in turn") {
  if (!test::amx_or_skip("linear backward fused")) return;
  set_gemm_precision(GemmPrecision::Bf16x3);
  struct Case {
    int64_t M, N, K;
    bool relu, dx, dw, db, accumulate;
  };
  // Partial chunks, tiles and columns; each part alone and all together, fresh and accumulated.
  for (const Case& c : {Case{1000, 40, 24, true, true, true, true, false}, Case{5000, 64, 64, true, true, true, false, true},
                        Case{777, 48, 64, false, true, true, true, true}, Case{2000, 64, 32, true, true, false, false, false},
                        Case{2000, 64, 32, false, false, true, false, false},
                        Case{1500, 40, 547, true, false, true, true, false}}) {  // the decoder's first layer: no dX
    Tensor G0 = random_tensor({c.M, c.N}, 61), Y = random_tensor({c.M, c.N}, 62), X = random_tensor({c.M, c.K}, 63);
    Tensor W = random_tensor({c.N, c.K}, 64), dx0 = random_tensor({c.M, c.K}, 65), dw0 = random_tensor({c.N, c.K}, 66);
    Tensor db0 = random_tensor({c.N}, 67);
    struct Out {
      Tensor G, dx, dw, db;
    };
    auto fresh = [&] { return Out{G0.clone(), dx0.clone(), dw0.clone(), db0.clone()}; };
    Out sep = fresh(), fused = fresh();
    const float beta = c.accumulate ? 1.0f : 0.0f;
    // The separate kernels, as edge_linear's backward calls them.
    if (c.relu) unary_backward(Unary::Relu, Y.f32(), nullptr, sep.G.f32(), sep.G.f32(), c.M * c.N, false, Device::cpu());
    if (c.dx) gemm(false, false, c.M, c.K, c.N, 1.0f, sep.G.f32(), c.N, W.f32(), c.K, beta, sep.dx.f32(), c.K, Device::cpu());
    if (c.dw || c.db)
      weight_bias_grads(c.M, c.N, c.K, sep.G.f32(), X.f32(), c.dw ? sep.dw.f32() : nullptr, c.accumulate,
                        c.db ? sep.db.f32() : nullptr, c.accumulate, Device::cpu());
    LinearGrads g;
    g.M = c.M, g.N = c.N, g.K = c.K;
    g.G = fused.G.f32();
    g.relu_out = c.relu ? Y.f32() : nullptr;
    g.X = X.f32(), g.W = W.f32();
    g.dX = c.dx ? fused.dx.f32() : nullptr;
    g.dW = c.dw ? fused.dw.f32() : nullptr;
    g.db = c.db ? fused.db.f32() : nullptr;
    g.accumulate_x = g.accumulate_w = g.accumulate_b = c.accumulate;
    const int threads = omp_get_max_threads();
    omp_set_num_threads(c.M % 2 ? 1 : 2);  // the bits do not depend on the thread count
    REQUIRE(linear_backward_fused_cpu(g));
    omp_set_num_threads(threads);
    const std::string what = str_cat("M=", c.M, " N=", c.N, " K=", c.K, " relu=", c.relu, " acc=", c.accumulate);
    CHECK_MESSAGE(fused.G.to_vector() == sep.G.to_vector(), what, ": masked G");
    CHECK_MESSAGE(fused.dx.to_vector() == sep.dx.to_vector(), what, ": dX");
    CHECK_MESSAGE(fused.dw.to_vector() == sep.dw.to_vector(), what, ": dW");
    CHECK_MESSAGE(fused.db.to_vector() == sep.db.to_vector(), what, ": db");
  }
  // db without dW (the separate path sums with sum_rows, in another order) and dX from a G
  // wider than 256 (not measured): refused, so the caller takes the separate path.
  float none[4] = {};
  CHECK_FALSE(linear_backward_fused_cpu({512, 1, 1, none, nullptr, none, none, nullptr, nullptr, none}));
  CHECK_FALSE(linear_backward_fused_cpu({512, 300, 1, none, nullptr, none, none, none, none, nullptr}));
  set_gemm_precision(GemmPrecision::Fp32);
  CHECK_FALSE(linear_backward_fused_cpu(LinearGrads{}));  // fp32: never
}
