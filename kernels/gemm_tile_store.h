// The store side of the CPU GEMM kernels (gemm_tall.cpp, gemm_amx.cpp): a row of 16
// fp32 outputs, and how it is written: scaled (alpha row + beta C) or through a
// RowEpilogue. One implementation, so the fp32 and the AMX kernels round alike.
#pragma once
#include <algorithm>
#include <cstdint>

#include "kernels/gemm_tall.h"

#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>
#define WS_GEMM_AVX2 1
#endif

namespace ws::gemm_detail {

constexpr int kCols = 16;  // outputs per tile row

// A row of 16 fp32 outputs (a register tile's row): one AVX-512 register, two AVX2
// registers, or a plain array where neither is there (the same operations lane by lane).
// Every lane computes the same sequence of operations on each, so the results are the same
// bits whatever the register width. The tiles below are written once over these.
#if defined(__AVX512F__)
struct TileRow {
  __m512 v;
};
inline TileRow row_set1(float a) { return {_mm512_set1_ps(a)}; }
inline TileRow row_load(const float* p) { return {_mm512_loadu_ps(p)}; }
inline void row_store(float* p, TileRow r) { _mm512_storeu_ps(p, r.v); }
inline TileRow row_fma(TileRow a, TileRow b, TileRow c) { return {_mm512_fmadd_ps(a.v, b.v, c.v)}; }
inline TileRow row_add(TileRow a, TileRow b) { return {_mm512_add_ps(a.v, b.v)}; }
inline TileRow row_mul(TileRow a, TileRow b) { return {_mm512_mul_ps(a.v, b.v)}; }
// max(a, 0) as a masked move (same bits, NaN -> 0 included): GCC 12 warns on _mm512_max_ps.
inline TileRow row_relu(TileRow a) {
  return {_mm512_maskz_mov_ps(_mm512_cmp_ps_mask(a.v, _mm512_setzero_ps(), _CMP_GT_OQ), a.v)};
}
// Bit l set where lane l > 0.
inline unsigned row_positive(TileRow a) {
  return unsigned(_mm512_cmp_ps_mask(a.v, _mm512_setzero_ps(), _CMP_GT_OQ));
}
#elif defined(WS_GEMM_AVX2)
struct TileRow {
  __m256 lo, hi;
};
inline TileRow row_set1(float a) { return {_mm256_set1_ps(a), _mm256_set1_ps(a)}; }
inline TileRow row_load(const float* p) { return {_mm256_loadu_ps(p), _mm256_loadu_ps(p + 8)}; }
inline void row_store(float* p, TileRow r) {
  _mm256_storeu_ps(p, r.lo);
  _mm256_storeu_ps(p + 8, r.hi);
}
inline TileRow row_fma(TileRow a, TileRow b, TileRow c) {
  return {_mm256_fmadd_ps(a.lo, b.lo, c.lo), _mm256_fmadd_ps(a.hi, b.hi, c.hi)};
}
inline TileRow row_add(TileRow a, TileRow b) { return {_mm256_add_ps(a.lo, b.lo), _mm256_add_ps(a.hi, b.hi)}; }
inline TileRow row_mul(TileRow a, TileRow b) { return {_mm256_mul_ps(a.lo, b.lo), _mm256_mul_ps(a.hi, b.hi)}; }
inline TileRow row_relu(TileRow a) {
  return {_mm256_max_ps(a.lo, _mm256_setzero_ps()), _mm256_max_ps(a.hi, _mm256_setzero_ps())};
}
inline unsigned row_positive(TileRow a) {
  auto half = [](__m256 x) { return unsigned(_mm256_movemask_ps(_mm256_cmp_ps(x, _mm256_setzero_ps(), _CMP_GT_OQ))); };
  return half(a.lo) | half(a.hi) << 8;
}
#else
struct TileRow {
  float v[16];
};
template <class F>
inline TileRow row_map(F f) {
  TileRow r;
  for (int l = 0; l < 16; ++l) r.v[l] = f(l);
  return r;
}
inline TileRow row_set1(float a) { return row_map([&](int) { return a; }); }
inline TileRow row_load(const float* p) { return row_map([&](int l) { return p[l]; }); }
inline void row_store(float* p, TileRow r) { std::copy(r.v, r.v + 16, p); }
inline TileRow row_fma(TileRow a, TileRow b, TileRow c) {
  return row_map([&](int l) { return a.v[l] * b.v[l] + c.v[l]; });
}
inline TileRow row_add(TileRow a, TileRow b) { return row_map([&](int l) { return a.v[l] + b.v[l]; }); }
inline TileRow row_mul(TileRow a, TileRow b) { return row_map([&](int l) { return a.v[l] * b.v[l]; }); }
inline TileRow row_relu(TileRow a) { return row_map([&](int l) { return a.v[l] > 0.0f ? a.v[l] : 0.0f; }); }
inline unsigned row_positive(TileRow a) {
  unsigned m = 0;
  for (int l = 0; l < 16; ++l) m |= unsigned(a.v[l] > 0.0f) << l;
  return m;
}
#endif
inline TileRow row_zero() { return row_set1(0.0f); }

// Outputs this large are written with streaming stores, which skip the read of each line
// before it is written and keep the output from evicting the operands: it leaves the
// caches anyway. Measured on the 2-core Xeon (AMX bf16x3, K = N = 64): a 374,784-row product
// 22.6 -> 15.1 ms, 131,072 rows 6.9 -> 3.5 ms, 65,536 rows (16 MiB out) within noise.
constexpr int64_t kStreamBytes = int64_t(32) << 20;

// Whether C [M, N] (rows ldc apart) is written with streaming stores: large, and every full
// 16-column row piece on a 64-byte line.
inline bool stream_output(const float* C, int64_t ldc, int64_t M) {
  return M * ldc * int64_t(sizeof(float)) >= kStreamBytes && reinterpret_cast<uintptr_t>(C) % 64 == 0 &&
         ldc % kCols == 0;
}

// A row piece written around the caches (p 64-byte aligned). Same values as row_store.
inline void row_stream(float* p, TileRow r) {
#if defined(__AVX512F__)
  _mm512_stream_ps(p, r.v);
#elif defined(WS_GEMM_AVX2)
  _mm256_stream_ps(p, r.lo);
  _mm256_stream_ps(p + 8, r.hi);
#else
  row_store(p, r);
#endif
}

// Streaming stores are weakly ordered: each thread fences after its last one, before the
// other threads (or the caller) read the output.
inline void stream_fence() {
#ifdef WS_GEMM_AVX2
  _mm_sfence();
#endif
}

// Stores row i of a tile as C[i, 0..cols) = alpha row + beta C (no FMA: the rounding of
// the plain formula, in the full-width and the partial case alike).
struct ScaleStore {
  float alpha, beta;
  float* C;
  int64_t ldc;
  int cols;
  bool stream = false;  // streaming stores (stream_output) where beta == 0
  void operator()(int i, const TileRow& row) const {
    float* c = C + i * ldc;
    const TileRow v = row_mul(row_set1(alpha), row);
    if (cols == kCols) {
      if (beta != 0.0f)
        row_store(c, row_add(v, row_mul(row_set1(beta), row_load(c))));
      else if (stream)
        row_stream(c, v);
      else
        row_store(c, v);
      return;
    }
    float t[kCols];
    row_store(t, v);
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
  bool stream = false;  // streaming stores (stream_output)
  void operator()(int i, const TileRow& row) const {
    const int64_t r = r0 + i;
    const float* terms[4] = {ep.bias ? ep.bias + j : nullptr,
                             ep.table[0] ? ep.table[0] + int64_t(ep.idx[0][r]) * N + j : nullptr,
                             ep.table[1] ? ep.table[1] + int64_t(ep.idx[1][r]) * N + j : nullptr,
                             ep.residual ? ep.residual + r * ldc + j : nullptr};
    float* out = C + r * ldc + j;
    uint8_t* bits = ep.relu_bits ? ep.relu_bits + r * (N / 8) + j / 8 : nullptr;
    if (cols == kCols) {
      TileRow v = row;
      for (const float* t : terms)
        if (t) v = row_add(v, row_load(t));
      if (ep.relu) v = row_relu(v);
      if (bits) {
        const unsigned m = row_positive(v);
        bits[0] = uint8_t(m);
        bits[1] = uint8_t(m >> 8);
      }
      if (stream)
        row_stream(out, v);
      else
        row_store(out, v);
      return;
    }
    float v[kCols];
    row_store(v, row);
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

// How both long reductions (fp32 and AMX) split K: fixed chunks of kReductionChunk rows, chunk
// c summed into lane c % lanes in order, so the result does not depend on the thread count.
// Lanes past the last chunk would only hold zeros (adding +0 changes no sum): left out.
constexpr int64_t kReductionChunk = 512;
constexpr int64_t kMaxReductionLanes = 16;
inline int64_t reduction_chunks(int64_t K) { return (K + kReductionChunk - 1) / kReductionChunk; }
inline int64_t reduction_lanes(int64_t K) { return std::min(kMaxReductionLanes, std::max<int64_t>(reduction_chunks(K), 1)); }

// The end of a long reduction split into lanes (partial products summed in a fixed order,
// so the result does not depend on the thread count): C[i, j] = alpha * sum over lanes of
// P[(lane * lane_rows + i) * Np + j] + beta * C[i, j], for i < M, j < N. Column sums are
// the case N = Np = ldc = 1.
inline void sum_lanes(const float* P, int64_t lanes, int64_t lane_rows, int64_t Np, int64_t M, int64_t N,
                      float alpha, float beta, float* C, int64_t ldc) {
#pragma omp parallel for schedule(static)
  for (int64_t i = 0; i < M; ++i)
    for (int64_t j = 0; j < N; ++j) {
      float s = 0.0f;
      for (int64_t lane = 0; lane < lanes; ++lane) s += P[(lane * lane_rows + i) * Np + j];
      const float v = alpha * s;
      C[i * ldc + j] = beta == 0.0f ? v : v + beta * C[i * ldc + j];
    }
}

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

// Rows k .. k + rows - 1 of a row-major operand (row_len floats each, rows ld apart) asked
// into L2 ahead of use: the long reductions ask for their lane's next chunk, the fp32 rows
// kernel for its next task's rows, while they compute on these. The hardware prefetcher
// does not keep up with either pattern here (weight gradient at 375k x 64 x 64: 26 -> 18 ms
// with it, and no better without it when a lane's chunks are made contiguous).
inline void prefetch_rows(const float* P, int64_t ld, int64_t k, int64_t rows, int64_t row_len) {
#ifdef WS_GEMM_AVX2
  for (int64_t q = 0; q < rows; ++q)
    for (int64_t c = 0; c < row_len; c += 64 / int64_t(sizeof(float)))
      _mm_prefetch(reinterpret_cast<const char*>(P + (k + q) * ld + c), _MM_HINT_T1);
#else
  (void)P, (void)ld, (void)k, (void)rows, (void)row_len;
#endif
}

}  // namespace ws::gemm_detail
