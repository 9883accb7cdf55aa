// Counter-based random numbers (Philox4x32-10, Salmon et al. 2011). A value depends only
// on (seed, stream, index), so CPU and GPU produce identical sequences and any element
// can be drawn independently, in any order, by any thread.
#pragma once
#include <cmath>
#include <cstdint>
#include <vector>

#include "core/hd.h"

namespace ws {

struct Philox4 {
  uint32_t v[4];
};

WS_HD inline void philox_mulhilo(uint32_t a, uint32_t b, uint32_t& hi, uint32_t& lo) {
  uint64_t p = uint64_t(a) * uint64_t(b);
  hi = uint32_t(p >> 32);
  lo = uint32_t(p);
}

// Ten rounds over the 128-bit counter (index, stream) with the 64-bit key `seed`.
WS_HD inline Philox4 philox4x32(uint64_t seed, uint64_t index, uint64_t stream) {
  uint32_t c0 = uint32_t(index), c1 = uint32_t(index >> 32), c2 = uint32_t(stream), c3 = uint32_t(stream >> 32);
  uint32_t k0 = uint32_t(seed), k1 = uint32_t(seed >> 32);
  for (int r = 0; r < 10; ++r) {
    uint32_t hi0, lo0, hi1, lo1;
    philox_mulhilo(0xD2511F53u, c0, hi0, lo0);
    philox_mulhilo(0xCD9E8D57u, c2, hi1, lo1);
    uint32_t n0 = hi1 ^ c1 ^ k0, n2 = hi0 ^ c3 ^ k1;
    c0 = n0;
    c1 = lo1;
    c2 = n2;
    c3 = lo0;
    k0 += 0x9E3779B9u;
    k1 += 0xBB67AE85u;
  }
  return {{c0, c1, c2, c3}};
}

// 24 random bits -> a float in [0, 1).
WS_HD inline float u32_to_unit(uint32_t x) { return float(x >> 8) * (1.0f / 16777216.0f); }

WS_HD inline float philox_uniform(uint64_t seed, uint64_t index, uint64_t stream = 0) {
  return u32_to_unit(philox4x32(seed, index, stream).v[0]);
}

// Standard normal by Box-Muller from two uniforms of one Philox block.
WS_HD inline float philox_normal(uint64_t seed, uint64_t index, uint64_t stream = 0) {
  Philox4 r = philox4x32(seed, index, stream);
  float u1 = (float(r.v[0] >> 8) + 0.5f) * (1.0f / 16777216.0f);  // (0, 1): log is finite
  float u2 = u32_to_unit(r.v[1]);
  return sqrtf(-2.0f * logf(u1)) * cosf(6.2831853071795864f * u2);
}

// Host-side stream of random numbers for sampling decisions (shuffles, splits).
class Rng {
 public:
  explicit Rng(uint64_t seed, uint64_t stream = 0) : seed_(seed), stream_(stream) {}
  uint32_t next_u32() { return philox4x32(seed_, counter_++, stream_).v[0]; }
  float uniform() { return u32_to_unit(next_u32()); }
  float uniform(float lo, float hi) { return lo + (hi - lo) * uniform(); }
  float normal() { return philox_normal(seed_, counter_++, stream_); }
  // Uniform integer in [0, n), without modulo bias worth mentioning for n < 2^32.
  int64_t below(int64_t n) { return int64_t((uint64_t(next_u32()) * uint64_t(n)) >> 32); }
  template <class T>
  void shuffle(std::vector<T>& v) {  // Fisher-Yates
    for (size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[size_t(below(int64_t(i)))]);
  }
  uint64_t counter() const { return counter_; }

 private:
  uint64_t seed_, stream_, counter_ = 0;
};

}  // namespace ws
