// Cameras in the Blender / nerf_synthetic convention: a camera-to-world 4x4
// `transform_matrix` with OpenGL camera axes (looks down -z, +y up, +x right), square
// pixels, pixel centres at +0.5, focal = 0.5 W / tan(0.5 camera_angle_x).
// World axes: +z is up (Blender's convention); objects sit in the +-0.7 scene box.
#pragma once
#include <array>
#include <string>
#include <vector>

#include "data/vec.h"

namespace ws {

using Mat4 = std::array<double, 16>;  // row-major 4x4, camera-to-world

constexpr double kCameraAngleX = 0.8576;  // horizontal field of view (radians)
constexpr int kRigViews = 36;
constexpr int kHeldOutEvery = 6;  // views with i % 6 == 0 are held out from NeRF fitting

double focal_length(int width, double camera_angle_x);

// Camera-to-world of a camera at `eye` looking at `target`, world +z up.
Mat4 look_at(const std::array<double, 3>& eye, const std::array<double, 3>& target);

// The fixed 36-view rig around the origin (see camera.cpp for the layout) and the
// distance of its cameras from the origin.
double rig_distance();
std::vector<Mat4> rig_poses();

// ---- transforms_train.json ------------------------------------------------------
struct Frame {
  std::string file_path;  // "./train/NN" (no extension, as in nerf_synthetic)
  Mat4 transform_matrix;
};
struct Transforms {
  double camera_angle_x = kCameraAngleX;
  std::vector<Frame> frames;
};
// The rig as frames "./train/00" .. "./train/35".
Transforms rig_transforms();
void write_transforms(const std::string& path, const Transforms& t);  // atomic
Transforms read_transforms(const std::string& path);  // errors name the file and the field

// ---- rays ------------------------------------------------------------------------
// A camera ready for ray generation (float, so a CUDA renderer can take it by value).
struct PinholeCamera {
  float c2w[3][4];  // top three rows of the camera-to-world matrix
  float focal;
  int width, height;
};
PinholeCamera make_camera(const Mat4& c2w, double camera_angle_x, int width, int height);

struct Ray {
  Vec3 origin, dir;  // dir has unit length, so distances along the ray are world lengths
};

// The ray through image point (u, v) in pixel units: u to the right, v down from the
// top edge; the centre of pixel (i, j) is (i + 0.5, j + 0.5).
WS_HD inline Ray camera_ray(const PinholeCamera& c, float u, float v) {
  Vec3 d_cam((u - 0.5f * c.width) / c.focal, -(v - 0.5f * c.height) / c.focal, -1.0f);
  Vec3 d(c.c2w[0][0] * d_cam.x + c.c2w[0][1] * d_cam.y + c.c2w[0][2] * d_cam.z,
         c.c2w[1][0] * d_cam.x + c.c2w[1][1] * d_cam.y + c.c2w[1][2] * d_cam.z,
         c.c2w[2][0] * d_cam.x + c.c2w[2][1] * d_cam.y + c.c2w[2][2] * d_cam.z);
  return {Vec3(c.c2w[0][3], c.c2w[1][3], c.c2w[2][3]), normalize(d)};
}
WS_HD inline Ray pixel_ray(const PinholeCamera& c, int i, int j) { return camera_ray(c, i + 0.5f, j + 0.5f); }

// World point -> camera space (x right, y up, z backwards: visible points have z < 0).
WS_HD inline Vec3 world_to_camera(const PinholeCamera& c, Vec3 p) {
  Vec3 q(p.x - c.c2w[0][3], p.y - c.c2w[1][3], p.z - c.c2w[2][3]);
  return {c.c2w[0][0] * q.x + c.c2w[1][0] * q.y + c.c2w[2][0] * q.z,   // R^T q: the rotation is orthonormal
          c.c2w[0][1] * q.x + c.c2w[1][1] * q.y + c.c2w[2][1] * q.z,
          c.c2w[0][2] * q.x + c.c2w[1][2] * q.y + c.c2w[2][2] * q.z};
}

}  // namespace ws
