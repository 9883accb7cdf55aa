// CUDA launcher for per-item math shared with the CPU (see launch.h).
#pragma once
#include <cuda_runtime.h>

#include "core/cuda_check.h"
#include "kernels/launch.h"

namespace ws {

template <class F>
__global__ void for_n_kernel(int64_t n, F f) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n;
       i += int64_t(gridDim.x) * blockDim.x)
    f(i);
}

// One call per element of an R x C grid, columns fastest (coalesced rows): see CpuExec::for_rows.
template <class F>
__global__ void for_rows_kernel(int64_t R, int64_t C, F f) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < R * C;
       i += int64_t(gridDim.x) * blockDim.x)
    f(i / C, i % C, int64_t(1));
}

constexpr int kCudaThreads = 256;

inline unsigned cuda_blocks(int64_t n, int threads = kCudaThreads) {
  int64_t b = (n + threads - 1) / threads;
  return unsigned(b < 65535 * 32 ? (b < 1 ? 1 : b) : 65535 * 32);
}

struct CudaExec {
  static constexpr int kColChunk = 1;

  template <class F>
  static void for_n(int64_t n, F f) {
    if (n <= 0) return;
    for_n_kernel<<<cuda_blocks(n), kCudaThreads>>>(n, f);
    WS_CUDA_CHECK_LAUNCH("for_n");
  }

  // f(r, c) for every element of an R x C grid, one thread each, columns fastest.
  template <class F>
  static void for_2d(int64_t R, int64_t C, F f) {
    for_n(R * C, [=] __device__(int64_t i) { f(i / C, i % C); });
  }

  template <class F>
  static void for_rows(int64_t R, int64_t C, F f) {
    if (R * C <= 0) return;
    for_rows_kernel<<<cuda_blocks(R * C), kCudaThreads>>>(R, C, f);
    WS_CUDA_CHECK_LAUNCH("for_rows");
  }

  // One thread per (segment, column); offsets stay on the device (read by the items).
  template <class F>
  static void for_segments(const int32_t* offsets, int64_t S, int64_t C, F f) { for_rows(S, C, f); }
};

}  // namespace ws
