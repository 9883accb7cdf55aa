// A float's bits and back, on both devices: the one bit-cast of the project (memcpy on
// the host, which compilers turn into a register move; the intrinsic on the device).
#pragma once
#include <cstdint>
#include <cstring>

#include "core/hd.h"

namespace ws {

WS_HD inline float float_from_bits(uint32_t bits) {
#ifdef __CUDA_ARCH__
  return __uint_as_float(bits);
#else
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
#endif
}

WS_HD inline uint32_t bits_of_float(float f) {
#ifdef __CUDA_ARCH__
  return __float_as_uint(f);
#else
  uint32_t bits;
  std::memcpy(&bits, &f, sizeof bits);
  return bits;
#endif
}

}  // namespace ws
