// The occupancy grid's bit layout (docs/design.md §3.7): R^3 cells over the unit box, x-major
// (cell ix*R^2 + iy*R + iz, i = clamp(floor(x*R), 0, R-1)), one bit per cell, LSB first.
// Shared by the NeRF file format, the renderer's marching and the decoder's sampling.
#pragma once
#include <cmath>
#include <cstdint>
#include <vector>

#include "kernels/launch.h"

namespace ws {

constexpr int kDefaultOccupancyRes = 96;

WS_HD inline int occupancy_axis_cell(float x, int res) {
  int i = int(floorf(x * float(res)));
  return i < 0 ? 0 : (i >= res ? res - 1 : i);
}

// Cell of a point in unit-box coordinates.
WS_HD inline int64_t occupancy_cell(float x, float y, float z, int res) {
  return (int64_t(occupancy_axis_cell(x, res)) * res + occupancy_axis_cell(y, res)) * res +
         occupancy_axis_cell(z, res);
}

WS_HD inline bool occupancy_bit(const uint8_t* bits, int64_t cell) { return (bits[cell >> 3] >> (cell & 7)) & 1; }

inline int64_t occupancy_bytes(int res) { return (int64_t(res) * res * res + 7) / 8; }

// Packs one flag per cell (non-zero = occupied) into bits, and back.
inline std::vector<uint8_t> pack_occupancy(const std::vector<uint8_t>& flags) {
  std::vector<uint8_t> bits((flags.size() + 7) / 8, 0);
  for (size_t i = 0; i < flags.size(); ++i)
    if (flags[i]) bits[i >> 3] |= uint8_t(1u << (i & 7));
  return bits;
}
inline std::vector<uint8_t> unpack_occupancy(const std::vector<uint8_t>& bits, int64_t cells) {
  std::vector<uint8_t> flags(static_cast<size_t>(cells));
  for (int64_t i = 0; i < cells; ++i) flags[size_t(i)] = occupancy_bit(bits.data(), i);
  return flags;
}

}  // namespace ws
