// exp of a float, accurate to about 1 ulp over the whole range (denormal results,
// overflow to inf, NaN kept), branch-free so CPU loops vectorise (glibc's expf does not
// without -ffast-math), and bit-identical on CPU and GPU (explicit fma throughout).
//
// Method: n = rint(x log2 e); r = x - n ln2 with a two-part ln2 (n ln2_hi is exact);
// e^r by a degree-7 polynomial on |r| <= ln2/2 (error ~5e-9); 2^n applied as two exact
// power-of-two factors so results between 2^-150 and 2^128 round once.
#pragma once
#include <cmath>
#include <cstdint>

#include "core/bit_cast.h"
#include "kernels/launch.h"

namespace ws {

WS_HD inline float ws_expf(float x) {
  // Selects (fminf is a call on the CPU), written so that NaN clamps to -104 too: n then
  // stays in [-150, 128] and its int conversion and shifts are defined; NaN is returned below.
  float xc = x > -104.0f ? (x < 89.0f ? x : 89.0f) : -104.0f;
  float n = rintf(xc * 1.44269504088896341f);
  float r = fmaf(-n, 0.693145751953125f, xc);
  r = fmaf(-n, 1.428606765330187045e-06f, r);
  float p = 1.0f / 5040.0f;
  p = fmaf(p, r, 1.0f / 720.0f);
  p = fmaf(p, r, 1.0f / 120.0f);
  p = fmaf(p, r, 1.0f / 24.0f);
  p = fmaf(p, r, 1.0f / 6.0f);
  p = fmaf(p, r, 0.5f);
  p = fmaf(p, r, 1.0f);
  p = fmaf(p, r, 1.0f);
  int32_t ni = int32_t(n), half = ni / 2;  // n in [-150, 128]: both factors are normal floats
  float y = p * float_from_bits(uint32_t(half + 127) << 23) * float_from_bits(uint32_t(ni - half + 127) << 23);
  return x != x ? x : y;
}

}  // namespace ws
