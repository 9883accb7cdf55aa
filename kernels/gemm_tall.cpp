#include "kernels/gemm_tall.h"

#include <algorithm>
#include <vector>

#include "core/allocator.h"
#include "kernels/launch.h"

#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>
#define WS_GEMM_AVX2 1
#endif

namespace ws {

namespace {

constexpr int kRows = 6, kCols = 16;           // register tile
constexpr int64_t kRowChunk = 512;             // rows per reduction chunk (fixed: determinism)
constexpr int64_t kSlice = 64;                 // rows of a chunk per pass over the output (L1-sized)

// acc[R x 16] = sum_k a(i, k) * b[k, j] for i < R; a(i, k) = A[i * a_rs + k * a_cs]; b rows
// ldb apart. R is a constant so the accumulators stay in registers for partial tiles too.
template <int R>
inline void tile_rows(const float* A, int64_t a_rs, int64_t a_cs, const float* B, int64_t ldb, int64_t K,
                      float acc[kRows][kCols]) {
#ifdef WS_GEMM_AVX2
  __m256 c[R][2];
  for (int i = 0; i < R; ++i) c[i][0] = c[i][1] = _mm256_setzero_ps();
  for (int64_t k = 0; k < K; ++k) {
    const float* b = B + k * ldb;
    __m256 b0 = _mm256_loadu_ps(b), b1 = _mm256_loadu_ps(b + 8);
    const float* a = A + k * a_cs;
    for (int i = 0; i < R; ++i) {  // fully unrolled by the compiler: 2R live accumulators
      __m256 ai = _mm256_broadcast_ss(a + i * a_rs);
      c[i][0] = _mm256_fmadd_ps(ai, b0, c[i][0]);
      c[i][1] = _mm256_fmadd_ps(ai, b1, c[i][1]);
    }
  }
  for (int i = 0; i < R; ++i) {
    _mm256_storeu_ps(acc[i], c[i][0]);
    _mm256_storeu_ps(acc[i] + 8, c[i][1]);
  }
#else
  for (int i = 0; i < R; ++i)
    for (int j = 0; j < kCols; ++j) acc[i][j] = 0.0f;
  for (int64_t k = 0; k < K; ++k)
    for (int i = 0; i < R; ++i) {
      float a = A[i * a_rs + k * a_cs];
      for (int j = 0; j < kCols; ++j) acc[i][j] += a * B[k * ldb + j];
    }
#endif
}

// acc[6x16] = sum_k a(i, k) * b[k, j] for i < rows (1..6); rows i >= rows are left as they
// are, and the caller stores what it needs.
inline void tile_6x16(const float* A, int64_t a_rs, int64_t a_cs, int rows, const float* B, int64_t ldb, int64_t K,
                      float acc[kRows][kCols]) {
  switch (rows) {
    case 1: return tile_rows<1>(A, a_rs, a_cs, B, ldb, K, acc);
    case 2: return tile_rows<2>(A, a_rs, a_cs, B, ldb, K, acc);
    case 3: return tile_rows<3>(A, a_rs, a_cs, B, ldb, K, acc);
    case 4: return tile_rows<4>(A, a_rs, a_cs, B, ldb, K, acc);
    case 5: return tile_rows<5>(A, a_rs, a_cs, B, ldb, K, acc);
    default: return tile_rows<kRows>(A, a_rs, a_cs, B, ldb, K, acc);
  }
}

inline void store_tile(float acc[kRows][kCols], int rows, int cols, float alpha, float beta, float* C, int64_t ldc) {
#ifdef WS_GEMM_AVX2
  if (cols == kCols) {  // the common case, in registers (the same rounding as the loop below: no FMA)
    const __m256 va = _mm256_set1_ps(alpha), vb = _mm256_set1_ps(beta);
    for (int i = 0; i < rows; ++i)
      for (int h = 0; h < 2; ++h) {
        float* c = C + i * ldc + 8 * h;
        __m256 v = _mm256_mul_ps(va, _mm256_loadu_ps(acc[i] + 8 * h));
        if (beta != 0.0f) v = _mm256_add_ps(v, _mm256_mul_ps(vb, _mm256_loadu_ps(c)));
        _mm256_storeu_ps(c, v);
      }
    return;
  }
#endif
  for (int i = 0; i < rows; ++i)
    for (int j = 0; j < cols; ++j) {
      float v = alpha * acc[i][j];
      C[i * ldc + j] = beta == 0.0f ? v : v + beta * C[i * ldc + j];
    }
}

// The fused store: row r0 + i, columns j .. j + cols - 1.
inline void store_tile_epilogue(float acc[kRows][kCols], int rows, int cols, int64_t r0, int64_t j, float* C,
                                int64_t ldc, int64_t N, const RowEpilogue& ep) {
  for (int i = 0; i < rows; ++i) {
    int64_t r = r0 + i;
    const float* t0 = ep.table[0] ? ep.table[0] + int64_t(ep.idx[0][r]) * N + j : nullptr;
    const float* t1 = ep.table[1] ? ep.table[1] + int64_t(ep.idx[1][r]) * N + j : nullptr;
    const float* res = ep.residual ? ep.residual + r * ldc + j : nullptr;
    const float* bias = ep.bias ? ep.bias + j : nullptr;
    float* out = C + r * ldc + j;
    uint8_t* bits = ep.relu_bits ? ep.relu_bits + r * (N / 8) + j / 8 : nullptr;
#ifdef WS_GEMM_AVX2
    if (cols == kCols) {  // the common case, in registers
      for (int h = 0; h < 2; ++h) {
        __m256 v = _mm256_loadu_ps(acc[i] + 8 * h);
        if (bias) v = _mm256_add_ps(v, _mm256_loadu_ps(bias + 8 * h));
        if (t0) v = _mm256_add_ps(v, _mm256_loadu_ps(t0 + 8 * h));
        if (t1) v = _mm256_add_ps(v, _mm256_loadu_ps(t1 + 8 * h));
        if (res) v = _mm256_add_ps(v, _mm256_loadu_ps(res + 8 * h));
        if (ep.relu) v = _mm256_max_ps(v, _mm256_setzero_ps());
        if (bits) bits[h] = uint8_t(_mm256_movemask_ps(_mm256_cmp_ps(v, _mm256_setzero_ps(), _CMP_GT_OQ)));
        _mm256_storeu_ps(out + 8 * h, v);
      }
      continue;
    }
#endif
    unsigned mask = 0;
    for (int c = 0; c < cols; ++c) {
      float v = acc[i][c];
      if (bias) v += bias[c];
      if (t0) v += t0[c];
      if (t1) v += t1[c];
      if (res) v += res[c];
      if (ep.relu) v = v > 0.0f ? v : 0.0f;
      mask |= unsigned(v > 0.0f) << c;
      out[c] = v;
    }
    if (bits)
      for (int k = 0; k < cols / 8; ++k) bits[k] = uint8_t(mask >> (8 * k));
  }
}

// op(B) as a dense [K, Np] block (Np = N rounded up to 16, zero-padded).
void pack_b(bool tb, int64_t N, int64_t K, const float* B, int64_t ldb, int64_t Np, float* p) {
  for (int64_t k = 0; k < K; ++k)
    for (int64_t j = 0; j < Np; ++j) p[k * Np + j] = j >= N ? 0.0f : tb ? B[j * ldb + k] : B[k * ldb + j];
}

// Many rows: C[M,N] = alpha op(A) op(B) + beta C with op(A) = A (rows of A contiguous).
void tall_rows(bool tb, int64_t M, int64_t N, int64_t K, float alpha, const float* A, int64_t lda, const float* B,
               int64_t ldb, float beta, float* C, int64_t ldc, const RowEpilogue* ep = nullptr) {
  int64_t Np = (N + kCols - 1) / kCols * kCols;
  ScratchBuffer packed(size_t(K * Np) * sizeof(float), Device::cpu());
  const float* P = packed.as<float>();
  pack_b(tb, N, K, B, ldb, Np, packed.as<float>());
  constexpr int64_t kTask = 96;  // rows per task: 16 tiles of 6
  int64_t tasks = (M + kTask - 1) / kTask;
#pragma omp parallel for schedule(static)
  for (int64_t t = 0; t < tasks; ++t) {
    float acc[kRows][kCols];
    int64_t r1 = std::min(M, (t + 1) * kTask);
    for (int64_t j = 0; j < Np; j += kCols) {
      int cols = int(std::min<int64_t>(kCols, N - j));
      for (int64_t r = t * kTask; r < r1; r += kRows) {
        int rows = int(std::min<int64_t>(kRows, r1 - r));
        tile_6x16(A + r * lda, lda, 1, rows, P + j, Np, K, acc);
        if (ep)
          store_tile_epilogue(acc, rows, cols, r, j, C, ldc, N, *ep);
        else
          store_tile(acc, rows, cols, alpha, beta, C + r * ldc + j, ldc);
      }
    }
  }
}

// Long reduction: C[M,N] = alpha A^T B + beta C with A stored [K, M], B stored [K, N]
// (K huge: weight gradients). Chunk c of K rows goes to lane c % kLanes; each lane sums
// its chunks in order, then the lanes are summed in order: the same result for any
// number of threads.
void long_reduction(int64_t M, int64_t N, int64_t K, float alpha, const float* A, int64_t lda, const float* B,
                    int64_t ldb, float beta, float* C, int64_t ldc) {
  constexpr int64_t kMaxLanes = 16;
  int64_t Np = (N + kCols - 1) / kCols * kCols, chunks = (K + kRowChunk - 1) / kRowChunk;
  // Lanes past the last chunk would only hold zeros, and adding +0 changes no sum: leave
  // them out (same result, less zeroing and summing for short reductions).
  const int64_t kLanes = std::min(kMaxLanes, std::max<int64_t>(chunks, 1));
  ScratchBuffer partial(size_t(kLanes * M * Np) * sizeof(float), Device::cpu());
  ScratchBuffer bpad_all(Np != N ? size_t(kLanes * kRowChunk * Np) * sizeof(float) : 0, Device::cpu());
#pragma omp parallel for schedule(dynamic, 1)
  for (int64_t lane = 0; lane < kLanes; ++lane) {
    float* out = partial.as<float>() + lane * M * Np;
    std::fill(out, out + M * Np, 0.0f);
    float* bpad = Np != N ? bpad_all.as<float>() + lane * kRowChunk * Np : nullptr;
    float acc[kRows][kCols];
    for (int64_t c = lane; c < chunks; c += kLanes) {
      int64_t k0 = c * kRowChunk, kk = std::min(kRowChunk, K - k0);
      const float* Bc = B + k0 * ldb;
      int64_t ldbc = ldb;
      if (bpad) {  // N not a multiple of 16: a zero-padded copy of this chunk of B
        pack_b(false, N, kk, Bc, ldb, Np, bpad);
        Bc = bpad;
        ldbc = Np;
      }
      // Slices of kSlice rows, column strips outer: a strip of B (kSlice x 16) and the
      // rows of A a tile reads stay in L1 while every row tile passes over them.
      for (int64_t s0 = 0; s0 < kk; s0 += kSlice) {
        const int64_t ks = std::min(kSlice, kk - s0);
        for (int64_t j = 0; j < Np; j += kCols)
          for (int64_t i = 0; i < M; i += kRows) {
            int rows = int(std::min<int64_t>(kRows, M - i));
            tile_6x16(A + (k0 + s0) * lda + i, 1, lda, rows, Bc + s0 * ldbc + j, ldbc, ks, acc);
            store_tile(acc, rows, kCols, 1.0f, 1.0f, out + i * Np + j, Np);
          }
      }
    }
  }
  const float* P = partial.as<float>();
#pragma omp parallel for schedule(static)
  for (int64_t i = 0; i < M; ++i)
    for (int64_t j = 0; j < N; ++j) {
      float s = 0.0f;
      for (int64_t lane = 0; lane < kLanes; ++lane) s += P[(lane * M + i) * Np + j];
      float v = alpha * s;
      C[i * ldc + j] = beta == 0.0f ? v : v + beta * C[i * ldc + j];
    }
}

}  // namespace

void gemm_tall_cpu_forced(bool ta, bool tb, int64_t M, int64_t N, int64_t K, float alpha, const float* A,
                          int64_t lda, const float* B, int64_t ldb, float beta, float* C, int64_t ldc) {
  if (!ta)
    tall_rows(tb, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
  else if (!tb)
    long_reduction(M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
  else
    fail("gemm_tall_cpu_forced: A^T B^T is not a shape this kernel handles");
}

bool gemm_rows_fused_cpu(bool tb, int64_t M, int64_t N, int64_t K, const float* A, int64_t lda, const float* B,
                         int64_t ldb, float* C, int64_t ldc, const RowEpilogue& ep) {
  // From a few hundred rows on: these kernels beat the BLAS for NeRF-sized layers (a few
  // hundred to thousands of samples per NeRF) and, unlike it, give the same bits for any
  // thread count, so a fit does not depend on how many workers share the cores.
  constexpr int64_t kMinRows = 256, kMaxSmall = 1024;
  if (M < kMinRows || N > kMaxSmall || K > kMaxSmall || N < 8 || (ep.relu_bits && N % 8 != 0)) return false;
  tall_rows(tb, M, N, K, 1.0f, A, lda, B, ldb, 0.0f, C, ldc, &ep);
  return true;
}

bool gemm_tall_cpu(bool ta, bool tb, int64_t M, int64_t N, int64_t K, float alpha, const float* A, int64_t lda,
                   const float* B, int64_t ldb, float beta, float* C, int64_t ldc) {
  // From a few hundred rows on: these kernels beat the BLAS for NeRF-sized layers (a few
  // hundred to thousands of samples per NeRF) and, unlike it, give the same bits for any
  // thread count, so a fit does not depend on how many workers share the cores.
  constexpr int64_t kMinRows = 256, kMaxSmall = 1024;
  if (!ta && M >= kMinRows && N <= kMaxSmall && K <= kMaxSmall && N >= 8) {
    tall_rows(tb, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
    return true;
  }
  // Weight gradients G^T X: K (rows of both operands) huge, M and N small, B not transposed.
  if (ta && !tb && K >= kMinRows && M <= kMaxSmall && N <= kMaxSmall && N >= 8) {
    long_reduction(M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
    return true;
  }
  return false;
}

}  // namespace ws
