// The PSNR formula the fitter and the trainer share: known values, the 100 dB floor of a
// perfect match and the 0 dB of no values.
#include <cmath>

#include "models/render/psnr.h"
#include "tests/testing.h"

using namespace ws;

TEST_CASE("psnr: -10 log10 of the mean squared error, floored at 100 dB") {
  CHECK(psnr_from_mse(0.01) == doctest::Approx(20.0));
  CHECK(psnr_from_mse(1.0) == doctest::Approx(0.0));
  CHECK(psnr_from_mse(0.0) == doctest::Approx(100.0));
  CHECK(psnr_from_sum(0.3, 30) == doctest::Approx(20.0));  // mean of 30 squared errors of 0.01
  CHECK(psnr_from_sum(5.0, 0) == doctest::Approx(0.0));
  // A tenfold smaller error is 10 dB more.
  CHECK(psnr_from_mse(1e-4) - psnr_from_mse(1e-3) == doctest::Approx(10.0));
}
