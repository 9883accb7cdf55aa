// Frequency encoding (docs/design.md §3.3): feature d*2n + 2k + s of a point is
// sin(2^k pi x_d + s pi/2), d < 3, k < n bands, s = 0 (sin) or 1 (cos). Above k ~ 20 the
// float32 argument is mostly rounding, so its arithmetic is fixed, the same on both
// devices: a = x 2^k (exact), arg = fl(a fl(pi)), for cos fl(arg + fl(pi/2)), each step
// rounded on its own, then the accurate ws_sinf (kernels/sincos.h).
//
// The kernel writes straight into a column block of the MLP's input rows, and fills the
// constant-1 padding inputs, so the input matrix is built without a concat.
#pragma once
#include <cstdint>

#include "core/bit_cast.h"
#include "kernels/float_rn.h"
#include "kernels/sincos.h"

namespace ws {

constexpr float kPiF = 3.14159265358979323846f;      // fl(pi)
constexpr float kHalfPiF = 1.57079632679489661923f;  // fl(pi/2)

// 2^k as a float, exactly, for 0 <= k <= 127 (built from its bits: vectorises, no libm).
WS_HD inline float exp2_int(int k) {
  return float_from_bits(uint32_t(k + 127) << 23);
}

// The argument of feature (k, s) of one coordinate x.
WS_HD inline float freq_arg(float x, int k, int s) {
  float arg = mul_rn(mul_rn(x, exp2_int(k)), kPiF);
  return s ? add_rn(arg, kHalfPiF) : arg;
}

WS_HD inline float freq_feature(float x, int k, int s) { return ws_sinf(freq_arg(x, k, s)); }

// x [n,3] -> rows of `out`, `ld` floats apart: columns [0, 6*bands) get the features
// (index d*2*bands + 2k + s), columns [ones_begin, ones_end) get 1.0; other columns are
// left as they are (another encoding writes them).
void freq_encode(const float* x, int64_t n, int bands, float* out, int64_t ld, int64_t ones_begin, int64_t ones_end,
                 Device d);

#ifdef WS_CUDA
namespace cuda {
void freq_encode(const float* x, int64_t n, int bands, float* out, int64_t ld, int64_t ones_begin, int64_t ones_end);
}
#endif

}  // namespace ws
