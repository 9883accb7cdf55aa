#include "data/camera.h"

#include <cmath>

#include "engine/json.h"

#include "engine/io.h"
#include "core/error.h"

namespace ws {

namespace {
constexpr double kPi = 3.14159265358979323846;
constexpr double kDeg = kPi / 180.0;

// Rig layout: 3 elevation rings x 12 azimuths 30 degrees apart. The rings are turned by
// 0 / 10 / 20 degrees so that, seen from above, the 36 azimuths interleave. The lower
// ring looks from below so that NeRFs also see the undersides.
constexpr double kRingElevationDeg[3] = {50.0, 15.0, -25.0};
constexpr double kRingAzimuthOffsetDeg[3] = {0.0, 10.0, 20.0};
// Objects are normalised into a sphere of radius 0.7; the rig frames a sphere 7% larger.
constexpr double kFramedRadius = 0.75;
}  // namespace

double focal_length(int width, double camera_angle_x) { return 0.5 * width / std::tan(0.5 * camera_angle_x); }

double rig_distance() {
  // A sphere of radius r at distance d fills the view cone when d sin(fov/2) = r (the
  // image is square, so the vertical field of view equals the horizontal one).
  return kFramedRadius / std::sin(0.5 * kCameraAngleX);
}

Mat4 look_at(const std::array<double, 3>& eye, const std::array<double, 3>& target) {
  auto sub = [](const std::array<double, 3>& a, const std::array<double, 3>& b) {
    return std::array<double, 3>{a[0] - b[0], a[1] - b[1], a[2] - b[2]};
  };
  auto unit = [](std::array<double, 3> a) {
    double l = std::sqrt(a[0] * a[0] + a[1] * a[1] + a[2] * a[2]);
    WS_CHECK(l > 0, "look_at: eye and target coincide");
    return std::array<double, 3>{a[0] / l, a[1] / l, a[2] / l};
  };
  auto crs = [](const std::array<double, 3>& a, const std::array<double, 3>& b) {
    return std::array<double, 3>{a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
  };
  std::array<double, 3> back = unit(sub(eye, target));  // camera +z points away from what it looks at
  std::array<double, 3> right = crs({0, 0, 1}, back);
  double rl = std::sqrt(right[0] * right[0] + right[1] * right[1] + right[2] * right[2]);
  WS_CHECK(rl > 1e-9, "look_at: the view direction is vertical, so 'up' is undefined");
  right = unit(right);
  std::array<double, 3> up = crs(back, right);
  return {right[0], up[0], back[0], eye[0],  //
          right[1], up[1], back[1], eye[1],  //
          right[2], up[2], back[2], eye[2],  //
          0, 0, 0, 1};
}

// View order: view i = 6m + j (m = 0..5 blocks, j = 0..5) sits on ring (m + j) % 3 and
// takes azimuth slot (2m + 7h) % 12, h = j / 3 -- a bijection onto the 36 (ring, slot)
// pairs. The held-out views (j = 0) then visit ring 0, 1, 2, 0, 1, 2 at slots 0, 2, 4,
// 6, 8, 10: every ring twice, azimuths 0, 70, 140, 180, 250, 320 degrees.
std::vector<Mat4> rig_poses() {
  std::vector<Mat4> poses;
  double d = rig_distance();
  for (int i = 0; i < kRigViews; ++i) {
    int m = i / 6, j = i % 6;
    int ring = (m + j) % 3, slot = (2 * m + 7 * (j / 3)) % 12;
    double el = kRingElevationDeg[ring] * kDeg;
    double az = (30.0 * slot + kRingAzimuthOffsetDeg[ring]) * kDeg;
    std::array<double, 3> eye{d * std::cos(el) * std::cos(az), d * std::cos(el) * std::sin(az), d * std::sin(el)};
    poses.push_back(look_at(eye, {0, 0, 0}));
  }
  return poses;
}

Transforms rig_transforms() {
  Transforms t;
  std::vector<Mat4> poses = rig_poses();
  for (int i = 0; i < int(poses.size()); ++i) {
    char name[32];
    std::snprintf(name, sizeof name, "./train/%02d", i);
    t.frames.push_back({name, poses[i]});
  }
  return t;
}

void write_transforms(const std::string& path, const Transforms& t) {
  nlohmann::json frames = nlohmann::json::array();
  for (const Frame& f : t.frames) {
    nlohmann::json rows = nlohmann::json::array();
    for (int r = 0; r < 4; ++r)
      rows.push_back({f.transform_matrix[r * 4 + 0], f.transform_matrix[r * 4 + 1], f.transform_matrix[r * 4 + 2],
                      f.transform_matrix[r * 4 + 3]});
    frames.push_back({{"file_path", f.file_path}, {"transform_matrix", rows}});
  }
  nlohmann::json j = {{"camera_angle_x", t.camera_angle_x}, {"frames", frames}};
  write_file_atomic(path, j.dump(2) + "\n");
}

Transforms read_transforms(const std::string& path) {
  std::string bytes = read_file(path);
  nlohmann::json j = parse_json(bytes, path);
  WS_CHECK(j.is_object(), path, ": expected a JSON object at the top level");
  Transforms t;
  WS_CHECK(j.contains("camera_angle_x") && j["camera_angle_x"].is_number(), path,
           ": camera_angle_x: missing or not a number");
  t.camera_angle_x = j["camera_angle_x"].get<double>();
  WS_CHECK(t.camera_angle_x > 0 && t.camera_angle_x < kPi, path, ": camera_angle_x: ", t.camera_angle_x,
           " is not an angle in (0, pi)");
  WS_CHECK(j.contains("frames") && j["frames"].is_array(), path, ": frames: missing or not an array");
  const nlohmann::json& frames = j["frames"];
  for (size_t i = 0; i < frames.size(); ++i) {
    const nlohmann::json& f = frames[i];
    std::string where = str_cat(path, ": frames[", i, "]");
    WS_CHECK(f.is_object(), where, ": not an object");
    WS_CHECK(f.contains("file_path") && f["file_path"].is_string(), where, ".file_path: missing or not a string");
    Frame fr;
    fr.file_path = f["file_path"].get<std::string>();
    WS_CHECK(f.contains("transform_matrix"), where, ".transform_matrix: missing");
    const nlohmann::json& m = f["transform_matrix"];
    bool ok = m.is_array() && m.size() == 4;
    for (size_t r = 0; ok && r < 4; ++r) {
      ok = m[r].is_array() && m[r].size() == 4;
      for (size_t c = 0; ok && c < 4; ++c) {
        ok = m[r][c].is_number() && std::isfinite(m[r][c].get<double>());
        if (ok) fr.transform_matrix[r * 4 + c] = m[r][c].get<double>();
      }
    }
    WS_CHECK(ok, where, ".transform_matrix: expected 4 rows of 4 finite numbers");
    // An all-zero or otherwise singular rotation has no viewing direction to render from.
    const Mat4& a = fr.transform_matrix;
    const double det = a[0] * (a[5] * a[10] - a[6] * a[9]) - a[1] * (a[4] * a[10] - a[6] * a[8]) +
                       a[2] * (a[4] * a[9] - a[5] * a[8]);
    WS_CHECK(std::fabs(det) > 1e-6, where, ".transform_matrix: its rotation part is singular (determinant ", det,
             ")");
    t.frames.push_back(fr);
  }
  return t;
}

PinholeCamera make_camera(const Mat4& c2w, double camera_angle_x, int width, int height) {
  WS_CHECK(width > 0 && height > 0, "make_camera: bad image size ", width, "x", height);
  PinholeCamera c;
  for (int r = 0; r < 3; ++r)
    for (int k = 0; k < 4; ++k) c.c2w[r][k] = float(c2w[r * 4 + k]);
  c.focal = float(focal_length(width, camera_angle_x));
  c.width = width;
  c.height = height;
  return c;
}

}  // namespace ws
