// CPU launcher for per-ray loops (marching, compositing). A ray costs anything from
// nothing (a miss) to hundreds of steps, and a few hundred rays are already worth
// splitting, so chunks are handed out dynamically well below kParallelGrain. Each ray
// writes only its own outputs, so results do not depend on the schedule.
#pragma once
#include "kernels/launch.h"

namespace ws {

struct CpuRayExec {
  template <class F>
  static void for_n(int64_t n, F f) {
#pragma omp parallel for schedule(dynamic, 32) if (n >= 128)
    for (int64_t i = 0; i < n; ++i) f(i);
  }
};

}  // namespace ws
