#include <cmath>

#include "engine/schedule.h"
#include "tests/testing.h"

using namespace ws;

namespace {
constexpr double kPi = 3.14159265358979323846;
// OneCycleLR (cos, two phases) as torch documents it: half a cosine from a to b as pct goes 0 -> 1.
double cos_between(double a, double b, double pct) { return b + (a - b) * 0.5 * (1 + std::cos(kPi * pct)); }
}  // namespace

TEST_CASE("OneCycle matches torch's OneCycleLR at the first, peak, middle and last steps") {
  OneCycle s{0.1, 1000};  // warm-up ends at step 0.3 * 1000 - 1 = 299
  double initial = 0.1 / 25, final_lr = initial / 1e4;
  CHECK(s.lr(0) == doctest::Approx(initial).epsilon(1e-12));
  CHECK(s.lr(299) == doctest::Approx(0.1).epsilon(1e-12));
  CHECK(s.lr(999) == doctest::Approx(final_lr).epsilon(1e-9));
  CHECK(s.lr(100) == doctest::Approx(cos_between(initial, 0.1, 100.0 / 299)).epsilon(1e-12));
  CHECK(s.lr(650) == doctest::Approx(cos_between(0.1, final_lr, (650.0 - 299) / (999 - 299))).epsilon(1e-12));
  // torch accepts total_steps itself: the cosine continues past its bottom.
  CHECK(s.lr(1000) == doctest::Approx(cos_between(0.1, final_lr, 701.0 / 700)).epsilon(1e-12));
  CHECK_THROWS_WITH_AS(s.lr(1001), doctest::Contains("OneCycle: step 1001 outside [0, 1000]"), Error);

  // A warm-up that ends between steps (torch keeps the boundary as a float).
  OneCycle t{1e-3, 10, 0.25, 10, 100};  // warm-up ends at 1.5
  double i2 = 1e-4, f2 = 1e-6;
  CHECK(t.lr(1) == doctest::Approx(cos_between(i2, 1e-3, 1 / 1.5)).epsilon(1e-12));
  CHECK(t.lr(2) == doctest::Approx(cos_between(1e-3, f2, 0.5 / 7.5)).epsilon(1e-12));
  CHECK(t.lr(9) == doctest::Approx(f2).epsilon(1e-9));
  // Monotone up, then down.
  for (int64_t k = 1; k <= 299; ++k) REQUIRE(s.lr(k) > s.lr(k - 1));
  for (int64_t k = 300; k <= 999; ++k) REQUIRE(s.lr(k) < s.lr(k - 1));
}

TEST_CASE("MultiStep multiplies by gamma at each milestone reached") {
  MultiStep s{1e-2, {50, 75, 90}, 0.33};
  CHECK(s.lr(0) == doctest::Approx(1e-2));
  CHECK(s.lr(49) == doctest::Approx(1e-2));
  CHECK(s.lr(50) == doctest::Approx(1e-2 * 0.33));  // the milestone step itself already decayed
  CHECK(s.lr(74) == doctest::Approx(1e-2 * 0.33));
  CHECK(s.lr(75) == doctest::Approx(1e-2 * 0.33 * 0.33));
  CHECK(s.lr(1000) == doctest::Approx(1e-2 * 0.33 * 0.33 * 0.33));
  MultiStep unsorted{1.0, {20, 10}, 0.5};
  CHECK(unsorted.lr(15) == doctest::Approx(0.5));
}
