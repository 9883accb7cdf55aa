// FNV-1a, 64 bit: a stable hash of names (objects, architectures, settings) for seeds,
// Philox streams and cache file names. Stable across runs and machines, unlike std::hash.
#pragma once
#include <cstdint>
#include <string>

namespace ws {

inline uint64_t fnv1a(const std::string& s, uint64_t h = 1469598103934665603ull) {
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  return h;
}

}  // namespace ws
