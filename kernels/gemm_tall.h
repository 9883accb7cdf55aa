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

// A linear layer's backward over many rows, y = act(x W^T + ...) with x [M, K], W [N, K]
// (act ReLU or none), from its output gradient G [M, N]. Any of dX, dW, db may be null.
struct LinearGrads {
  int64_t M = 0, N = 0, K = 0;
  float* G = nullptr;                // [M, N]; ReLU's gradient applied in place when relu_out is given
  const float* relu_out = nullptr;   // [M, N]: the layer's output (G zeroed where it is <= 0), or null
  const float* X = nullptr;          // [M, K]
  const float* W = nullptr;          // [N, K]
  float* dX = nullptr;               // [M, K] = G W (+ dX when accumulate_x)
  float* dW = nullptr;               // [N, K] = G^T X (+ dW when accumulate_w)
  float* db = nullptr;               // [N] = G's column sums (+ db when accumulate_b)
  bool accumulate_x = false, accumulate_w = false, accumulate_b = false;
};

// All of LinearGrads in one pass over G (and the ReLU mask folded into it), for bf16x3 on
// AMX tiles: the same bits as the ReLU pass, gemm() for dX and weight_bias_grads one after
// another, with G read once instead of three times. Returns false, doing nothing, unless
// the precision is bf16x3, the tiles are usable and the shape suits (linear_backward_amx).
bool linear_backward_fused_cpu(const LinearGrads& g);

// Forces the kernel (tests compare it with the naive loop at small shapes).
void gemm_tall_cpu_forced(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, float alpha,
                          const float* A, int64_t lda, const float* B, int64_t ldb, float beta, float* C,
                          int64_t ldc);

}  // namespace ws
