// What this binary was built with, printed at start-up and by `wsnerf version`.
#pragma once
#include <string>

namespace ws {

struct BuildInfo {
  std::string version;
  bool cuda_built = false;
  std::string cuda_archs;   // CMake architecture list, empty without CUDA
  bool gpu_visible = false;
  std::string gpu_note;     // device name, or why there is none
  std::string blas;         // "OpenBLAS 0.3.21 (openmp)" or the built-in GEMM
  int omp_threads = 1;
  std::string amx;          // "yes" (--precision bf16x3 can use the tiles), or why not
};

BuildInfo build_info();
// One line: "wsnerf 0.1.0 | CUDA: no | BLAS: OpenBLAS ... | AMX: yes | OpenMP threads: 2"
std::string build_summary();

}  // namespace ws
