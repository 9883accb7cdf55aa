// CUDA launcher for per-item math shared with the CPU (see launch.h).
#pragma once
#include <cuda_runtime.h>

#include "engine/cuda_check.h"
#include "kernels/launch.h"

namespace ws {

template <class F>
__global__ void for_n_kernel(int64_t n, F f) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n;
       i += int64_t(gridDim.x) * blockDim.x)
    f(i);
}

constexpr int kCudaThreads = 256;

inline unsigned cuda_blocks(int64_t n, int threads = kCudaThreads) {
  int64_t b = (n + threads - 1) / threads;
  return unsigned(b < 65535 * 32 ? (b < 1 ? 1 : b) : 65535 * 32);
}

struct CudaExec {
  template <class F>
  static void for_n(int64_t n, F f) {
    if (n <= 0) return;
    for_n_kernel<<<cuda_blocks(n), kCudaThreads>>>(n, f);
    WS_CUDA_CHECK_LAUNCH("for_n");
  }
};

}  // namespace ws
