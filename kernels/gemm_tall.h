// CPU GEMM for the shapes that dominate graph networks and decoders: very many rows
// against small weight matrices (M = 10^5..10^6, N and K <= 1024). BLAS libraries tile
// for square problems and run these at a fraction of the machine's speed; here each
// thread streams rows through a register-blocked 6x16 kernel with the packed weights in
// cache. Reductions over the long dimension (weight gradients) use fixed row chunks
// summed in order, so results do not depend on the thread count.
#pragma once
#include <cstdint>

namespace ws {

// Tries C[M,N] = alpha op(A) op(B) + beta C (row-major, same contract as gemm()).
// Returns false, doing nothing, when the shape is not one this kernel is for.
bool gemm_tall_cpu(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, float alpha, const float* A,
                   int64_t lda, const float* B, int64_t ldb, float beta, float* C, int64_t ldc);

// What the rows kernel adds to each output row before storing it (every part optional):
// out[r, c] = act(sum_k A[r,k] op(B)[k,c] + bias[c] + table0[idx0[r], c] + table1[idx1[r], c] + residual[r, c]).
struct RowEpilogue {
  const float* bias = nullptr;                 // [N]
  const float* table[2] = {nullptr, nullptr};  // [T, N]
  const int32_t* idx[2] = {nullptr, nullptr};  // [M]
  const float* residual = nullptr;             // [M, N], rows ldc apart
  bool relu = false;
  uint8_t* relu_bits = nullptr;                // [M, N/8]: bit c%8 of byte c/8 set where out > 0 (N % 8 == 0)
};

// C[M,N] = epilogue(A op(B)) in one pass over C, for the many-rows shape (A rows
// contiguous, lda >= K). Returns false, doing nothing, for other shapes.
bool gemm_rows_fused_cpu(bool trans_b, int64_t M, int64_t N, int64_t K, const float* A, int64_t lda, const float* B,
                         int64_t ldb, float* C, int64_t ldc, const RowEpilogue& ep);

// Column sums of A that a long reduction adds up while it reads A for A^T B:
// out[i] (+)= sum over k of A[k, i], in the reduction's fixed chunk order.
struct ColumnSums {
  float* out = nullptr;  // [M]
  bool accumulate = false;
};

// C[M,N] = A^T B + beta C (A [K, M], B [K, N]) and A's column sums, in one pass over A: a
// linear layer's weight gradient G^T X and bias gradient from the same read of G. The fp32
// and AMX kernels sum the columns in the same order (same bits). Returns false, doing
// nothing, for shapes the long reductions are not for.
bool gemm_long_sums_cpu(int64_t M, int64_t N, int64_t K, const float* A, int64_t lda, const float* B, int64_t ldb,
                        float beta, float* C, int64_t ldc, const ColumnSums& sums);

// Forces the kernel (tests compare it with the naive loop at small shapes).
void gemm_tall_cpu_forced(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, float alpha,
                          const float* A, int64_t lda, const float* B, int64_t ldb, float beta, float* C,
                          int64_t ldc);

}  // namespace ws
