#include <cmath>

#include <omp.h>

#include "data/camera.h"
#include "data/rasterizer.h"
#include "data/synth.h"
#include "tests/testing.h"

using namespace ws;

namespace {
constexpr float kPi = 3.14159265358979f;

// Camera at the origin looking down -z with a 90 degree field of view on 32 x 32 pixels:
// focal = 16, so the point (x, y, z) lands on pixel position (16 + 16 x / -z, 16 - 16 y / -z).
PinholeCamera test_camera() {
  Mat4 identity = {1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1};
  return make_camera(identity, kPi / 2, 32, 32);
}

// Square [x0, x1] x [y0, y1] facing the camera at depth z (two triangles).
void add_quad(Mesh& m, float x0, float x1, float y0, float y1, float z, Vec3 colour) {
  int base = int(m.positions.size());
  m.positions.insert(m.positions.end(), {{x0, y0, z}, {x1, y0, z}, {x1, y1, z}, {x0, y1, z}});
  int mat = m.add_material({"q", colour, nullptr});
  m.triangles.push_back({{base, base + 1, base + 2}, {-1, -1, -1}, mat});
  m.triangles.push_back({{base, base + 2, base + 3}, {-1, -1, -1}, mat});
}
}  // namespace

TEST_CASE("rasterizer: a quad at a known depth covers exactly the expected pixels") {
  Mesh m;
  add_quad(m, -1, 1, -1, 1, -2, {0.8f, 0.4f, 0.2f});  // projects onto pixels [8, 24) x [8, 24)
  Image img = rasterize(m, test_camera());
  REQUIRE(img.width == 32);
  const uint8_t* ref = img.at(16, 16);
  int mismatches = 0;
  for (int y = 0; y < 32; ++y)
    for (int x = 0; x < 32; ++x) {
      const uint8_t* p = img.at(x, y);
      bool inside = x >= 8 && x < 24 && y >= 8 && y < 24;
      bool ok = inside ? p[3] == 255 && p[0] == ref[0] && p[1] == ref[1] && p[2] == ref[2]
                       : p[0] == 0 && p[1] == 0 && p[2] == 0 && p[3] == 0;
      if (!ok && mismatches++ < 5) MESSAGE("pixel (", x, ",", y, ") = ", int(p[0]), " ", int(p[1]), " ", int(p[2]), " ", int(p[3]));
    }
  CHECK(mismatches == 0);
  // Flat view-independent shading keeps the diffuse colour's proportions 4 : 2 : 1.
  CHECK(ref[0] > 0);
  CHECK(std::abs(int(ref[0]) - 2 * int(ref[1])) <= 2);
  CHECK(std::abs(int(ref[1]) - 2 * int(ref[2])) <= 2);
}

TEST_CASE("rasterizer: anti-aliased edges have fractional alpha and straight colour") {
  Mesh m;
  add_quad(m, -1, 1.0625f, -1, 1, -2, {0.2f, 0.9f, 0.5f});  // right edge at pixel x = 24.5
  Image img = rasterize(m, test_camera(), RasterOptions{4});
  const uint8_t* inner = img.at(20, 16);
  const uint8_t* edge = img.at(24, 16);
  CHECK(int(edge[3]) == 128);  // 8 of 16 samples
  for (int c = 0; c < 3; ++c) CHECK(int(edge[c]) == int(inner[c]));  // not darkened by coverage
  CHECK(int(img.at(25, 16)[3]) == 0);
  // Without supersampling the same pixel is either in or out.
  Image hard = rasterize(m, test_camera(), RasterOptions{1});
  CHECK((hard.at(24, 16)[3] == 0 || hard.at(24, 16)[3] == 255));
}

TEST_CASE("rasterizer: a triangle behind another is hidden, whatever the drawing order") {
  Mesh near_first, far_first;
  add_quad(near_first, -0.5f, 0.5f, -0.5f, 0.5f, -2, {1, 0, 0});  // pixels [12, 20)
  add_quad(near_first, -2, 2, -2, 2, -4, {0, 1, 0});              // pixels [8, 24), behind
  add_quad(far_first, -2, 2, -2, 2, -4, {0, 1, 0});
  add_quad(far_first, -0.5f, 0.5f, -0.5f, 0.5f, -2, {1, 0, 0});
  Image a = rasterize(near_first, test_camera()), b = rasterize(far_first, test_camera());
  CHECK(a.rgba == b.rgba);
  const uint8_t* centre = a.at(16, 16);
  CHECK(centre[0] > 0);
  CHECK(centre[1] == 0);
  const uint8_t* rim = a.at(9, 9);
  CHECK(rim[0] == 0);
  CHECK(rim[1] > 0);
  CHECK(rim[3] == 255);
}

TEST_CASE("rasterizer: triangles crossing the camera plane are clipped, not mirrored") {
  Mesh m;
  m.positions = {{-1, -1, -2}, {1, -1, -2}, {0, -1, 3}};  // a floor triangle reaching behind the camera
  m.add_material({"floor", {0.5f, 0.5f, 0.5f}, nullptr});
  m.triangles.push_back({{0, 1, 2}, {-1, -1, -1}, 0});
  Image img = rasterize(m, test_camera());
  int top = 0, bottom = 0;
  for (int y = 0; y < 32; ++y)
    for (int x = 0; x < 32; ++x) (y < 16 ? top : bottom) += img.at(x, y)[3] > 0;
  CHECK(top == 0);  // the floor lies below the horizon only
  CHECK(bottom > 0);
}

TEST_CASE("rasterizer: perspective-correct texture coordinates, bilinear lookup with wrap-around") {
  // Texture 1 x 2: top row red, bottom row blue (OBJ v = 1 is the top row).
  auto tex = std::make_shared<Image>(1, 2);
  tex->at(0, 0)[0] = 255, tex->at(0, 0)[3] = 255;
  tex->at(0, 1)[2] = 255, tex->at(0, 1)[3] = 255;
  Mesh m;
  // A floor quad at y = -1 from z = -1 (v = 0) to z = -3 (v = 1). v = 0.5 lies at z = -2,
  // which projects to row 16 + 16 / 2 = 24; an affine interpolation would put it at row
  // 26.7 (half way between rows 32 and 21.3).
  m.positions = {{-1, -1, -1}, {1, -1, -1}, {1, -1, -3}, {-1, -1, -3}};
  m.uvs = {{0, 0}, {1, 0}, {1, 1}, {0, 1}};
  m.add_material({"tex", {1, 1, 1}, tex});
  m.triangles.push_back({{0, 1, 2}, {0, 1, 2}, 0});
  m.triangles.push_back({{0, 2, 3}, {0, 2, 3}, 0});
  Image img = rasterize(m, test_camera());
  const uint8_t* far = img.at(16, 22);
  const uint8_t* mid = img.at(16, 25);  // v ~ 0.34 with perspective, ~0.61 if affine
  const uint8_t* near = img.at(16, 30);
  CHECK(far[0] > far[2]);
  CHECK(mid[2] > mid[0]);
  CHECK(near[2] > near[0]);

  // Wrap-around: u from 0 to 2 across a quad shows a red | blue texture twice.
  auto stripes = std::make_shared<Image>(2, 1);
  stripes->at(0, 0)[0] = 255, stripes->at(1, 0)[2] = 255;
  Mesh w;
  w.positions = {{-1, -1, -2}, {1, -1, -2}, {1, 1, -2}, {-1, 1, -2}};  // pixels [8, 24)
  w.uvs = {{0, 0}, {2, 0}, {2, 1}, {0, 1}};
  w.add_material({"stripes", {1, 1, 1}, stripes});
  w.triangles.push_back({{0, 1, 2}, {0, 1, 2}, 0});
  w.triangles.push_back({{0, 2, 3}, {0, 2, 3}, 0});
  Image s = rasterize(w, test_camera());
  for (int x : {10, 18}) CHECK(s.at(x, 16)[0] > s.at(x, 16)[2]);  // u = 0.3, 1.3: red
  for (int x : {14, 22}) CHECK(s.at(x, 16)[2] > s.at(x, 16)[0]);  // u = 0.8, 1.8: blue
}

TEST_CASE("rasterizer: output does not depend on the thread count") {
  Mesh m = synth_object("chair", 5, 0);
  PinholeCamera cam = make_camera(rig_poses()[3], kCameraAngleX, 48, 48);
  int threads = omp_get_max_threads();
  omp_set_num_threads(1);
  Image one = rasterize(m, cam);
  omp_set_num_threads(std::max(2, threads));
  Image many = rasterize(m, cam);
  omp_set_num_threads(threads);
  CHECK(one.rgba == many.rgba);
}

TEST_CASE("rasterizer: bad arguments are errors") {
  Mesh m;
  add_quad(m, -1, 1, -1, 1, -2, {1, 1, 1});
  CHECK_THROWS_WITH_AS(rasterize(m, test_camera(), RasterOptions{0}), doctest::Contains("supersample"), Error);
  m.triangles[0].v[1] = 99;
  CHECK_THROWS_WITH_AS(rasterize(m, test_camera()), doctest::Contains("vertex 99"), Error);
}
