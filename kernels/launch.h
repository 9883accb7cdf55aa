// Per-item math is written once as WS_HD functions and run by either launcher:
// CpuExec (OpenMP loop) here, CudaExec (grid-stride kernel) in launch_cuda.cuh.
// Kernel family files follow one pattern:
//   foo.h        WS_HD item functions + the entry points (raw pointers, a Device)
//   foo_impl.h   template <class Exec> bodies shared by both launchers
//   foo.cpp      CPU instantiation + device dispatch;  foo.cu  CUDA instantiation
#pragma once
#include <cstdint>

#include "core/device.h"
#include "core/hd.h"
#include "core/error.h"


namespace ws {

// Below this many items a CPU loop stays on one thread (forking costs more than it saves).
constexpr int64_t kParallelGrain = 16384;

struct CpuExec {
  // Widest column block a row launcher hands to one call. Item functions size their
  // per-call scratch with it (a 4 KB stack array here, one register on CUDA); wide, so a
  // row of up to 1024 channels is one block and a segment's rows are read once.
  static constexpr int kColChunk = 1024;

  // f(i) for i in [0, n).
  template <class F>
  static void for_n(int64_t n, F f) {
#pragma omp parallel for schedule(static) if (n >= kParallelGrain)
    for (int64_t i = 0; i < n; ++i) f(i);
  }

  // f(r, c) for every element of an R x C grid, in (row, column block) tasks split over
  // threads: columns innermost and contiguous (no per-element division; vectorisable).
  // Blocks, not whole rows, so a few long rows (a same-shape binary op is one row of n)
  // still spread over the threads.
  template <class F>
  static void for_2d(int64_t R, int64_t C, F f) {
    const int64_t blocks = (C + kColChunk - 1) / kColChunk;
#pragma omp parallel for schedule(static) if (R * C >= kParallelGrain)
    for (int64_t t = 0; t < R * blocks; ++t) {
      const int64_t r = t / blocks, c0 = t % blocks * kColChunk, c1 = c0 + kColChunk < C ? c0 + kColChunk : C;
      for (int64_t c = c0; c < c1; ++c) f(r, c);
    }
  }

  // f(r, c0, nc) for rows r < R and column blocks [c0, c0 + nc) covering [0, C),
  // nc <= kColChunk. On the CPU a thread takes whole rows and walks their columns
  // contiguously (vectorisable); on CUDA each call is one element (nc = 1).
  template <class F>
  static void for_rows(int64_t R, int64_t C, F f) {
#pragma omp parallel for schedule(static) if (R * C >= kParallelGrain)
    for (int64_t r = 0; r < R; ++r) row_blocks(r, C, f);
  }

  // for_rows over the S segments of a CSR (offsets [S+1], host memory): each thread gets
  // a range of segments with about equal rows + segments, so uneven segments (one of
  // 4096 rows among thousands of 16) still split evenly. The split depends on the
  // thread count, never the result: each call owns its segment's outputs.
  template <class F>
  static void for_segments(const int32_t* offsets, int64_t S, int64_t C, F f);

  template <class F>
  static void row_blocks(int64_t r, int64_t C, F& f) {
    for (int64_t c0 = 0; c0 < C; c0 += kColChunk) f(r, c0, C - c0 < kColChunk ? C - c0 : int64_t(kColChunk));
  }
};

// f(begin, end) over contiguous chunks of [0, n), one per thread: for loops that keep
// per-thread state (a running sum, a scratch row).
template <class F>
void parallel_chunks(int64_t n, F f, int64_t grain = kParallelGrain);

int max_threads();  // OpenMP threads this process uses

[[noreturn]] void fail_no_cuda(const char* op);

}  // namespace ws

// In a device-dispatching entry point: runs the CUDA launcher for a CUDA device, with
// that device current (cuda:N runs on GPU N; launchers use current_cuda_device()).
#ifdef WS_CUDA
#define WS_DISPATCH_CUDA(dev, call) \
  do {                              \
    if ((dev).is_cuda()) {          \
      ::ws::use_device(dev);        \
      call;                         \
      return;                       \
    }                               \
  } while (0)
#else
#define WS_DISPATCH_CUDA(dev, call) \
  do {                              \
    if ((dev).is_cuda()) ::ws::fail_no_cuda(#call); \
  } while (0)
#endif

#include <omp.h>

template <class F>
void ws::parallel_chunks(int64_t n, F f, int64_t grain) {
  if (n <= 0) return;
  if (n < grain || omp_get_max_threads() == 1) {
    f(int64_t(0), n);
    return;
  }
#pragma omp parallel
  {
    int64_t t = omp_get_thread_num(), nt = omp_get_num_threads();
    int64_t begin = n * t / nt, end = n * (t + 1) / nt;
    if (begin < end) f(begin, end);
  }
}

template <class F>
void ws::CpuExec::for_segments(const int32_t* offsets, int64_t S, int64_t C, F f) {
  if (S <= 0) return;
  // Work before segment s, counting one unit per segment for its output row.
  auto work = [offsets](int64_t s) { return int64_t(offsets[s]) + s; };
  int64_t total = work(S);
  if (total * (C ? C : 1) < kParallelGrain || omp_get_max_threads() == 1) {
    for (int64_t s = 0; s < S; ++s) row_blocks(s, C, f);
    return;
  }
#pragma omp parallel
  {
    int64_t t = omp_get_thread_num(), nt = omp_get_num_threads();
    // First segment whose preceding work reaches the thread's share (work() is increasing).
    auto first_at = [&](int64_t target) {
      int64_t lo = 0, hi = S;
      while (lo < hi) {
        int64_t mid = (lo + hi) / 2;
        if (work(mid) < target) lo = mid + 1; else hi = mid;
      }
      return lo;
    };
    int64_t begin = t == 0 ? 0 : first_at(total * t / nt), end = t + 1 == nt ? S : first_at(total * (t + 1) / nt);
    for (int64_t s = begin; s < end; ++s) row_blocks(s, C, f);
  }
}
