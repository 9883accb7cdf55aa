// GEMM behind one entry point: CBLAS (OpenBLAS) or the built-in blocked loop on the
// CPU, cuBLAS on CUDA. All matrices are row-major.
#pragma once
#include <string>

#include "kernels/launch.h"

namespace ws {

// C[M,N] = alpha * op(A)[M,K] * op(B)[K,N] + beta * C.
// A is stored [M,K] (lda >= K), or [K,M] when trans_a (lda >= M); B likewise [K,N] or
// [N,K] when trans_b. beta == 0 overwrites C without reading it.
void gemm(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, float alpha, const float* A,
          int64_t lda, const float* B, int64_t ldb, float beta, float* C, int64_t ldc, Device d);

// A linear layer's weight and bias gradients from its output gradient G [M, N] and input
// X [M, K]: dW[N, K] = G^T X (+ dW when accumulate_w), db[N] = G's column sums (+ db when
// accumulate_b); either may be null (not wanted). On the CPU the long reductions sum G's
// columns while they read G for the product (one pass over G instead of two); elsewhere a
// GEMM, then sum_rows.
void weight_bias_grads(int64_t M, int64_t N, int64_t K, const float* G, const float* X, float* dW, bool accumulate_w,
                       float* db, bool accumulate_b, Device d);

// `batch` independent GEMMs, matrix i at A + i*stride_a (etc.).
void gemm_batched(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, float alpha, const float* A,
                  int64_t lda, int64_t stride_a, const float* B, int64_t ldb, int64_t stride_b, float beta,
                  float* C, int64_t ldc, int64_t stride_c, int64_t batch, Device d);

// The built-in blocked CPU GEMM (used when no CBLAS is found; tested against CBLAS).
void gemm_blocked_cpu(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, float alpha,
                      const float* A, int64_t lda, const float* B, int64_t ldb, float beta, float* C,
                      int64_t ldc);

bool have_cblas();

// Floating-point operations (2 M N K per product) of the GEMMs this thread has issued
// (gemm, gemm_batched, gemm_rows_fused_cpu), on any device: a profile divides a range's
// share of it by the range's time (engine/trace.h). Per thread, so workers on other
// threads do not land in this thread's ranges.
uint64_t gemm_flops_issued();
void count_gemm_flops(int64_t M, int64_t N, int64_t K, int64_t batch = 1);

// How GEMMs multiply (process-wide). Fp32: plain fp32 everywhere. Tf32 (CUDA only; the CPU
// computes fp32): cuBLAS may use TF32 tensor cores (inputs rounded to 10 mantissa bits, fp32
// accumulation): relative error per product ~2^-11, so results differ from fp32 by about
// 1e-3 * sqrt(K) * max|a| * max|b| (the registry's TF32 parity tolerance, tests/op_cases_*.cpp).
// Bf16x3 (CPU only; CUDA computes fp32): the CPU's large GEMMs on AMX tiles, each operand
// split into two bf16 (kernels/gemm_amx.h): ~3 * 2^-17 per product, 8x below TF32's bound;
// where the CPU has no AMX, fp32.
enum class GemmPrecision { Fp32, Tf32, Bf16x3 };
void set_gemm_precision(GemmPrecision p);
GemmPrecision gemm_precision();
// "fp32", "tf32" or "bf16x3" (an error names the value otherwise).
GemmPrecision parse_gemm_precision(const std::string& s);
const char* gemm_precision_name(GemmPrecision p);

#ifdef WS_CUDA
namespace cuda {
void gemm_batched(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, float alpha, const float* A,
                  int64_t lda, int64_t stride_a, const float* B, int64_t ldb, int64_t stride_b, float beta,
                  float* C, int64_t ldc, int64_t stride_c, int64_t batch);
}
#endif

}  // namespace ws
