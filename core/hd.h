// WS_HD marks a function both the CPU and CUDA compile (__host__ __device__ under nvcc,
// nothing otherwise): per-item math written once (docs/design.md §2.4). The first header of
// the ground floor, core/: it includes nothing, so any floor may use it.
#pragma once

#ifdef __CUDACC__
#define WS_HD __host__ __device__
#else
#define WS_HD
#endif
