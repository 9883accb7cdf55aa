// Single IEEE float operations that no compiler may fuse: nvcc contracts a*b+c into an FMA
// unless told otherwise; the host build passes -ffp-contract=off (CMakeLists.txt). Used
// where a result is defined by its exact rounding steps (frequency-encoding arguments).
#pragma once
#include "core/hd.h"

namespace ws {

WS_HD inline float mul_rn(float a, float b) {
#ifdef __CUDA_ARCH__
  return __fmul_rn(a, b);
#else
  return a * b;
#endif
}

WS_HD inline float add_rn(float a, float b) {
#ifdef __CUDA_ARCH__
  return __fadd_rn(a, b);
#else
  return a + b;
#endif
}

WS_HD inline float div_rn(float a, float b) {
#ifdef __CUDA_ARCH__
  return __fdiv_rn(a, b);
#else
  return a / b;
#endif
}

// a * b + c with two roundings (never one FMA).
WS_HD inline float mul_add_rn(float a, float b, float c) { return add_rn(mul_rn(a, b), c); }

}  // namespace ws
