#include "engine/build_info.h"

#include <omp.h>

#include "core/device.h"
#include "core/error.h"
#include "kernels/gemm_amx.h"
#ifdef WS_HAVE_CBLAS
#include <cblas.h>
#endif
#ifdef WS_CUDA
#include <cuda_runtime.h>
#endif

namespace ws {

BuildInfo build_info() {
  BuildInfo b;
  b.version = WS_VERSION;
  b.cuda_built = cuda_built();
#ifdef WS_CUDA
  b.cuda_archs = WS_CUDA_ARCHS;
  if (cuda_available()) {
    cudaDeviceProp p{};
    if (cudaGetDeviceProperties(&p, 0) == cudaSuccess)
      b.gpu_note = str_cat(p.name, " (sm_", p.major, p.minor, ", ", p.totalGlobalMem >> 20, " MiB)");
  }
#endif
  b.gpu_visible = cuda_available();
  if (!b.gpu_visible) b.gpu_note = cuda_unavailable_reason();
#ifdef WS_HAVE_CBLAS
  b.blas = openblas_get_config();
#else
  b.blas = WS_BLAS_NAME;
#endif
  b.omp_threads = omp_get_max_threads();
  b.amx = amx_note();
  return b;
}

std::string build_summary() {
  BuildInfo b = build_info();
  std::string cuda = b.cuda_built ? str_cat("yes (archs ", b.cuda_archs, "; ", b.gpu_visible ? "GPU: " : "no GPU: ",
                                            b.gpu_note, ")")
                                   : "no";
  return str_cat("wsnerf ", b.version, " | CUDA: ", cuda, " | BLAS: ", b.blas, " | AMX: ", b.amx == "yes" ? "yes" : "no",
                 " | OpenMP threads: ", b.omp_threads);
}

}  // namespace ws
