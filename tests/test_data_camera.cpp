#include <cmath>
#include <set>

#include "data/camera.h"
#include "tests/data_testing.h"
#include "tests/testing.h"

using namespace ws;

namespace {
std::array<double, 3> column(const Mat4& m, int c) { return {m[0 * 4 + c], m[1 * 4 + c], m[2 * 4 + c]}; }
double dot3(const std::array<double, 3>& a, const std::array<double, 3>& b) {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}
double norm3(const std::array<double, 3>& a) { return std::sqrt(dot3(a, a)); }
constexpr double kPi = 3.14159265358979323846;
}  // namespace

TEST_CASE("camera rig: 36 distinct orthonormal views on a sphere, all looking at the origin") {
  std::vector<Mat4> poses = rig_poses();
  REQUIRE(poses.size() == 36);
  std::set<std::pair<long, long>> seen;
  int below = 0;
  for (const Mat4& m : poses) {
    auto right = column(m, 0), up = column(m, 1), back = column(m, 2), eye = column(m, 3);
    CHECK(norm3(right) == doctest::Approx(1));
    CHECK(norm3(up) == doctest::Approx(1));
    CHECK(norm3(back) == doctest::Approx(1));
    CHECK(std::fabs(dot3(right, up)) < 1e-9);
    CHECK(std::fabs(dot3(right, back)) < 1e-9);
    CHECK(std::fabs(dot3(up, back)) < 1e-9);
    CHECK(right[2] == doctest::Approx(0).epsilon(1e-9));  // no roll: the image x axis stays horizontal
    CHECK(up[2] > 0);                                     // world up points up in the image
    CHECK(norm3(eye) == doctest::Approx(rig_distance()));
    // Looking at the origin: the camera's -z axis points from the eye to the origin.
    double d = norm3(eye);
    for (int k = 0; k < 3; ++k) CHECK(eye[k] / d == doctest::Approx(back[k]).epsilon(1e-9));
    CHECK(m[12] == 0);
    CHECK(m[15] == 1);
    seen.insert({std::lround(std::atan2(eye[1], eye[0]) * 1000), std::lround(eye[2] * 1000)});
    below += eye[2] < 0;
  }
  CHECK(seen.size() == 36);
  CHECK(below >= 6);  // some views from below
}

TEST_CASE("camera rig: held-out views (i % 6 == 0) spread over the rings and azimuths") {
  std::vector<Mat4> poses = rig_poses();
  std::set<long> elevations_all, elevations_held;
  std::vector<double> az_held;
  for (int i = 0; i < 36; ++i) {
    auto eye = column(poses[i], 3);
    long el = std::lround(std::asin(eye[2] / norm3(eye)) * 180 / kPi);
    elevations_all.insert(el);
    if (i % kHeldOutEvery == 0) {
      elevations_held.insert(el);
      az_held.push_back(std::atan2(eye[1], eye[0]));
    }
  }
  CHECK(elevations_held == elevations_all);  // every ring has held-out views
  REQUIRE(az_held.size() == 6);
  for (size_t a = 0; a < az_held.size(); ++a)
    for (size_t b = a + 1; b < az_held.size(); ++b) {
      double d = std::fabs(std::remainder(az_held[a] - az_held[b], 2 * kPi));
      CHECK_MESSAGE(d > 30 * kPi / 180, "held-out views ", a * 6, " and ", b * 6, " are ", d * 180 / kPi,
                    " degrees apart in azimuth");
    }
}

TEST_CASE("camera rig: the radius-0.7 object sphere fits inside every view with a margin") {
  const int W = 64;
  for (const Mat4& m : rig_poses()) {
    PinholeCamera cam = make_camera(m, kCameraAngleX, W, W);
    float lo = 1e9f, hi = -1e9f;
    for (int a = 0; a < 24; ++a)
      for (int b = 0; b <= 12; ++b) {  // points on the sphere, projected by hand
        float th = 2 * float(kPi) * a / 24, ph = -float(kPi) / 2 + float(kPi) * b / 12;
        Vec3 p(0.7f * std::cos(ph) * std::cos(th), 0.7f * std::cos(ph) * std::sin(th), 0.7f * std::sin(ph));
        Vec3 c = world_to_camera(cam, p);
        REQUIRE(c.z < 0);
        float u = W / 2.0f + cam.focal * c.x / -c.z, v = W / 2.0f - cam.focal * c.y / -c.z;
        lo = std::fmin(lo, std::fmin(u, v));
        hi = std::fmax(hi, std::fmax(u, v));
      }
    CHECK(lo > 0.5f);      // at least half a pixel of margin at 64 px
    CHECK(hi < W - 0.5f);
    CHECK(lo < 0.1f * W);  // ... and the sphere is not tiny either
  }
}

TEST_CASE("camera rays: focal length from camera_angle_x, unit directions, pixel centres at +0.5") {
  CHECK(focal_length(100, 2 * std::atan(0.5)) == doctest::Approx(100));  // tan(fov/2) = 0.5 -> f = W
  const int W = 40, H = 40;
  Mat4 c2w = look_at({0, -3, 0}, {0, 0, 0});
  PinholeCamera cam = make_camera(c2w, kCameraAngleX, W, H);
  Ray centre = camera_ray(cam, W / 2.0f, H / 2.0f);
  CHECK(centre.origin.y == doctest::Approx(-3));
  CHECK(centre.dir.y == doctest::Approx(1));  // straight at the target
  // The ray through the image's left edge makes half the field of view with the axis.
  Ray edge = camera_ray(cam, 0, H / 2.0f);
  CHECK(std::acos(dot(edge.dir, centre.dir)) == doctest::Approx(kCameraAngleX / 2).epsilon(1e-5));
  CHECK(edge.dir.x < 0);  // left edge looks to the camera's left (world -x here)
  Ray top = camera_ray(cam, W / 2.0f, 0);
  CHECK(top.dir.z > 0);  // row 0 is the top of the image
  // Pixel (i, j) is sampled at its centre; rays have unit length.
  Ray p = pixel_ray(cam, 3, 7), q = camera_ray(cam, 3.5f, 7.5f);
  CHECK(p.dir.x == q.dir.x);
  CHECK(p.dir.z == q.dir.z);
  CHECK(length(p.dir) == doctest::Approx(1));
  // A point on a ray projects back to the pixel position it came from.
  Vec3 c = world_to_camera(cam, p.origin + p.dir * 2.0f);
  CHECK(W / 2.0f + cam.focal * c.x / -c.z == doctest::Approx(3.5f));
  CHECK(H / 2.0f - cam.focal * c.y / -c.z == doctest::Approx(7.5f));
}

TEST_CASE("transforms_train.json: round trip and errors that name the file and field") {
  test::TempDir dir("transforms");
  Transforms t = rig_transforms();
  REQUIRE(t.frames.size() == 36);
  CHECK(t.frames[0].file_path == "./train/00");
  CHECK(t.frames[35].file_path == "./train/35");
  std::string path = dir.file("transforms_train.json");
  write_transforms(path, t);
  Transforms r = read_transforms(path);
  CHECK(r.camera_angle_x == t.camera_angle_x);
  REQUIRE(r.frames.size() == t.frames.size());
  for (size_t i = 0; i < r.frames.size(); ++i) {
    CHECK(r.frames[i].file_path == t.frames[i].file_path);
    CHECK(r.frames[i].transform_matrix == t.frames[i].transform_matrix);  // exact: doubles print round-trip
  }
  std::string bad = dir.write("bad1.json", R"({"camera_angle_x": 0.8, "frames": [{"file_path": "./train/00",
      "transform_matrix": [[1,0,0,0],[0,1,0,0],[0,0,1,0]]}]})");
  CHECK_THROWS_WITH_AS(read_transforms(bad), doctest::Contains("bad1.json: frames[0].transform_matrix"), Error);
  bad = dir.write("bad2.json", R"({"camera_angle_x": "wide", "frames": []})");
  CHECK_THROWS_WITH_AS(read_transforms(bad), doctest::Contains("bad2.json: camera_angle_x"), Error);
  bad = dir.write("bad3.json", R"({"camera_angle_x": 0.8, "frames": [{"transform_matrix": []}]})");
  CHECK_THROWS_WITH_AS(read_transforms(bad), doctest::Contains("bad3.json: frames[0].file_path"), Error);
  bad = dir.write("bad4.json", "{not json");
  CHECK_THROWS_WITH_AS(read_transforms(bad), doctest::Contains("bad4.json: not valid JSON"), Error);
  CHECK_THROWS_WITH_AS(read_transforms(dir.file("missing.json")), doctest::Contains("missing.json' for reading"), Error);
}
