// Per-item math is written once as WS_HD functions and run by either launcher:
// CpuExec (OpenMP loop) here, CudaExec (grid-stride kernel) in launch_cuda.cuh.
// Kernel family files follow one pattern:
//   foo.h        WS_HD item functions + the entry points (raw pointers, a Device)
//   foo_impl.h   template <class Exec> bodies shared by both launchers
//   foo.cpp      CPU instantiation + device dispatch;  foo.cu  CUDA instantiation
#pragma once
#include <cstdint>

#include "engine/device.h"
#include "engine/error.h"

#ifdef __CUDACC__
#define WS_HD __host__ __device__
#else
#define WS_HD
#endif

namespace ws {

// Below this many items a CPU loop stays on one thread (forking costs more than it saves).
constexpr int64_t kParallelGrain = 16384;

struct CpuExec {
  // f(i) for i in [0, n).
  template <class F>
  static void for_n(int64_t n, F f) {
#pragma omp parallel for schedule(static) if (n >= kParallelGrain)
    for (int64_t i = 0; i < n; ++i) f(i);
  }
};

// f(begin, end) over contiguous chunks of [0, n), one per thread: for loops that keep
// per-thread state (a running sum, a scratch row).
template <class F>
void parallel_chunks(int64_t n, F f, int64_t grain = kParallelGrain);

int max_threads();  // OpenMP threads this process uses

[[noreturn]] void fail_no_cuda(const char* op);

}  // namespace ws

// In a device-dispatching entry point: runs the CUDA launcher for a CUDA device.
#ifdef WS_CUDA
#define WS_DISPATCH_CUDA(dev, call) \
  do {                              \
    if ((dev).is_cuda()) {          \
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
