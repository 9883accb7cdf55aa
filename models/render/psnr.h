// PSNR of colours in [0, 1] from their mean squared error: -10 log10(mse). The one formula
// behind the fitter's held-out PSNR and the trainer's validation PSNR.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>

namespace ws {

// A perfect match (mse 0) reads 100 dB rather than infinity.
inline double psnr_from_mse(double mse) { return -10.0 * std::log10(std::max(mse, 1e-10)); }

// From a sum of squared errors over `count` values; no values read 0 dB (mse 1).
inline double psnr_from_sum(double squared_error, int64_t count) {
  return psnr_from_mse(count > 0 ? squared_error / double(count) : 1.0);
}

}  // namespace ws
