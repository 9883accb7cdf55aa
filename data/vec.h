// Small fixed-size vector math for geometry (meshes, cameras, rays). WS_HD so the same
// ray code can run inside a CUDA renderer later.
#pragma once
#include <cmath>

#include "core/hd.h"

namespace ws {

struct Vec2 {
  float x = 0, y = 0;
};

struct Vec3 {
  float x = 0, y = 0, z = 0;
  WS_HD Vec3() {}
  WS_HD Vec3(float x_, float y_, float z_) : x(x_), y(y_), z(z_) {}
  WS_HD float operator[](int i) const { return i == 0 ? x : i == 1 ? y : z; }
  WS_HD float& operator[](int i) { return i == 0 ? x : i == 1 ? y : z; }
};

WS_HD inline Vec3 operator+(Vec3 a, Vec3 b) { return {a.x + b.x, a.y + b.y, a.z + b.z}; }
WS_HD inline Vec3 operator-(Vec3 a, Vec3 b) { return {a.x - b.x, a.y - b.y, a.z - b.z}; }
WS_HD inline Vec3 operator-(Vec3 a) { return {-a.x, -a.y, -a.z}; }
WS_HD inline Vec3 operator*(Vec3 a, float s) { return {a.x * s, a.y * s, a.z * s}; }
WS_HD inline Vec3 operator*(float s, Vec3 a) { return a * s; }
WS_HD inline Vec3 operator*(Vec3 a, Vec3 b) { return {a.x * b.x, a.y * b.y, a.z * b.z}; }  // element-wise
WS_HD inline float dot(Vec3 a, Vec3 b) { return a.x * b.x + a.y * b.y + a.z * b.z; }
WS_HD inline Vec3 cross(Vec3 a, Vec3 b) {
  return {a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x};
}
WS_HD inline float length(Vec3 a) { return sqrtf(dot(a, a)); }
WS_HD inline Vec3 normalize(Vec3 a) {
  float l = length(a);
  return l > 0 ? a * (1.0f / l) : a;
}

// 3x3 matrix, row-major: m[r][c].
struct Mat3 {
  float m[3][3] = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
  WS_HD Vec3 operator*(Vec3 v) const {
    return {m[0][0] * v.x + m[0][1] * v.y + m[0][2] * v.z, m[1][0] * v.x + m[1][1] * v.y + m[1][2] * v.z,
            m[2][0] * v.x + m[2][1] * v.y + m[2][2] * v.z};
  }
  WS_HD Mat3 operator*(const Mat3& b) const {
    Mat3 r;
    for (int i = 0; i < 3; ++i)
      for (int j = 0; j < 3; ++j) r.m[i][j] = m[i][0] * b.m[0][j] + m[i][1] * b.m[1][j] + m[i][2] * b.m[2][j];
    return r;
  }
};

// Right-handed rotations by `a` radians about the x, y, z axes.
inline Mat3 rot_x(float a) {
  Mat3 r;
  float c = std::cos(a), s = std::sin(a);
  r.m[1][1] = c, r.m[1][2] = -s, r.m[2][1] = s, r.m[2][2] = c;
  return r;
}
inline Mat3 rot_y(float a) {
  Mat3 r;
  float c = std::cos(a), s = std::sin(a);
  r.m[0][0] = c, r.m[0][2] = s, r.m[2][0] = -s, r.m[2][2] = c;
  return r;
}
inline Mat3 rot_z(float a) {
  Mat3 r;
  float c = std::cos(a), s = std::sin(a);
  r.m[0][0] = c, r.m[0][1] = -s, r.m[1][0] = s, r.m[1][1] = c;
  return r;
}

}  // namespace ws
