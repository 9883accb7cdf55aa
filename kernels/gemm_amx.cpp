#include "kernels/gemm_amx.h"

#include <cpuid.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <omp.h>

#include <immintrin.h>

#include "core/allocator.h"
#include "core/error.h"
#include "kernels/gemm_tile_store.h"

namespace ws {

// ---- can this process use the tiles? (plain code: runs on any x86-64) -----------------
namespace {
struct AmxState {
  bool usable = false;
  std::string note;
};

AmxState probe_amx() {
  unsigned a, b, c, d;
  if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return {false, "the CPU reports no feature leaf 7"};
  const bool amx_tile = (d >> 24) & 1, amx_bf16 = (d >> 22) & 1, avx512bw = (b >> 30) & 1;
  if (!amx_tile || !amx_bf16) return {false, "the CPU has no AMX-BF16"};
  if (!__get_cpuid_count(7, 1, &a, &b, &c, &d) || !((a >> 5) & 1) || !avx512bw)
    return {false, "the CPU has no AVX512-BF16"};
  // Linux hands out the 8 KiB tile state only on request (arch_prctl ARCH_REQ_XCOMP_PERM,
  // feature 18 = XTILEDATA); the grant covers every thread of the process.
  constexpr long kReqXcompPerm = 0x1023, kXtileData = 18;
  if (syscall(SYS_arch_prctl, kReqXcompPerm, kXtileData) != 0)
    return {false, str_cat("Linux refused the tile state (arch_prctl: ", std::strerror(errno), ")")};
  return {true, "yes"};
}

const AmxState& amx_state() {
  static const AmxState s = probe_amx();
  return s;
}
}  // namespace

bool amx_usable() { return amx_state().usable; }
std::string amx_note() { return amx_state().note; }

// ---- the kernels (compiled for AMX; called only when amx_usable()) ----------------------
#pragma GCC push_options
#pragma GCC target("avx512f,avx512bw,avx512vl,avx512bf16,amx-tile,amx-bf16")
// GCC 12's own AVX-512 headers trip this warning (their _mm512_undefined_* placeholders).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

namespace {
using namespace gemm_detail;

constexpr int kTile = 16;           // rows of a tile; fp32 columns of an accumulator tile
constexpr int kStep = 32;           // bf16 per tile row (64 bytes): K per tile product
constexpr int kGroup = 4;           // column tiles per pass: accumulators tmm0..3
constexpr int64_t kRowTask = 256;   // most rows per task of the rows kernel
constexpr int64_t kRowChunk = kReductionChunk;  // K per chunk of the long reduction
constexpr int64_t kFusedMaxWidth = 256;         // widest G the fused linear backward takes with dX

int64_t round_up(int64_t x, int64_t m) { return (x + m - 1) / m * m; }

// The shapes the long reduction takes (A^T B, N columns, K rows of both operands).
bool long_fits(int64_t N, int64_t K) { return N >= 1 && K >= 256; }

// Palette 1, tiles 0..7 all 16 rows x 64 bytes: tmm0-3 accumulate fp32 [16, 16], tmm4/5
// hold A's hi/lo rows [16, 32 bf16], tmm6/7 B's hi/lo [16 pairs, 16 x 2 bf16].
struct alignas(64) TileConfig {
  uint8_t palette = 1, start_row = 0;
  uint8_t reserved[14] = {};
  uint16_t colsb[16] = {};
  uint8_t rows[16] = {};
};

// Configures this thread's tiles for its lifetime in scope; releases them after (so a
// context switch does not save 8 KiB of tile state for a thread done with them).
struct TilesOn {
  TilesOn() {
    TileConfig c;
    for (int t = 0; t < 8; ++t) {
      c.rows[t] = kTile;
      c.colsb[t] = 64;
    }
    _tile_loadconfig(&c);
  }
  ~TilesOn() { _tile_release(); }
};

// 16 floats -> bf16 hi = bf16(x) (round to nearest even) and lo = bf16(x - hi), as 16-bit
// lanes in 32-bit slots (the low halves): x ~ hi + lo to ~2^-16 relative.
inline void split_lanes(__m512 x, __m512i& hi, __m512i& lo) {
  hi = _mm512_cvtepu16_epi32((__m256i)_mm512_cvtneps_pbh(x));
  const __m512 hf = _mm512_castsi512_ps(_mm512_slli_epi32(hi, 16));
  lo = _mm512_cvtepu16_epi32((__m256i)_mm512_cvtneps_pbh(_mm512_sub_ps(x, hf)));
}

// x[0..16) -> hi[0..16), lo[0..16) (bf16 bits).
inline void split16(__m512 x, uint16_t* hi, uint16_t* lo) {
  __m512i h, l;
  split_lanes(x, h, l);
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(hi), _mm512_cvtepi32_epi16(h));
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(lo), _mm512_cvtepi32_epi16(l));
}

// Rows k and k+1 of op(B) at 16 columns -> the VNNI pairs [16 columns][2] of hi and lo.
inline void split_pairs(__m512 even, __m512 odd, uint16_t* hi, uint16_t* lo) {
  __m512i he, le, ho, lo_;
  split_lanes(even, he, le);
  split_lanes(odd, ho, lo_);
  _mm512_storeu_si512(hi, _mm512_or_si512(he, _mm512_slli_epi32(ho, 16)));
  _mm512_storeu_si512(lo, _mm512_or_si512(le, _mm512_slli_epi32(lo_, 16)));
}

// Up to 16 floats from p (n of them; zeros after).
inline __m512 load_n(const float* p, int64_t n) {
  return n >= 16 ? _mm512_loadu_ps(p) : _mm512_maskz_loadu_ps(__mmask16((1u << std::max<int64_t>(n, 0)) - 1), p);
}

// 16 x 16 transpose of registers r[0..16) (the classic unpack / shuffle ladder).
inline void transpose16(__m512 r[16]) {
  __m512 t[16];
  for (int i = 0; i < 16; i += 2) {
    t[i] = _mm512_unpacklo_ps(r[i], r[i + 1]);
    t[i + 1] = _mm512_unpackhi_ps(r[i], r[i + 1]);
  }
  for (int i = 0; i < 16; i += 4)  // r[i + c], lane L: column 4L + c of rows i..i+3
    for (int h = 0; h < 2; ++h) {
      r[i + 2 * h] = _mm512_shuffle_ps(t[i + h], t[i + 2 + h], _MM_SHUFFLE(1, 0, 1, 0));
      r[i + 2 * h + 1] = _mm512_shuffle_ps(t[i + h], t[i + 2 + h], _MM_SHUFFLE(3, 2, 3, 2));
    }
  for (int i = 0; i < 16; i += 8)
    for (int h = 0; h < 4; ++h) {
      t[i + h] = _mm512_shuffle_f32x4(r[i + h], r[i + 4 + h], 0x88);
      t[i + 4 + h] = _mm512_shuffle_f32x4(r[i + h], r[i + 4 + h], 0xdd);
    }
  for (int h = 0; h < 8; ++h) {
    r[h] = _mm512_shuffle_f32x4(t[h], t[8 + h], 0x88);
    r[8 + h] = _mm512_shuffle_f32x4(t[h], t[8 + h], 0xdd);
  }
}

// The B side of a tile product, VNNI order: for each 16-column block, hi then lo, each
// [Kp/2 pairs][16 columns][2] bf16, from op(B) = B [K, N] (rows ldb apart), or from
// op(B) = B^T with B [N, K] when tb (16 x 16 blocks transposed in registers: a scalar
// transpose strided its stores a page apart, 13 ms for a 1024 x 1312 weight); zeros past
// K and N.
void pack_vnni(bool tb, int64_t K, int64_t N, int64_t Kp, int64_t Np, const float* B, int64_t ldb, uint16_t* out) {
  for (int64_t j0 = 0; j0 < Np; j0 += kTile) {
    uint16_t* hi = out + (j0 / kTile) * 2 * Kp * kTile;
    uint16_t* lo = hi + Kp * kTile;
    for (int64_t k0 = 0; k0 < Kp; k0 += kTile) {
      __m512 r[kTile];  // r[q]: op(B) row k0 + q at columns j0 .. j0 + 15
      for (int q = 0; q < kTile; ++q)
        if (tb)
          r[q] = j0 + q < N ? load_n(B + (j0 + q) * ldb + k0, K - k0) : _mm512_setzero_ps();
        else
          r[q] = k0 + q < K ? load_n(B + (k0 + q) * ldb + j0, N - j0) : _mm512_setzero_ps();
      if (tb) transpose16(r);
      for (int q = 0; q < kTile; q += 2)
        split_pairs(r[q], r[q + 1], hi + (k0 + q) * kTile, lo + (k0 + q) * kTile);
    }
  }
}

// Column tile J of one K step (J a literal: the tile intrinsics paste it into a register
// name): acc_J += hi*hi + lo*hi + hi*lo, with A's hi/lo rows in tmm4/5.
#define WS_AMX_STEP(J, b, Kp, s)                                                             \
  do {                                                                                       \
    const uint16_t* bh = (b) + (J) * 2 * (Kp) * kTile + (s) * (kStep / 2) * 2 * kTile;       \
    _tile_loadd(6, bh, 64);                                                                  \
    _tile_dpbf16ps(J, 4, 6);                                                                 \
    _tile_dpbf16ps(J, 5, 6);                                                                 \
    _tile_loadd(7, bh + (Kp) * kTile, 64);                                                   \
    _tile_dpbf16ps(J, 4, 7);                                                                 \
  } while (0)

// One pass over K for NB column tiles: acc_j (+)= A[16, Kp] B_j[Kp, 16] in bf16x3.
// a_hi / a_lo: 16 rows, a_stride bytes apart; b: the first block's packing (pack_vnni),
// blocks 2 Kp 16 bf16 apart. Accumulators start from zero, or from acc when `load`.
template <int NB>
void tile_pass(const uint16_t* a_hi, const uint16_t* a_lo, int64_t a_stride, const uint16_t* b, int64_t Kp,
               float* acc, int64_t acc_stride, bool load) {
  static_assert(NB >= 1 && NB <= kGroup, "NB column tiles");
  if (load) {
    _tile_loadd(0, acc, acc_stride);
    if (NB > 1) _tile_loadd(1, acc + kTile, acc_stride);
    if (NB > 2) _tile_loadd(2, acc + 2 * kTile, acc_stride);
    if (NB > 3) _tile_loadd(3, acc + 3 * kTile, acc_stride);
  } else {
    _tile_zero(0);
    if (NB > 1) _tile_zero(1);
    if (NB > 2) _tile_zero(2);
    if (NB > 3) _tile_zero(3);
  }
  for (int64_t s = 0; s < Kp / kStep; ++s) {
    _tile_loadd(4, a_hi + s * kStep, a_stride);
    _tile_loadd(5, a_lo + s * kStep, a_stride);
    WS_AMX_STEP(0, b, Kp, s);
    if (NB > 1) WS_AMX_STEP(1, b, Kp, s);
    if (NB > 2) WS_AMX_STEP(2, b, Kp, s);
    if (NB > 3) WS_AMX_STEP(3, b, Kp, s);
  }
  _tile_stored(0, acc, acc_stride);
  if (NB > 1) _tile_stored(1, acc + kTile, acc_stride);
  if (NB > 2) _tile_stored(2, acc + 2 * kTile, acc_stride);
  if (NB > 3) _tile_stored(3, acc + 3 * kTile, acc_stride);
}

void tile_pass_n(int nb, const uint16_t* a_hi, const uint16_t* a_lo, int64_t a_stride, const uint16_t* b, int64_t Kp,
                 float* acc, int64_t acc_stride, bool load) {
  switch (nb) {
    case 1: return tile_pass<1>(a_hi, a_lo, a_stride, b, Kp, acc, acc_stride, load);
    case 2: return tile_pass<2>(a_hi, a_lo, a_stride, b, Kp, acc, acc_stride, load);
    case 3: return tile_pass<3>(a_hi, a_lo, a_stride, b, Kp, acc, acc_stride, load);
    default: return tile_pass<4>(a_hi, a_lo, a_stride, b, Kp, acc, acc_stride, load);
  }
}

// Rows r0 .. r1 of C[M,N] = store(A op(B)), op(B) packed (pack_vnni, Kp x Np): the rows
// split into bf16 hi/lo in a_hi / a_lo ([round_up(r1 - r0, 16), Kp] each), then passed over
// every column group; acc is the accumulators' fp32 copy (kTile x kGroup x kTile).
void rows_block(int64_t r0, int64_t r1, int64_t N, int64_t K, int64_t Kp, int64_t Np, float alpha, const float* A,
                int64_t lda, const uint16_t* packed, float beta, float* C, int64_t ldc, const RowEpilogue* ep,
                bool stream, uint16_t* a_hi, uint16_t* a_lo, float* acc) {
  const int64_t padded = round_up(r1 - r0, kTile), blocks = Np / kTile;
  for (int64_t i = 0; i < padded; ++i)  // the rows in bf16 hi/lo, zero past K and past the last row
    for (int64_t k = 0; k < Kp; k += kTile)
      split16(r0 + i < r1 ? load_n(A + (r0 + i) * lda + k, K - k) : _mm512_setzero_ps(), a_hi + i * Kp + k,
              a_lo + i * Kp + k);
  // Column groups outer: a group's packed B (4 x 16 columns x Kp) stays in cache while
  // the rows' tiles pass over it, however wide op(B) is.
  for (int64_t jb = 0; jb < blocks; jb += kGroup) {
    const int nb = int(std::min<int64_t>(kGroup, blocks - jb));
    for (int64_t r = r0; r < r1; r += kTile) {
      const int rows = int(std::min<int64_t>(kTile, r1 - r));
      if (ep)
        for (int q = 0; q < nb; ++q) prefetch_gathered(*ep, r, rows, (jb + q) * kTile, N);
      tile_pass_n(nb, a_hi + (r - r0) * Kp, a_lo + (r - r0) * Kp, Kp * 2, packed + jb * 2 * Kp * kTile, Kp, acc,
                  kGroup * kTile * sizeof(float), false);
      for (int q = 0; q < nb; ++q) {
        const int64_t j = (jb + q) * kTile;
        const int cols = int(std::min<int64_t>(kTile, N - j));
        for (int i = 0; i < rows; ++i) {
          const float* v = acc + i * kGroup * kTile + q * kTile;
          const TileRow tr = row_load(v);
          if (ep)
            EpilogueStore{*ep, r, j, N, C, ldc, cols, stream}(i, tr);
          else
            ScaleStore{alpha, beta, C + r * ldc + j, ldc, cols, stream}(i, tr);
        }
      }
    }
  }
}

// Many rows: C[M,N] = store(A[M,K] op(B)), A rows contiguous. op(B) is packed once; each task
// converts its rows of A, then passes them over every column tile.
void amx_rows(bool tb, int64_t M, int64_t N, int64_t K, float alpha, const float* A, int64_t lda, const float* B,
              int64_t ldb, float beta, float* C, int64_t ldc, const RowEpilogue* ep) {
  const int64_t Kp = round_up(std::max<int64_t>(K, 1), kStep), Np = round_up(N, kTile);
  // Scratch from the caching allocator: these kernels run hundreds of times a step.
  ScratchBuffer packed_buf(size_t(2 * Kp * Np) * sizeof(uint16_t), Device::cpu());
  uint16_t* packed = packed_buf.as<uint16_t>();
  pack_vnni(tb, K, N, Kp, Np, B, ldb, packed);
  // Rows per task: up to kRowTask, fewer for long rows (their hi/lo copy stays ~1 MiB).
  const int64_t task_rows = std::clamp<int64_t>((int64_t(1) << 18) / Kp / kTile * kTile, kTile, kRowTask);
  const int64_t tasks = (M + task_rows - 1) / task_rows;
  // Per thread: A's rows in hi and lo, then the accumulators' fp32 copy.
  const int64_t per_thread = 2 * task_rows * Kp * int64_t(sizeof(uint16_t)) + kTile * kGroup * kTile * int64_t(sizeof(float));
  ScratchBuffer threads_buf(size_t(omp_get_max_threads() * per_thread), Device::cpu());
  const bool stream = stream_output(C, ldc, M);
#pragma omp parallel
  {
    TilesOn tiles;
    char* mine = threads_buf.as<char>() + omp_get_thread_num() * per_thread;
    uint16_t* a_hi = reinterpret_cast<uint16_t*>(mine);
    uint16_t* a_lo = a_hi + task_rows * Kp;
    float* acc = reinterpret_cast<float*>(a_lo + task_rows * Kp);
#pragma omp for schedule(dynamic, 1) nowait
    for (int64_t t = 0; t < tasks; ++t)
      rows_block(t * task_rows, std::min(M, (t + 1) * task_rows), N, K, Kp, Np, alpha, A, lda, packed, beta, C, ldc,
                 ep, stream, a_hi, a_lo, acc);
    if (stream) stream_fence();
  }
}

// One chunk of a long reduction A^T B (A [K, M], B [K, N], chunk c: rows c kRowChunk ..):
// out [Mp, Np] += the chunk's product in bf16x3; lane_sums [Mp] (when given) += A's column
// sums over the chunk, rows in order. `next` (or -1): the lane's next chunk, asked into L2
// while this one is converted. Scratch: a_hi / a_lo [Mp, kRowChunk], packed [2 kRowChunk Np].
void long_chunk(int64_t c, int64_t next, int64_t M, int64_t N, int64_t K, const float* A, int64_t lda, const float* B,
                int64_t ldb, float* out, float* lane_sums, uint16_t* a_hi, uint16_t* a_lo, uint16_t* packed) {
  const int64_t Mp = round_up(M, kTile), Np = round_up(N, kTile), blocks = Np / kTile;
  const int64_t k0 = c * kRowChunk, kk = std::min(kRowChunk, K - k0);
  const int64_t n0 = next * kRowChunk, next_rows = next < 0 ? 0 : std::min(kRowChunk, K - n0);
  // A^T of the chunk, [Mp, kRowChunk] in hi/lo: 16 x 16 blocks transposed in registers.
  for (int64_t k = 0; k < kRowChunk; k += kTile) {
    if (k < next_rows) {  // the lane's next chunk, both operands, 16 rows at a time
      prefetch_rows(A, lda, n0 + k, std::min<int64_t>(kTile, next_rows - k), M);
      prefetch_rows(B, ldb, n0 + k, std::min<int64_t>(kTile, next_rows - k), N);
    }
    for (int64_t i = 0; i < Mp; i += kTile) {
      __m512 r[kTile];
      for (int q = 0; q < kTile; ++q) r[q] = k + q < kk ? load_n(A + (k0 + k + q) * lda + i, M - i) : _mm512_setzero_ps();
      if (lane_sums && k < kk) {  // rows in order, one add each (zero rows past kk skipped)
        __m512 s = _mm512_loadu_ps(lane_sums + i);
        for (int q = 0; q < kTile && k + q < kk; ++q) s = _mm512_add_ps(s, r[q]);
        _mm512_storeu_ps(lane_sums + i, s);
      }
      transpose16(r);
      for (int q = 0; q < kTile; ++q) split16(r[q], a_hi + (i + q) * kRowChunk + k, a_lo + (i + q) * kRowChunk + k);
    }
  }
  pack_vnni(false, kk, N, kRowChunk, Np, B + k0 * ldb, ldb, packed);
  for (int64_t i = 0; i < Mp; i += kTile)
    for (int64_t jb = 0; jb < blocks; jb += kGroup)
      tile_pass_n(int(std::min<int64_t>(kGroup, blocks - jb)), a_hi + i * kRowChunk, a_lo + i * kRowChunk,
                  kRowChunk * 2, packed + jb * 2 * kRowChunk * kTile, kRowChunk, out + i * Np + jb * kTile,
                  Np * sizeof(float), true);
}

// Long reduction: C[M,N] = alpha A^T B + beta C, A stored [K, M], B [K, N] (weight
// gradients: K huge). Chunks of kRowChunk rows of K go to lane c % lanes, each lane adds its
// chunks in order into its own partial product, and the lanes are summed in order. With
// sums, A's columns are summed in fp32 from the rows loaded for the transpose, in the same
// lane order (long_reduction's order: the two kernels' sums agree to the bit).
void amx_long(int64_t M, int64_t N, int64_t K, float alpha, const float* A, int64_t lda, const float* B,
              int64_t ldb, float beta, float* C, int64_t ldc, const ColumnSums* sums = nullptr) {
  const int64_t Mp = round_up(M, kTile), Np = round_up(N, kTile), chunks = reduction_chunks(K);
  const int64_t lanes = reduction_lanes(K);
  ScratchBuffer partial(size_t(lanes * Mp * Np) * sizeof(float), Device::cpu());
  ScratchBuffer partial_sums(sums ? size_t(lanes * Mp) * sizeof(float) : 0, Device::cpu());
  // Per thread: a chunk of A^T in hi and lo, and the chunk of B packed.
  const int64_t per_thread = (2 * Mp * kRowChunk + 2 * kRowChunk * Np) * int64_t(sizeof(uint16_t));
  ScratchBuffer threads_buf(size_t(omp_get_max_threads() * per_thread), Device::cpu());
#pragma omp parallel
  {
    TilesOn tiles;
    uint16_t* a_hi = reinterpret_cast<uint16_t*>(threads_buf.as<char>() + omp_get_thread_num() * per_thread);
    uint16_t* a_lo = a_hi + Mp * kRowChunk;
    uint16_t* packed = a_lo + Mp * kRowChunk;
#pragma omp for schedule(dynamic, 1)
    for (int64_t lane = 0; lane < lanes; ++lane) {
      float* out = partial.as<float>() + lane * Mp * Np;
      std::fill(out, out + Mp * Np, 0.0f);
      float* lane_sums = sums ? partial_sums.as<float>() + lane * Mp : nullptr;
      if (lane_sums) std::fill(lane_sums, lane_sums + Mp, 0.0f);
      for (int64_t c = lane; c < chunks; c += lanes)
        long_chunk(c, c + lanes < chunks ? c + lanes : -1, M, N, K, A, lda, B, ldb, out, lane_sums, a_hi, a_lo,
                   packed);
    }
  }
  sum_lanes(partial.as<float>(), lanes, Mp, Np, M, N, alpha, beta, C, ldc);
  if (sums) sum_lanes(partial_sums.as<float>(), lanes, Mp, 1, M, 1, 1.0f, sums->accumulate ? 1.0f : 0.0f, sums->out, 1);
}

// ReLU's gradient on rows r0 .. r1 of G [*, N] (rows contiguous), in place: out > 0 ? G : 0,
// the ReLU pass's formula (kernels/elementwise.h), so the same bits.
void relu_grad_rows(float* G, const float* out, int64_t r0, int64_t r1, int64_t N) {
  for (int64_t i = r0 * N, end = r1 * N; i < end; i += 16) {
    const __mmask16 m = end - i >= 16 ? __mmask16(0xFFFF) : __mmask16((1u << (end - i)) - 1);
    const __mmask16 pos = _mm512_cmp_ps_mask(_mm512_maskz_loadu_ps(m, out + i), _mm512_setzero_ps(), _CMP_GT_OQ);
    _mm512_mask_storeu_ps(G + i, m, _mm512_maskz_loadu_ps(pos & m, G + i));
  }
}

// linear_backward_amx: the long reduction's lanes and chunks (amx_long's, so dW and db get
// its bits); each chunk of rows is masked, multiplied into dX (amx_rows' tile passes, the
// same bits per row) and added into the lane's dW while it is in cache.
void amx_linear_backward(const LinearGrads& g) {
  const int64_t M = g.M, N = g.N, K = g.K;
  // dX = G W: reduction over N (padded to Kx), K columns (padded to Nx); W packed once.
  const int64_t Kx = round_up(N, kStep), Nx = round_up(K, kTile);
  ScratchBuffer packed_w(g.dX ? size_t(2 * Kx * Nx) * sizeof(uint16_t) : 0, Device::cpu());
  if (g.dX) pack_vnni(false, N, K, Kx, Nx, g.W, K, packed_w.as<uint16_t>());
  // dW = G^T X: [N, K] padded to [Mp, Np], one partial per lane; db one row per lane.
  const int64_t Mp = round_up(N, kTile), Np = round_up(K, kTile), chunks = reduction_chunks(M);
  const int64_t lanes = reduction_lanes(M);
  ScratchBuffer partial(g.dW ? size_t(lanes * Mp * Np) * sizeof(float) : 0, Device::cpu());
  ScratchBuffer partial_sums(g.db ? size_t(lanes * Mp) * sizeof(float) : 0, Device::cpu());
  // Per thread: a chunk's rows in hi/lo and the accumulators (dX), A^T and B packed (dW).
  const int64_t rows_part = 2 * kRowChunk * Kx * int64_t(sizeof(uint16_t)) + kTile * kGroup * kTile * int64_t(sizeof(float));
  const int64_t per_thread = rows_part + (2 * Mp * kRowChunk + 2 * kRowChunk * Np) * int64_t(sizeof(uint16_t));
  ScratchBuffer threads_buf(size_t(omp_get_max_threads() * per_thread), Device::cpu());
  const bool stream = g.dX && stream_output(g.dX, K, M);
#pragma omp parallel
  {
    TilesOn tiles;
    char* mine = threads_buf.as<char>() + omp_get_thread_num() * per_thread;
    uint16_t* x_hi = reinterpret_cast<uint16_t*>(mine);
    uint16_t* x_lo = x_hi + kRowChunk * Kx;
    float* acc = reinterpret_cast<float*>(x_lo + kRowChunk * Kx);
    uint16_t* w_hi = reinterpret_cast<uint16_t*>(mine + rows_part);
    uint16_t* w_lo = w_hi + Mp * kRowChunk;
    uint16_t* packed = w_lo + Mp * kRowChunk;
#pragma omp for schedule(dynamic, 1)
    for (int64_t lane = 0; lane < lanes; ++lane) {
      float* out = g.dW ? partial.as<float>() + lane * Mp * Np : nullptr;
      if (out) std::fill(out, out + Mp * Np, 0.0f);
      float* lane_sums = g.db ? partial_sums.as<float>() + lane * Mp : nullptr;
      if (lane_sums) std::fill(lane_sums, lane_sums + Mp, 0.0f);
      for (int64_t c = lane; c < chunks; c += lanes) {
        const int64_t r0 = c * kRowChunk, r1 = std::min(M, r0 + kRowChunk);
        if (g.relu_out) relu_grad_rows(g.G, g.relu_out, r0, r1, N);
        if (g.dX)
          rows_block(r0, r1, K, N, Kx, Nx, 1.0f, g.G, N, packed_w.as<uint16_t>(), g.accumulate_x ? 1.0f : 0.0f, g.dX,
                     K, nullptr, stream, x_hi, x_lo, acc);
        if (g.dW)
          long_chunk(c, c + lanes < chunks ? c + lanes : -1, N, K, M, g.G, N, g.X, K, out, lane_sums, w_hi, w_lo,
                     packed);
      }
    }
    if (stream) stream_fence();
  }
  if (g.dW) sum_lanes(partial.as<float>(), lanes, Mp, Np, N, K, 1.0f, g.accumulate_w ? 1.0f : 0.0f, g.dW, K);
  if (g.db) sum_lanes(partial_sums.as<float>(), lanes, Mp, 1, N, 1, 1.0f, g.accumulate_b ? 1.0f : 0.0f, g.db, 1);
}
}  // namespace

bool gemm_amx_cpu(bool ta, bool tb, int64_t M, int64_t N, int64_t K, float alpha, const float* A, int64_t lda,
                  const float* B, int64_t ldb, float beta, float* C, int64_t ldc) {
  if (!amx_usable() || N < 1 || K < 1) return false;
  if (!ta && M >= 64) {
    amx_rows(tb, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc, nullptr);
    return true;
  }
  if (ta && !tb && long_fits(N, K)) {
    amx_long(M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
    return true;
  }
  return false;
}

bool gemm_long_sums_amx(int64_t M, int64_t N, int64_t K, const float* A, int64_t lda, const float* B, int64_t ldb,
                        float beta, float* C, int64_t ldc, const ColumnSums& sums) {
  if (!amx_usable() || !long_fits(N, K)) return false;
  amx_long(M, N, K, 1.0f, A, lda, B, ldb, beta, C, ldc, &sums);
  return true;
}

bool gemm_rows_fused_amx(bool tb, int64_t M, int64_t N, int64_t K, const float* A, int64_t lda, const float* B,
                         int64_t ldb, float* C, int64_t ldc, const RowEpilogue& ep) {
  if (!amx_usable() || M < 64 || N < 8 || K < 1 || (ep.relu_bits && N % 8 != 0)) return false;
  amx_rows(tb, M, N, K, 1.0f, A, lda, B, ldb, 0.0f, C, ldc, &ep);
  return true;
}

bool linear_backward_amx(const LinearGrads& g) {
  // db without dW: the separate path sums G's columns with sum_rows, in another order.
  // dX with G wider than kFusedMaxWidth: not measured (a chunk's hi/lo rows outgrow L2).
  if (!amx_usable() || g.M < 256 || g.N < 1 || g.K < 1 || (g.dX && g.N > kFusedMaxWidth) || (g.db && !g.dW))
    return false;
  amx_linear_backward(g);
  return true;
}

#pragma GCC diagnostic pop
#pragma GCC pop_options

}  // namespace ws
