#include "kernels/launch.h"

namespace ws {

int max_threads() { return omp_get_max_threads(); }

void fail_no_cuda(const char* op) {
  fail(str_cat("CUDA tensor passed to ", op, " in a build without CUDA"));
}

}  // namespace ws
