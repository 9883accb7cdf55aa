#include "kernels/gemm_tall.h"

#include <algorithm>
#include <vector>

#include "core/allocator.h"
#include "kernels/gemm.h"
#include "kernels/gemm_amx.h"
#include "kernels/gemm_tile_store.h"
#include "kernels/launch.h"

namespace ws {

namespace {

using namespace gemm_detail;
// Register tile rows (kCols wide): 12 AVX-512 accumulators, or 6 x 2 AVX2 ones (of 32 / 16 registers).
#if defined(__AVX512F__)
constexpr int kRows = 12;
#else
constexpr int kRows = 6;
#endif
constexpr int64_t kRowChunk = kReductionChunk;  // rows per reduction chunk (fixed: determinism)
// Shapes these kernels take: from a few hundred rows on they beat the BLAS for NeRF-sized
// layers (a few hundred to thousands of samples per NeRF) and, unlike it, give the same bits
// for any thread count, so a fit does not depend on how many workers share the cores.
constexpr int64_t kMinRows = 256, kMaxSmall = 1024;
// The shapes the long reduction takes: A^T B with K rows of both operands, C [M, N].
bool long_fits(int64_t M, int64_t N, int64_t K) { return K >= kMinRows && M <= kMaxSmall && N <= kMaxSmall && N >= 8; }
constexpr int64_t kSlice = 64;                 // rows of a chunk per pass over the output (L1-sized)

// The register tile: row i < R is sum_k a(i, k) * b[k, 0..15], with a(i, k) = A[i * a_rs +
// k * a_cs] and b rows ldb apart; then store(i, row) for each row, straight from the
// registers. R is a constant so the accumulators stay in registers for partial tiles too.
template <int R, class Store>
inline void tile_rows(const float* A, int64_t a_rs, int64_t a_cs, const float* B, int64_t ldb, int64_t K,
                      const Store& store) {
  TileRow c[R];
  for (int i = 0; i < R; ++i) c[i] = row_zero();
  for (int64_t k = 0; k < K; ++k) {
    const TileRow b = row_load(B + k * ldb);
    const float* a = A + k * a_cs;
    for (int i = 0; i < R; ++i) c[i] = row_fma(row_set1(a[i * a_rs]), b, c[i]);  // unrolled: R accumulators
  }
  for (int i = 0; i < R; ++i) store(i, c[i]);
}

// tile_rows for 1..kRows rows.
template <int R = kRows, class Store>
inline void tile(const float* A, int64_t a_rs, int64_t a_cs, int rows, const float* B, int64_t ldb, int64_t K,
                 const Store& store) {
  if constexpr (R > 1)
    if (rows < R) return tile<R - 1>(A, a_rs, a_cs, rows, B, ldb, K, store);
  tile_rows<R>(A, a_rs, a_cs, B, ldb, K, store);
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
  constexpr int64_t kTask = 96;  // rows per task: 8 tiles of 12 or 16 of 6
  int64_t tasks = (M + kTask - 1) / kTask;
  // Tasks handed out as threads free up, not split in advance: on shared cores a thread
  // that loses its core leaves its share to the others instead of holding up the product.
  // Each task writes its own rows, so the result does not depend on who took it.
  const bool stream = stream_output(C, ldc, M);
#pragma omp parallel
  {
#pragma omp for schedule(dynamic, 4) nowait
    for (int64_t t = 0; t < tasks; ++t) {
      int64_t r1 = std::min(M, (t + 1) * kTask);
      for (int64_t j = 0; j < Np; j += kCols) {
        int cols = int(std::min<int64_t>(kCols, N - j));
        for (int64_t r = t * kTask; r < r1; r += kRows) {
          int rows = int(std::min<int64_t>(kRows, r1 - r));
          // The next task's rows (usually this thread's: tasks go out four at a time) while
          // this one computes: 21.3 -> 19.1 ms for 375k x 64 x 64. (The AMX kernel, whose
          // rows are converted up front, measured slower with it.)
          if (j == 0 && r + kTask < M) prefetch_rows(A, lda, r + kTask, std::min<int64_t>(rows, M - r - kTask), K);
          if (ep) {
            prefetch_gathered(*ep, r, rows, j, N);
            tile(A + r * lda, lda, 1, rows, P + j, Np, K, EpilogueStore{*ep, r, j, N, C, ldc, cols, stream});
          } else {
            tile(A + r * lda, lda, 1, rows, P + j, Np, K,
                 ScaleStore{alpha, beta, C + r * ldc + j, ldc, cols, stream});
          }
        }
      }
    }
    if (stream) stream_fence();
  }
}

// Long reduction: C[M,N] = alpha A^T B + beta C with A stored [K, M], B stored [K, N]
// (K huge: weight gradients). Chunk c of K rows goes to lane c % kLanes; each lane sums
// its chunks in order, then the lanes are summed in order: the same result for any
// number of threads.
void long_reduction(int64_t M, int64_t N, int64_t K, float alpha, const float* A, int64_t lda, const float* B,
                    int64_t ldb, float beta, float* C, int64_t ldc, const ColumnSums* sums = nullptr) {
  int64_t Np = (N + kCols - 1) / kCols * kCols, chunks = reduction_chunks(K);
  const int64_t kLanes = reduction_lanes(K);
  ScratchBuffer partial(size_t(kLanes * M * Np) * sizeof(float), Device::cpu());
  ScratchBuffer partial_sums(sums ? size_t(kLanes * M) * sizeof(float) : 0, Device::cpu());
  ScratchBuffer bpad_all(Np != N ? size_t(kLanes * kRowChunk * Np) * sizeof(float) : 0, Device::cpu());
#pragma omp parallel for schedule(dynamic, 1)
  for (int64_t lane = 0; lane < kLanes; ++lane) {
    float* out = partial.as<float>() + lane * M * Np;
    std::fill(out, out + M * Np, 0.0f);
    float* bpad = Np != N ? bpad_all.as<float>() + lane * kRowChunk * Np : nullptr;
    float* lane_sums = sums ? partial_sums.as<float>() + lane * M : nullptr;
    if (lane_sums) std::fill(lane_sums, lane_sums + M, 0.0f);
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
      const int64_t next = (c + kLanes) * kRowChunk, next_rows = std::min(kRowChunk, K - next);
      for (int64_t s0 = 0; s0 < kk; s0 += kSlice) {
        const int64_t ks = std::min(kSlice, kk - s0);
        if (s0 < next_rows) {  // the lane's next chunk, both operands, a slice at a time
          prefetch_rows(A, lda, next + s0, std::min(kSlice, next_rows - s0), M);
          prefetch_rows(B, ldb, next + s0, std::min(kSlice, next_rows - s0), N);
        }
        if (lane_sums)  // the slice's rows of A in order, while they are in L1 (amx_long's order)
          for (int64_t k = k0 + s0; k < k0 + s0 + ks; ++k)
            for (int64_t i = 0; i < M; ++i) lane_sums[i] += A[k * lda + i];
        for (int64_t j = 0; j < Np; j += kCols)
          for (int64_t i = 0; i < M; i += kRows) {
            int rows = int(std::min<int64_t>(kRows, M - i));
            tile(A + (k0 + s0) * lda + i, 1, lda, rows, Bc + s0 * ldbc + j, ldbc, ks,
                 ScaleStore{1.0f, 1.0f, out + i * Np + j, Np, kCols});
          }
      }
    }
  }
  sum_lanes(partial.as<float>(), kLanes, M, Np, M, N, alpha, beta, C, ldc);
  if (sums) sum_lanes(partial_sums.as<float>(), kLanes, M, 1, M, 1, 1.0f, sums->accumulate ? 1.0f : 0.0f, sums->out, 1);
}

}  // namespace

bool linear_backward_fused_cpu(const LinearGrads& g) {
  if (gemm_precision() != GemmPrecision::Bf16x3 || !linear_backward_amx(g)) return false;
  if (g.dX) count_gemm_flops(g.M, g.K, g.N);
  if (g.dW) count_gemm_flops(g.N, g.K, g.M);
  return true;
}

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
  if (M < kMinRows || N > kMaxSmall || K > kMaxSmall || N < 8 || (ep.relu_bits && N % 8 != 0)) return false;
  count_gemm_flops(M, N, K);
  if (gemm_precision() == GemmPrecision::Bf16x3 && gemm_rows_fused_amx(tb, M, N, K, A, lda, B, ldb, C, ldc, ep))
    return true;
  tall_rows(tb, M, N, K, 1.0f, A, lda, B, ldb, 0.0f, C, ldc, &ep);
  return true;
}

bool gemm_long_sums_cpu(int64_t M, int64_t N, int64_t K, const float* A, int64_t lda, const float* B, int64_t ldb,
                        float beta, float* C, int64_t ldc, const ColumnSums& sums) {
  // gemm()'s choice for A^T B: the tiles for any width, else the fp32 kernel's shapes.
  const bool amx = gemm_precision() == GemmPrecision::Bf16x3 &&
                   gemm_long_sums_amx(M, N, K, A, lda, B, ldb, beta, C, ldc, sums);
  if (!amx) {
    if (!long_fits(M, N, K)) return false;
    long_reduction(M, N, K, 1.0f, A, lda, B, ldb, beta, C, ldc, &sums);
  }
  count_gemm_flops(M, N, K);
  return true;
}

bool gemm_tall_cpu(bool ta, bool tb, int64_t M, int64_t N, int64_t K, float alpha, const float* A, int64_t lda,
                   const float* B, int64_t ldb, float beta, float* C, int64_t ldc) {
  if (!ta && M >= kMinRows && N <= kMaxSmall && K <= kMaxSmall && N >= 8) {
    tall_rows(tb, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
    return true;
  }
  // Weight gradients G^T X: K (rows of both operands) huge, M and N small, B not transposed.
  if (ta && !tb && long_fits(M, N, K)) {
    long_reduction(M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
    return true;
  }
  return false;
}

}  // namespace ws
