#include "kernels/gemm.h"
#include "kernels/gemm_amx.h"
#include "kernels/gemm_tall.h"
#include "kernels/reduce.h"

#include <omp.h>

#include <algorithm>
#include <atomic>
#include <vector>

#ifdef WS_HAVE_CBLAS
#include <cblas.h>
#endif

namespace ws {

namespace {
std::atomic<int> g_precision{int(GemmPrecision::Fp32)};
thread_local uint64_t t_flops = 0;
}  // namespace

uint64_t gemm_flops_issued() { return t_flops; }
void count_gemm_flops(int64_t M, int64_t N, int64_t K, int64_t batch) {
  t_flops += 2 * uint64_t(M) * uint64_t(N) * uint64_t(K) * uint64_t(batch);
}

void set_gemm_precision(GemmPrecision p) { g_precision = int(p); }
GemmPrecision gemm_precision() { return GemmPrecision(g_precision.load()); }
const char* gemm_precision_name(GemmPrecision p) {
  return p == GemmPrecision::Tf32 ? "tf32" : p == GemmPrecision::Bf16x3 ? "bf16x3" : "fp32";
}
GemmPrecision parse_gemm_precision(const std::string& s) {
  if (s == "fp32") return GemmPrecision::Fp32;
  if (s == "tf32") return GemmPrecision::Tf32;
  if (s == "bf16x3") return GemmPrecision::Bf16x3;
  fail(str_cat("unknown precision '", s, "' (expected fp32, tf32 or bf16x3)"));
}

bool have_cblas() {
#ifdef WS_HAVE_CBLAS
  return true;
#else
  return false;
#endif
}

namespace {
void check_gemm_args(int64_t M, int64_t N, int64_t K, bool ta, bool tb, int64_t lda, int64_t ldb, int64_t ldc) {
  WS_CHECK(M >= 0 && N >= 0 && K >= 0, "gemm: negative size M=", M, " N=", N, " K=", K);
  WS_CHECK(lda >= std::max<int64_t>(1, ta ? M : K) && ldb >= std::max<int64_t>(1, tb ? K : N) &&
               ldc >= std::max<int64_t>(1, N),
           "gemm: leading dimensions lda=", lda, " ldb=", ldb, " ldc=", ldc, " too small for M=", M,
           " N=", N, " K=", K);
}
}  // namespace

// Blocked loop: C rows are split over threads; within a tile, B is packed row-major
// [kc, nc] so the inner loop streams contiguous memory and vectorises.
void gemm_blocked_cpu(bool ta, bool tb, int64_t M, int64_t N, int64_t K, float alpha, const float* A,
                      int64_t lda, const float* B, int64_t ldb, float beta, float* C, int64_t ldc) {
  constexpr int64_t kc = 256, nc = 512;
  for (int64_t n0 = 0; n0 < N; n0 += nc) {
    int64_t nn = std::min(nc, N - n0);
    for (int64_t k0 = 0; k0 < K || k0 == 0; k0 += kc) {
      int64_t kk = std::min(kc, K - k0);
      std::vector<float> pack(size_t(std::max<int64_t>(kk, 0) * nn));
      for (int64_t k = 0; k < kk; ++k)
        for (int64_t j = 0; j < nn; ++j)
          pack[size_t(k * nn + j)] = tb ? B[(n0 + j) * ldb + k0 + k] : B[(k0 + k) * ldb + n0 + j];
      bool first = k0 == 0;
#pragma omp parallel for schedule(static) if (M * nn * kk > 1 << 16)
      for (int64_t i = 0; i < M; ++i) {
        float* c = C + i * ldc + n0;
        if (first) {
          if (beta == 0.0f)
            std::fill(c, c + nn, 0.0f);
          else
            for (int64_t j = 0; j < nn; ++j) c[j] *= beta;
        }
        for (int64_t k = 0; k < kk; ++k) {
          float a = alpha * (ta ? A[(k0 + k) * lda + i] : A[i * lda + k0 + k]);
          const float* p = pack.data() + k * nn;
          for (int64_t j = 0; j < nn; ++j) c[j] += a * p[j];
        }
      }
      if (K == 0) break;
    }
  }
}

void gemm_batched(bool ta, bool tb, int64_t M, int64_t N, int64_t K, float alpha, const float* A, int64_t lda,
                  int64_t sa, const float* B, int64_t ldb, int64_t sb, float beta, float* C, int64_t ldc,
                  int64_t sc, int64_t batch, Device d) {
  check_gemm_args(M, N, K, ta, tb, lda, ldb, ldc);
  if (M == 0 || N == 0 || batch == 0) return;
  count_gemm_flops(M, N, K, batch);
  WS_DISPATCH_CUDA(d, cuda::gemm_batched(ta, tb, M, N, K, alpha, A, lda, sa, B, ldb, sb, beta, C, ldc, sc, batch));
  const bool amx = gemm_precision() == GemmPrecision::Bf16x3;
  auto one = [&](int64_t b) {
    if (amx && gemm_amx_cpu(ta, tb, M, N, K, alpha, A + b * sa, lda, B + b * sb, ldb, beta, C + b * sc, ldc)) return;
    if (gemm_tall_cpu(ta, tb, M, N, K, alpha, A + b * sa, lda, B + b * sb, ldb, beta, C + b * sc, ldc)) return;
#ifdef WS_HAVE_CBLAS
    if (K == 0) {  // CBLAS leaves C untouched when K == 0 only for beta == 1
      gemm_blocked_cpu(ta, tb, M, N, K, alpha, A + b * sa, lda, B + b * sb, ldb, beta, C + b * sc, ldc);
      return;
    }
    cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, int(M), int(N),
                int(K), alpha, A + b * sa, int(lda), B + b * sb, int(ldb), beta, C + b * sc, int(ldc));
#else
    gemm_blocked_cpu(ta, tb, M, N, K, alpha, A + b * sa, lda, B + b * sb, ldb, beta, C + b * sc, ldc);
#endif
  };
  // Many matrices that spread evenly: whole matrices per thread in ONE parallel region
  // (the kernels then run single-threaded, nested regions being inactive) instead of a
  // region per matrix: many small NeRF MLPs per step make those regions' barriers cost
  // more than the work, badly so when the cores are shared. Results are the same, since
  // each kernel's summation order does not depend on its thread count.
  const int64_t nt = omp_get_max_threads();
  if (batch > 1 && nt > 1 && !omp_in_parallel() && (batch % nt == 0 || batch >= 4 * nt)) {
#pragma omp parallel for schedule(static)
    for (int64_t b = 0; b < batch; ++b) one(b);
    return;
  }
  for (int64_t b = 0; b < batch; ++b) one(b);
}

void weight_bias_grads(int64_t M, int64_t N, int64_t K, const float* G, const float* X, float* dW, bool accumulate_w,
                       float* db, bool accumulate_b, Device d) {
  const float beta = accumulate_w ? 1.0f : 0.0f;
  if (dW && db && d.is_cpu() && gemm_long_sums_cpu(N, K, M, G, N, X, K, beta, dW, K, ColumnSums{db, accumulate_b}))
    return;
  if (dW) gemm(true, false, N, K, M, 1.0f, G, N, X, K, beta, dW, K, d);
  if (db) sum_rows(G, db, M, N, accumulate_b, d);
}

void gemm(bool ta, bool tb, int64_t M, int64_t N, int64_t K, float alpha, const float* A, int64_t lda,
          const float* B, int64_t ldb, float beta, float* C, int64_t ldc, Device d) {
  gemm_batched(ta, tb, M, N, K, alpha, A, lda, 0, B, ldb, 0, beta, C, ldc, 0, 1, d);
}

}  // namespace ws
