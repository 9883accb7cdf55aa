#include "kernels/gemm.h"
#include "tests/testing.h"

using namespace ws;
using ws::test::check_close;
using ws::test::naive_matmul;
using ws::test::random_tensor;

// matmul and linear against the naive loop, their gradients and CPU/CUDA parity: the op
// registry (tests/op_cases_engine.cpp). Here: the GEMM kernels behind them.
TEST_CASE("built-in blocked GEMM matches the naive loop (beta and transposes)") {
  for (int t = 0; t < 4; ++t) {
    bool ta = t & 1, tb = t & 2;
    int64_t M = 37, N = 530, K = 300;  // crosses the kc / nc block edges
    Tensor A = random_tensor(ta ? Shape{K, M} : Shape{M, K}, 3), B = random_tensor(tb ? Shape{N, K} : Shape{K, N}, 4);
    std::vector<float> want = naive_matmul(A, B, ta, tb);
    Tensor C = Tensor::full({M, N}, 1.0f);
    gemm_blocked_cpu(ta, tb, M, N, K, 2.0f, A.f32(), A.size(1), B.f32(), B.size(1), 0.5f, C.f32(), N);
    for (float& w : want) w = 2 * w + 0.5f;
    check_close(C.to_vector(), want, 1e-4, 1e-4, "blocked gemm");
  }
}

#include "kernels/gemm_amx.h"
#include "kernels/gemm_tall.h"
#include "kernels/reduce.h"

TEST_CASE("tall-skinny GEMM kernel matches the naive loop (odd sizes, alpha, beta, transposes)") {
  struct Case { bool ta, tb; int64_t M, N, K; };
  for (Case c : {Case{false, true, 100, 16, 9}, Case{false, false, 37, 40, 33}, Case{false, true, 7, 8, 1},
                 Case{true, false, 13, 24, 1500}, Case{true, false, 6, 17, 1100}, Case{true, false, 20, 16, 5}}) {
    Tensor A = random_tensor(c.ta ? Shape{c.K, c.M} : Shape{c.M, c.K}, 21);
    Tensor B = random_tensor(c.tb ? Shape{c.N, c.K} : Shape{c.K, c.N}, 22);
    std::vector<float> want = naive_matmul(A, B, c.ta, c.tb);
    Tensor C = random_tensor({c.M, c.N}, 23);
    std::vector<float> c0 = C.to_vector();
    gemm_tall_cpu_forced(c.ta, c.tb, c.M, c.N, c.K, 1.5f, A.f32(), A.size(1), B.f32(), B.size(1), -0.5f, C.f32(), c.N);
    for (size_t i = 0; i < want.size(); ++i) want[i] = 1.5f * want[i] - 0.5f * c0[i];
    check_close(C.to_vector(), want, 2e-4, 1e-4, str_cat("tall gemm ta=", c.ta, " tb=", c.tb, " M=", c.M, " N=", c.N));
  }
}

TEST_CASE("GEMM at graph-network shapes goes through the tall kernel and matches CBLAS-or-blocked") {
  int64_t M = 5000, N = 32, K = 48;
  Tensor A = random_tensor({M, K}, 24), W = random_tensor({N, K}, 25);
  Tensor fast = Tensor::empty({M, N}), ref = Tensor::empty({M, N});
  gemm(false, true, M, N, K, 1.0f, A.f32(), K, W.f32(), K, 0.0f, fast.f32(), N, Device::cpu());
  gemm_blocked_cpu(false, true, M, N, K, 1.0f, A.f32(), K, W.f32(), K, 0.0f, ref.f32(), N);
  check_close(fast, ref, 1e-4, 1e-4, "gemm dispatch");
  // weight-gradient shape: G^T X over many rows, deterministic across repeats
  Tensor G = random_tensor({M, N}, 26), dW1 = Tensor::empty({N, K}), dW2 = Tensor::empty({N, K});
  gemm(true, false, N, K, M, 1.0f, G.f32(), N, A.f32(), K, 0.0f, dW1.f32(), K, Device::cpu());
  gemm(true, false, N, K, M, 1.0f, G.f32(), N, A.f32(), K, 0.0f, dW2.f32(), K, Device::cpu());
  CHECK(dW1.to_vector() == dW2.to_vector());
  Tensor dref = Tensor::empty({N, K});
  gemm_blocked_cpu(true, false, N, K, M, 1.0f, G.f32(), N, A.f32(), K, 0.0f, dref.f32(), K);
  check_close(dW1, dref, 1e-3, 1e-4, "weight gradient");
}

TEST_CASE("gemm_batched: matrices spread over threads give exactly the per-matrix results") {
  struct Case { bool ta, tb; int64_t M, N, K; };
  for (Case c : {Case{false, true, 4096, 64, 40}, Case{true, false, 64, 40, 4096}, Case{false, false, 50, 20, 30}}) {
    const int64_t batch = 4, sa = c.M * c.K, sb = c.K * c.N, sc = c.M * c.N;
    Tensor A = random_tensor({batch * sa}, 21), B = random_tensor({batch * sb}, 22);
    Tensor C = Tensor::empty({batch * sc}), D = Tensor::empty({batch * sc});
    const int64_t lda = c.ta ? c.M : c.K, ldb = c.tb ? c.K : c.N;
    gemm_batched(c.ta, c.tb, c.M, c.N, c.K, 1.0f, A.f32(), lda, sa, B.f32(), ldb, sb, 0.0f, C.f32(), c.N, sc, batch,
                 Device::cpu());
    for (int64_t b = 0; b < batch; ++b)
      gemm(c.ta, c.tb, c.M, c.N, c.K, 1.0f, A.f32() + b * sa, lda, B.f32() + b * sb, ldb, 0.0f, D.f32() + b * sc, c.N,
           Device::cpu());
    CHECK(C.to_vector() == D.to_vector());
  }
}

#include "kernels/gemm_amx.h"
#include "kernels/gemm_tile_store.h"

TEST_CASE("tall GEMM: outputs of 32 MiB and more (streaming stores) hold the same bits as cached stores") {
  // The kernels write each row from its own tile, so the product computed in row blocks
  // below the streaming size must match the whole one bit for bit.
  const int64_t M = gemm_detail::kStreamBytes / int64_t(sizeof(float)) / 64, N = 64, K = 16, block = 4096;
  Tensor A = random_tensor({M, K}, 51), W = random_tensor({N, K}, 52), bias = random_tensor({N}, 53);
  Tensor whole = Tensor::empty({M, N}), parts = Tensor::empty({M, N});
  REQUIRE(gemm_detail::stream_output(whole.f32(), N, M));
  CHECK_FALSE(gemm_detail::stream_output(whole.f32(), N, block));       // small
  CHECK_FALSE(gemm_detail::stream_output(whole.f32() + 1, N, M));       // not on a 64-byte line
  CHECK_FALSE(gemm_detail::stream_output(whole.f32(), N + 1, M));       // rows off the lines
  std::vector<GemmPrecision> precisions = {GemmPrecision::Fp32};
  if (amx_usable()) precisions.push_back(GemmPrecision::Bf16x3);
  for (GemmPrecision p : precisions) {
    set_gemm_precision(p);
    for (bool fused : {false, true}) {
      RowEpilogue ep;
      ep.bias = bias.f32();
      ep.relu = true;
      auto run = [&](int64_t r0, int64_t rows, float* C) {
        if (fused)
          REQUIRE(gemm_rows_fused_cpu(true, rows, N, K, A.f32() + r0 * K, K, W.f32(), K, C + r0 * N, N, ep));
        else
          gemm(false, true, rows, N, K, 1.0f, A.f32() + r0 * K, K, W.f32(), K, 0.0f, C + r0 * N, N, Device::cpu());
      };
      run(0, M, whole.f32());
      for (int64_t r0 = 0; r0 < M; r0 += block) run(r0, block, parts.f32());
      CHECK_MESSAGE(whole.to_vector() == parts.to_vector(), gemm_precision_name(p), fused ? " fused" : " plain",
                    ": streamed and cached stores differ");
    }
    set_gemm_precision(GemmPrecision::Fp32);
  }
}

TEST_CASE("weight_bias_grads: G^T X and G's column sums in one pass match the GEMM and sum_rows") {
  // The long reductions (fp32, and AMX under bf16x3) sum G's columns while reading it; they
  // sum in the same order, so their bias gradients agree to the bit. Shapes: the encoder's
  // edge linears (partial last chunk), a one-column input (the edge value's linear, AMX
  // only), odd widths, and a width past the fp32 kernel's (GEMM + sum_rows fallback).
  struct Case { int64_t M, N, K; };
  const bool amx = amx_usable();
  for (Case c : {Case{5000, 64, 64}, Case{3000, 64, 1}, Case{1300, 17, 24}, Case{600, 1100, 8}, Case{100, 16, 16}}) {
    Tensor G = random_tensor({c.M, c.N}, 41), X = random_tensor({c.M, c.K}, 42);
    std::vector<float> sums_by_precision[2];
    for (GemmPrecision p : {GemmPrecision::Fp32, GemmPrecision::Bf16x3}) {
      if (p == GemmPrecision::Bf16x3 && !amx) continue;
      set_gemm_precision(p);
      for (bool acc : {false, true}) {
        Tensor dW = random_tensor({c.N, c.K}, 43), db = random_tensor({c.N}, 44);
        Tensor wantW = dW.clone(), wantb = db.clone();
        weight_bias_grads(c.M, c.N, c.K, G.f32(), X.f32(), dW.f32(), acc, db.f32(), acc, Device::cpu());
        gemm_blocked_cpu(true, false, c.N, c.K, c.M, 1.0f, G.f32(), c.N, X.f32(), c.K, acc ? 1.0f : 0.0f, wantW.f32(),
                         c.K);
        sum_rows(G.f32(), wantb.f32(), c.M, c.N, acc, Device::cpu());
        const std::string what = str_cat(gemm_precision_name(p), " M=", c.M, " N=", c.N, " K=", c.K, " acc=", acc);
        check_close(dW, wantW, 1e-3, 1e-4, what + " weight");
        check_close(db, wantb, 1e-4, 1e-5, what + " bias");
        if (!acc) sums_by_precision[p == GemmPrecision::Bf16x3] = db.to_vector();
      }
    }
    set_gemm_precision(GemmPrecision::Fp32);
    {  // either gradient alone (the other not wanted): the GEMM or the column sums only
      Tensor dW = Tensor::empty({c.N, c.K}), db = Tensor::empty({c.N});
      Tensor wantW = Tensor::empty({c.N, c.K}), wantb = Tensor::empty({c.N});
      weight_bias_grads(c.M, c.N, c.K, G.f32(), X.f32(), dW.f32(), false, nullptr, false, Device::cpu());
      weight_bias_grads(c.M, c.N, c.K, G.f32(), X.f32(), nullptr, false, db.f32(), false, Device::cpu());
      gemm(true, false, c.N, c.K, c.M, 1.0f, G.f32(), c.N, X.f32(), c.K, 0.0f, wantW.f32(), c.K, Device::cpu());
      sum_rows(G.f32(), wantb.f32(), c.M, c.N, false, Device::cpu());
      CHECK(dW.to_vector() == wantW.to_vector());
      CHECK(db.to_vector() == wantb.to_vector());
    }
    // the fp32 kernel's shapes too (long_fits in gemm_tall.cpp, with M, N, K = N, K, M here)
    const bool both_long = c.M >= 256 && c.N <= 1024 && c.K >= 8 && c.K <= 1024;
    if (amx && both_long)
      CHECK_MESSAGE(sums_by_precision[0] == sums_by_precision[1], "M=", c.M, " N=", c.N, " K=", c.K);
  }
}
