#include "kernels/gemm_tall.h"

#include <algorithm>
#include <vector>

#include "core/allocator.h"
#include "kernels/gemm.h"
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

// Eight float lanes: an AVX register, or a plain array where AVX2 is missing (the same
// operations lane by lane). The tiles below are written once over these.
#ifdef WS_GEMM_AVX2
using Lanes = __m256;
inline Lanes lanes_zero() { return _mm256_setzero_ps(); }
inline Lanes lanes_set1(float a) { return _mm256_set1_ps(a); }
inline Lanes lanes_load(const float* p) { return _mm256_loadu_ps(p); }
inline void lanes_store(float* p, Lanes v) { _mm256_storeu_ps(p, v); }
inline Lanes lanes_fma(Lanes a, Lanes b, Lanes c) { return _mm256_fmadd_ps(a, b, c); }
inline Lanes lanes_add(Lanes a, Lanes b) { return _mm256_add_ps(a, b); }
inline Lanes lanes_mul(Lanes a, Lanes b) { return _mm256_mul_ps(a, b); }
inline Lanes lanes_relu(Lanes a) { return _mm256_max_ps(a, _mm256_setzero_ps()); }
// Bit l set where lane l > 0.
inline unsigned lanes_positive(Lanes a) {
  return unsigned(_mm256_movemask_ps(_mm256_cmp_ps(a, _mm256_setzero_ps(), _CMP_GT_OQ)));
}
#else
struct Lanes {
  float v[8];
};
template <class F>
inline Lanes lanes_map(F f) {
  Lanes r;
  for (int l = 0; l < 8; ++l) r.v[l] = f(l);
  return r;
}
inline Lanes lanes_set1(float a) { return lanes_map([&](int) { return a; }); }
inline Lanes lanes_zero() { return lanes_set1(0.0f); }
inline Lanes lanes_load(const float* p) { return lanes_map([&](int l) { return p[l]; }); }
inline void lanes_store(float* p, Lanes v) { std::copy(v.v, v.v + 8, p); }
inline Lanes lanes_fma(Lanes a, Lanes b, Lanes c) { return lanes_map([&](int l) { return a.v[l] * b.v[l] + c.v[l]; }); }
inline Lanes lanes_add(Lanes a, Lanes b) { return lanes_map([&](int l) { return a.v[l] + b.v[l]; }); }
inline Lanes lanes_mul(Lanes a, Lanes b) { return lanes_map([&](int l) { return a.v[l] * b.v[l]; }); }
inline Lanes lanes_relu(Lanes a) { return lanes_map([&](int l) { return a.v[l] > 0.0f ? a.v[l] : 0.0f; }); }
inline unsigned lanes_positive(Lanes a) {
  unsigned m = 0;
  for (int l = 0; l < 8; ++l) m |= unsigned(a.v[l] > 0.0f) << l;
  return m;
}
#endif

// One row of a register tile: columns 0..7 and 8..15.
struct TileRow {
  Lanes lo, hi;
};

// The register tile: row i < R is sum_k a(i, k) * b[k, 0..15], with a(i, k) = A[i * a_rs +
// k * a_cs] and b rows ldb apart; then store(i, row) for each row, straight from the
// registers. R is a constant so the accumulators stay in registers for partial tiles too.
template <int R, class Store>
inline void tile_rows(const float* A, int64_t a_rs, int64_t a_cs, const float* B, int64_t ldb, int64_t K,
                      const Store& store) {
  TileRow c[R];
  for (int i = 0; i < R; ++i) c[i].lo = c[i].hi = lanes_zero();
  for (int64_t k = 0; k < K; ++k) {
    const float* b = B + k * ldb;
    Lanes b0 = lanes_load(b), b1 = lanes_load(b + 8);
    const float* a = A + k * a_cs;
    for (int i = 0; i < R; ++i) {  // fully unrolled by the compiler: 2R live accumulators
      Lanes ai = lanes_set1(a[i * a_rs]);
      c[i].lo = lanes_fma(ai, b0, c[i].lo);
      c[i].hi = lanes_fma(ai, b1, c[i].hi);
    }
  }
  for (int i = 0; i < R; ++i) store(i, c[i]);
}

// tile_rows for 1..6 rows.
template <class Store>
inline void tile(const float* A, int64_t a_rs, int64_t a_cs, int rows, const float* B, int64_t ldb, int64_t K,
                 const Store& store) {
  switch (rows) {
    case 1: return tile_rows<1>(A, a_rs, a_cs, B, ldb, K, store);
    case 2: return tile_rows<2>(A, a_rs, a_cs, B, ldb, K, store);
    case 3: return tile_rows<3>(A, a_rs, a_cs, B, ldb, K, store);
    case 4: return tile_rows<4>(A, a_rs, a_cs, B, ldb, K, store);
    case 5: return tile_rows<5>(A, a_rs, a_cs, B, ldb, K, store);
    default: return tile_rows<kRows>(A, a_rs, a_cs, B, ldb, K, store);
  }
}

// Stores row i of a tile as C[i, 0..cols) = alpha row + beta C (no FMA: the rounding of
// the plain formula, in the full-width and the partial case alike).
struct ScaleStore {
  float alpha, beta;
  float* C;
  int64_t ldc;
  int cols;
  void operator()(int i, const TileRow& row) const {
    float* c = C + i * ldc;
    const Lanes va = lanes_set1(alpha), vb = lanes_set1(beta);
    Lanes v[2] = {lanes_mul(va, row.lo), lanes_mul(va, row.hi)};
    if (cols == kCols) {
      for (int h = 0; h < 2; ++h)
        lanes_store(c + 8 * h, beta == 0.0f ? v[h] : lanes_add(v[h], lanes_mul(vb, lanes_load(c + 8 * h))));
      return;
    }
    float t[kCols];
    lanes_store(t, v[0]);
    lanes_store(t + 8, v[1]);
    for (int j = 0; j < cols; ++j) c[j] = beta == 0.0f ? t[j] : t[j] + beta * c[j];
  }
};

// Stores row i of a tile as output row r0 + i, columns j .. j + cols - 1, through the
// epilogue (bias, gathered rows, residual, ReLU, ReLU bits).
struct EpilogueStore {
  const RowEpilogue& ep;
  int64_t r0, j, N;
  float* C;
  int64_t ldc;
  int cols;
  void operator()(int i, const TileRow& row) const {
    const int64_t r = r0 + i;
    const float* terms[4] = {ep.bias ? ep.bias + j : nullptr,
                             ep.table[0] ? ep.table[0] + int64_t(ep.idx[0][r]) * N + j : nullptr,
                             ep.table[1] ? ep.table[1] + int64_t(ep.idx[1][r]) * N + j : nullptr,
                             ep.residual ? ep.residual + r * ldc + j : nullptr};
    float* out = C + r * ldc + j;
    uint8_t* bits = ep.relu_bits ? ep.relu_bits + r * (N / 8) + j / 8 : nullptr;
    if (cols == kCols) {
      Lanes v[2] = {row.lo, row.hi};
      for (int h = 0; h < 2; ++h) {
        for (const float* t : terms)
          if (t) v[h] = lanes_add(v[h], lanes_load(t + 8 * h));
        if (ep.relu) v[h] = lanes_relu(v[h]);
        if (bits) bits[h] = uint8_t(lanes_positive(v[h]));
        lanes_store(out + 8 * h, v[h]);
      }
      return;
    }
    float v[kCols];
    lanes_store(v, row.lo);
    lanes_store(v + 8, row.hi);
    unsigned mask = 0;
    for (int c = 0; c < cols; ++c) {
      for (const float* t : terms)
        if (t) v[c] += t[c];
      if (ep.relu) v[c] = v[c] > 0.0f ? v[c] : 0.0f;
      mask |= unsigned(v[c] > 0.0f) << c;
      out[c] = v[c];
    }
    if (bits)
      for (int k = 0; k < cols / 8; ++k) bits[k] = uint8_t(mask >> (8 * k));
  }
};

// The gathered table rows the epilogue of rows r .. r + rows - 1 will add at column j,
// asked for before the tile's K loop so that loop hides their latency (the rows are
// scattered over tables of megabytes; measured: 138 -> 119 ms for a 375k x 64 x 64
// product with one randomly gathered table, no change when the gather is in order).
inline void prefetch_gathered(const RowEpilogue& ep, int64_t r, int rows, int64_t j, int64_t N) {
#ifdef WS_GEMM_AVX2
  for (int t = 0; t < 2; ++t)
    if (ep.table[t])
      for (int i = 0; i < rows; ++i)
        _mm_prefetch(reinterpret_cast<const char*>(ep.table[t] + int64_t(ep.idx[t][r + i]) * N + j), _MM_HINT_T0);
#else
  (void)ep, (void)r, (void)rows, (void)j, (void)N;
#endif
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
  // Tasks handed out as threads free up, not split in advance: on shared cores a thread
  // that loses its core leaves its share to the others instead of holding up the product.
  // Each task writes its own rows, so the result does not depend on who took it.
#pragma omp parallel for schedule(dynamic, 4)
  for (int64_t t = 0; t < tasks; ++t) {
    int64_t r1 = std::min(M, (t + 1) * kTask);
    for (int64_t j = 0; j < Np; j += kCols) {
      int cols = int(std::min<int64_t>(kCols, N - j));
      for (int64_t r = t * kTask; r < r1; r += kRows) {
        int rows = int(std::min<int64_t>(kRows, r1 - r));
        if (ep) {
          prefetch_gathered(*ep, r, rows, j, N);
          tile(A + r * lda, lda, 1, rows, P + j, Np, K, EpilogueStore{*ep, r, j, N, C, ldc, cols});
        } else {
          tile(A + r * lda, lda, 1, rows, P + j, Np, K, ScaleStore{alpha, beta, C + r * ldc + j, ldc, cols});
        }
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
            tile(A + (k0 + s0) * lda + i, 1, lda, rows, Bc + s0 * ldbc + j, ldbc, ks,
                 ScaleStore{1.0f, 1.0f, out + i * Np + j, Np, kCols});
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
  count_gemm_flops(M, N, K);
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
