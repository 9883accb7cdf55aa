// Ray against the +-0.7 box: hand cases (hit, miss, origin inside, box behind, rays
// parallel to a face, corners), and random rays against a double-precision slab test.
#include <algorithm>
#include <cmath>

#include "models/render/ray_box.h"
#include "tests/render_testing.h"
#include "tests/testing.h"

using namespace ws;

namespace {
RayRange cast(float ox, float oy, float oz, float dx, float dy, float dz) {
  float o[3] = {ox, oy, oz}, d[3] = {dx, dy, dz};
  return ray_box(o, d);
}
}  // namespace

TEST_CASE("ray_box: hits, misses, an origin inside and a box behind") {
  RayRange r = cast(-2, 0.1f, -0.2f, 1, 0, 0);
  CHECK(!r.empty());
  CHECK(r.t_near == doctest::Approx(1.3));
  CHECK(r.t_far == doctest::Approx(2.7));
  CHECK(cast(-2, 0.8f, 0, 1, 0, 0).empty());  // passes above the box
  r = cast(0.1f, 0.2f, 0.3f, 0, 0, -1);        // inside: t_near clamps to 0
  CHECK(r.t_near == 0.0f);
  CHECK(r.t_far == doctest::Approx(1.0));
  CHECK(cast(2, 0, 0, 1, 0, 0).empty());  // box behind the origin
  CHECK(cast(0, 0, 0, 0, 0, 0).empty());  // no direction
  // Diagonal through the corners: from (-1,-1,-1) along (1,1,1)/sqrt(3).
  float k = 1.0f / std::sqrt(3.0f);
  r = cast(-1, -1, -1, k, k, k);
  CHECK(r.t_near == doctest::Approx(0.3 * std::sqrt(3.0)));
  CHECK(r.t_far == doctest::Approx(1.7 * std::sqrt(3.0)));
}

TEST_CASE("ray_box: rays parallel to a face hit only inside the slab, faces included") {
  RayRange r = cast(-2, 0.3f, 0.7f, 1, 0, 0);  // sliding along the z = 0.7 face
  CHECK(!r.empty());
  CHECK(r.t_near == doctest::Approx(1.3));
  CHECK(r.t_far == doctest::Approx(2.7));
  CHECK(cast(-2, 0.3f, 0.70001f, 1, 0, 0).empty());
  CHECK(cast(-2, -0.71f, 0.0f, 1, 0, 0).empty());
  r = cast(0.5f, -3, 0.5f, 0, 1, 0);  // parallel to two faces, inside both slabs
  CHECK(r.t_near == doctest::Approx(2.3));
  CHECK(r.t_far == doctest::Approx(3.7));
}

TEST_CASE("ray_box matches a double-precision slab test on random rays") {
  test::TestRays rays = test::random_rays({2000}, 5);
  int hits = 0;
  for (int64_t i = 0; i < rays.n(); ++i) {
    const float *o = &rays.origins[3 * i], *d = &rays.dirs[3 * i];
    double lo = 0, hi = 1e30;
    for (int a = 0; a < 3; ++a) {
      double t0 = (-0.7 - o[a]) / d[a], t1 = (0.7 - o[a]) / d[a];
      lo = std::max(lo, std::min(t0, t1));
      hi = std::min(hi, std::max(t0, t1));
    }
    RayRange r = ray_box(o, d);
    bool hit = hi > lo + 1e-5;  // away from grazing rays, where float and double may disagree
    if (hi < lo - 1e-5) CHECK_MESSAGE(r.empty(), "ray ", i);
    if (hit) {
      ++hits;
      CHECK_MESSAGE(!r.empty(), "ray ", i);
      CHECK(r.t_near == doctest::Approx(lo).epsilon(1e-5));
      CHECK(r.t_far == doctest::Approx(hi).epsilon(1e-5));
    }
  }
  CHECK(hits > 1000);
}
