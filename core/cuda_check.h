// Host-side CUDA error checks (only in a CUDA build). Errors name the call and the runtime's message.
#pragma once
#ifdef WS_CUDA
#include <cuda_runtime.h>

#include "core/error.h"

#define WS_CUDA_CHECK(call)                                                             \
  do {                                                                                  \
    cudaError_t ws_err_ = (call);                                                       \
    if (ws_err_ != cudaSuccess)                                                         \
      ::ws::fail(::ws::str_cat("CUDA error in ", #call, ": ", cudaGetErrorString(ws_err_), \
                               " (", __FILE__, ":", __LINE__, ")"));                    \
  } while (0)

// After a kernel launch: catches bad launch configurations right away.
#define WS_CUDA_CHECK_LAUNCH(name)                                                     \
  do {                                                                                  \
    cudaError_t ws_err_ = cudaGetLastError();                                           \
    if (ws_err_ != cudaSuccess)                                                         \
      ::ws::fail(::ws::str_cat("CUDA launch of ", name, " failed: ", cudaGetErrorString(ws_err_))); \
  } while (0)
#endif
