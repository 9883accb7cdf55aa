// Ray against the scene box [-0.7, 0.7]^3 (docs/design.md §3.1, §4.1), and the world <-> unit-box
// map the fields use. Shared by marching (CPU and GPU) and tests.
#pragma once
#include <cfloat>
#include <cmath>

#include "kernels/float_rn.h"
#include "kernels/launch.h"

namespace ws {

constexpr float kSceneHalf = 0.7f;                           // the box is [-0.7, 0.7]^3
constexpr float kSceneSize = 2.0f * kSceneHalf;              // 1.4
constexpr float kDefaultRenderStep = 1.4f * 1.7320508f / 1024.0f;  // box diagonal / 1024
// Unit-box coordinate of unused sample slots: outside the box, so fields give density 0.
constexpr float kPaddingX = -1.0f;

// Distances along a ray; empty when !(t_far > t_near).
struct RayRange {
  float t_near = 0.0f, t_far = 0.0f;
  WS_HD bool empty() const { return !(t_far > t_near); }
};

// o, d [3] (world; d need not be unit, t is in units of |d|) -> the part of the ray inside
// the box with t >= 0, so t_near = max(t_box_near, 0). A ray parallel to a slab hits only
// when its origin lies within that slab (faces included). A zero direction or a miss
// gives an empty range.
WS_HD inline RayRange ray_box(const float* o, const float* d) {
  float lo = 0.0f, hi = FLT_MAX;
  bool constrained = false;
  for (int a = 0; a < 3; ++a) {
    if (d[a] == 0.0f) {  // parallel: the slab test decides alone (no 0 * inf below)
      if (o[a] < -kSceneHalf || o[a] > kSceneHalf) return {};
      continue;
    }
    float inv = 1.0f / d[a];
    float t0 = (-kSceneHalf - o[a]) * inv, t1 = (kSceneHalf - o[a]) * inv;
    if (t0 > t1) {
      float s = t0;
      t0 = t1;
      t1 = s;
    }
    lo = t0 > lo ? t0 : lo;
    hi = t1 < hi ? t1 : hi;
    constrained = true;
  }
  if (!constrained || !(hi > lo)) return {};
  return {lo, hi};
}

// o + t d, then x = (p + 0.7) / 1.4, each step rounded separately on both devices (no FMA
// contraction) so the CPU and the GPU put a sample into the same occupancy cell.
WS_HD inline float unit_box_coord(float o, float d, float t) {
  return div_rn(add_rn(add_rn(o, mul_rn(t, d)), kSceneHalf), kSceneSize);
}

}  // namespace ws
