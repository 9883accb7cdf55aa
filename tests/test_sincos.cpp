#include <cmath>
#include <cstring>
#include <limits>

#include "core/rng.h"
#include "kernels/sincos.h"
#include "tests/testing.h"

using namespace ws;

namespace {
// Distance in units in the last place of the float result.
double ulps(float got, double want) {
  float w = float(want);
  double ulp = std::nextafter(std::fabs(w), INFINITY) - std::fabs(w);
  if (ulp == 0 || std::isinf(ulp)) ulp = 1e-45;
  return std::fabs(double(got) - want) / ulp;
}
}  // namespace

TEST_CASE("ws_sincosf is within one ulp of the exact value, small and huge arguments") {
  Rng rng(5);
  double worst = 0;
  for (int i = 0; i < 200000; ++i) {
    // exponents from 2^-20 to 2^48, as the frequency encoding produces
    float x = std::ldexp(rng.uniform(1.0f, 2.0f), int(rng.below(69)) - 20) * (rng.uniform() < 0.5f ? -1.0f : 1.0f);
    float s, c;
    ws_sincosf(x, &s, &c);
    // long double reference: x is exact, and libm's sinl reduces accurately
    double ws_ = double(sinl((long double)x)), wc = double(cosl((long double)x));
    worst = std::max({worst, ulps(s, ws_), ulps(c, wc)});
    if (ulps(s, ws_) > 1.0 || ulps(c, wc) > 1.0) {
      FAIL("ws_sincosf(", x, ") = ", s, ", ", c, " vs ", ws_, ", ", wc);
    }
  }
  MESSAGE("worst error ", worst, " ulp");
  // exact cases
  float s, c;
  ws_sincosf(0.0f, &s, &c);
  CHECK(s == 0.0f);
  CHECK(c == 1.0f);
  CHECK(ws_sinf(-0.5f) == -ws_sinf(0.5f));
}

#include "kernels/expf.h"

TEST_CASE("ws_expf is within one ulp of the exact value, including denormals, overflow and NaN") {
  Rng rng(6);
  double worst = 0;
  for (int i = 0; i < 200000; ++i) {
    float x = rng.uniform(-103.0f, 88.7f);
    double want = std::exp(double(x));
    double err = ulps(ws_expf(x), want);
    if (want < 1.17549435e-38) err = std::fabs(double(ws_expf(x)) - want) / 1.4e-45;  // denormal: absolute ulp
    worst = std::max(worst, err);
    if (err > 1.0) FAIL("ws_expf(", x, ") = ", ws_expf(x), " vs ", want);
  }
  MESSAGE("worst error ", worst, " ulp");
  CHECK(ws_expf(0.0f) == 1.0f);
  CHECK(ws_expf(89.0f) == INFINITY);
  CHECK(ws_expf(-200.0f) == 0.0f);
  CHECK(std::isnan(ws_expf(NAN)));
  CHECK(ws_expf(-INFINITY) == 0.0f);
  CHECK(ws_expf(INFINITY) == INFINITY);
}

TEST_CASE("ws_expf is defined for NaN, infinities and huge inputs (no int conversion of NaN)") {
  // The clamp sends NaN to the low end before the exponent is converted to an integer
  // (int32_t(NaN) and a left shift of a negative value are undefined behaviour).
  CHECK(std::isnan(ws_expf(-NAN)));
  CHECK(std::isnan(ws_expf(std::numeric_limits<float>::quiet_NaN())));
  CHECK(ws_expf(100.0f) == INFINITY);
  CHECK(ws_expf(1e30f) == INFINITY);
  CHECK(ws_expf(std::numeric_limits<float>::max()) == INFINITY);
  CHECK(ws_expf(-1e30f) == 0.0f);
  CHECK(ws_expf(-std::numeric_limits<float>::max()) == 0.0f);
  // -100 is in the denormal range: within one denormal step of the exact value.
  CHECK(std::fabs(double(ws_expf(-100.0f)) - std::exp(-100.0)) <= 1.4e-45);
  CHECK(ws_expf(-100.0f) > 0.0f);
  // The clamp's ends are unchanged for finite inputs.
  CHECK(ws_expf(-104.0f) == ws_expf(-150.0f));
  CHECK(ws_expf(89.0f) == ws_expf(1000.0f));
}
