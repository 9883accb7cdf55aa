// sin/cos of float32 arguments, accurate over the whole float range (also for the huge
// arguments of high frequency-encoding bands, 2^47 pi x), branch-free so CPU loops
// vectorise, and bit-identical on CPU and GPU: every step is an IEEE operation with
// explicit fma (nothing left for a compiler to contract differently).
//
// Method: the float argument is exact in double. j = rint(x * 2/pi) (j < 2^48 for
// |x| < 2^48.6); r = x - j*pi/2 by fma against a two-part pi/2 (the product j*C1 is exact
// inside the fma and C2 carries the next 53 bits), so |r| <= pi/4 with an absolute error
// near 2^-52 — ample for a float result. sin and cos of r by Taylor polynomials in
// double (error < 1e-15 on [-pi/4, pi/4]), quadrant (j mod 4) by selects, one rounding
// to float at the end. Above 2^48 (never reached by the encodings) the reduction loses
// accuracy gracefully but stays finite.
#pragma once
#include <cmath>

#include "kernels/launch.h"

namespace ws {

namespace sincos_detail {
constexpr double kTwoOverPi = 0.63661977236758134308;
constexpr double kPiOver2Hi = 1.5707963267948966;          // double(pi/2)
constexpr double kPiOver2Lo = 6.123233995736766e-17;       // pi/2 - kPiOver2Hi

}  // namespace sincos_detail

// Writes sin(x) and cos(x) of a float argument.
WS_HD inline void ws_sincosf(float xf, float* sin_out, float* cos_out) {
  using namespace sincos_detail;
  double x = double(xf);
  double j = rint(x * kTwoOverPi);
  double r = fma(-j, kPiOver2Hi, x);
  r = fma(-j, kPiOver2Lo, r);
  double s = r * r;
  // sin r = r + r s (-1/3! + s (1/5! - s (1/7! - s (1/9! - s (1/11! - s/13!)))))
  double ps = fma(s, 1.0 / 6227020800.0, -1.0 / 39916800.0);
  ps = fma(s, ps, 1.0 / 362880.0);
  ps = fma(s, ps, -1.0 / 5040.0);
  ps = fma(s, ps, 1.0 / 120.0);
  ps = fma(s, ps, -1.0 / 6.0);
  double sr = fma(r * s, ps, r);
  // cos r = 1 - s/2! + s^2/4! - ... + s^7/14!
  double pc = fma(s, -1.0 / 87178291200.0, 1.0 / 479001600.0);
  pc = fma(s, pc, -1.0 / 3628800.0);
  pc = fma(s, pc, 1.0 / 40320.0);
  pc = fma(s, pc, -1.0 / 720.0);
  pc = fma(s, pc, 1.0 / 24.0);
  pc = fma(s, pc, -0.5);
  double cr = fma(s, pc, 1.0);
  // quadrant q = j mod 4, computed in double (exact for |j| < 2^53)
  double q = j - 4.0 * floor(j * 0.25);
  double sv = q == 0.0 ? sr : q == 1.0 ? cr : q == 2.0 ? -sr : -cr;
  double cv = q == 0.0 ? cr : q == 1.0 ? -sr : q == 2.0 ? -cr : sr;
  *sin_out = float(sv);
  *cos_out = float(cv);
}

WS_HD inline float ws_sinf(float x) {
  float s, c;
  ws_sincosf(x, &s, &c);
  return s;
}

WS_HD inline float ws_cosf(float x) {
  float s, c;
  ws_sincosf(x, &s, &c);
  return c;
}

}  // namespace ws
