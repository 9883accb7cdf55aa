// CPU GEMMs on Intel AMX tiles (Sapphire Rapids and later), for GemmPrecision::Bf16x3.
// AMX multiplies bf16 only; "bf16x3" keeps most of fp32's accuracy by splitting each
// operand x into hi = bf16(x) and lo = bf16(x - hi) (16 of fp32's 24 mantissa bits) and
// summing hi*hi + lo*hi + hi*lo in fp32 (the dropped lo*lo is ~2^-16 of the product).
// Relative error per product ~3 * 2^-17, against 2^-11 for TF32 on a GPU and 2^-24 for
// fp32; sums of K products differ from fp32 by about 1e-4 * sqrt(K) * max|a| * max|b|.
// Same contract as gemm() (row-major, alpha, beta); every output is a fixed sequence of
// tile products, so results do not depend on the thread count. Used only when
// amx_usable(): the CPU has AMX-BF16 and AVX512-BF16 and Linux granted the tile state.
#pragma once
#include <cstdint>
#include <string>

#include "kernels/gemm_tall.h"

namespace ws {

// Whether this process can run the kernels below (asked of the CPU and the OS once).
bool amx_usable();
// "yes", or why not ("the CPU has no AMX-BF16", "Linux refused the tile state: ...").
std::string amx_note();

// C[M,N] = alpha op(A) op(B) + beta C for the shapes the tiles suit: many rows (op(A) = A,
// M >= 64; op(B) either way), or a long reduction A^T B (K >= 256). False, doing nothing,
// for other shapes or when !amx_usable().
bool gemm_amx_cpu(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, float alpha, const float* A,
                  int64_t lda, const float* B, int64_t ldb, float beta, float* C, int64_t ldc);

// C[M,N] = epilogue(A op(B)) (gemm_rows_fused_cpu's contract) on the tiles; false as above.
bool gemm_rows_fused_amx(bool trans_b, int64_t M, int64_t N, int64_t K, const float* A, int64_t lda, const float* B,
                         int64_t ldb, float* C, int64_t ldc, const RowEpilogue& ep);

// C[M,N] = A^T B + beta C and A's column sums (gemm_long_sums_cpu's contract) on the
// tiles; false as above.
bool gemm_long_sums_amx(int64_t M, int64_t N, int64_t K, const float* A, int64_t lda, const float* B, int64_t ldb,
                        float beta, float* C, int64_t ldc, const ColumnSums& sums);

// LinearGrads in one pass over G (linear_backward_fused_cpu's contract) on the tiles; false
// as above, for fewer than 256 rows (not a long reduction), dX with G wider than 256
// columns (not measured), or db without dW.
bool linear_backward_amx(const LinearGrads& g);

}  // namespace ws
