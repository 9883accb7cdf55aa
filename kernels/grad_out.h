// Where a backward kernel puts one gradient: overwrite `ptr`, or add into it when
// `accumulate` (the raw-pointer form of engine's GradSlot). A null ptr: not wanted.
#pragma once
#include "kernels/launch.h"

namespace ws {

struct GradOut {
  float* ptr = nullptr;
  bool accumulate = false;
};

WS_HD inline void put_grad(float* p, bool accumulate, int64_t i, float v) { p[i] = accumulate ? p[i] + v : v; }

}  // namespace ws
