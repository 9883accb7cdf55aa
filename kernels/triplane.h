// Tri-plane sampling (docs/design.md §3.4): planes [B,3,R,R,C] (NeRF, plane, row, col, channel).
// With s = 2x - 1, plane 0 is sampled at (col = s_x, row = s_y), plane 1 at (s_x, s_z),
// plane 2 at (s_y, s_z); bilinear with aligned corners (s = -1 -> index 0, s = 1 -> R-1)
// and zero padding (grid_sample's rules); the three C-vectors are summed.
#pragma once
#include <cmath>
#include <cstdint>

#include "kernels/float_rn.h"
#include "kernels/launch.h"

namespace ws {

// The four bilinear taps of one plane: cell (row * R + col) within the plane and weight.
// A tap outside the plane has weight 0 and cell 0, so loops over taps need no branch.
struct PlaneTaps {
  int32_t cell[4];
  float w[4];
};

// Continuous index of unit coordinate x on an R-sample axis: ((s + 1) / 2) (R - 1), as
// grid_sample computes it. Clamped to [-2, R + 1], which only moves points that are
// already outside (every tap stays outside) and keeps floor() within int range; NaN
// goes outside too.
WS_HD inline float plane_index(float x, int R) {
  float s = add_rn(2.0f * x, -1.0f);
  float c = mul_rn(mul_rn(add_rn(s, 1.0f), 0.5f), float(R - 1));
  c = c > -2.0f ? c : -2.0f;  // comparisons, not fminf/fmaxf: these inline (and send NaN outside)
  return c < float(R) + 1.0f ? c : float(R) + 1.0f;
}

WS_HD inline void plane_taps(int plane, float x, float y, float z, int R, PlaneTaps& t) {
  float ix = plane_index(plane == 2 ? y : x, R), iy = plane_index(plane == 0 ? y : z, R);
  float fx = floorf(ix), fy = floorf(iy);
  int x0 = int(fx), y0 = int(fy);
  float wx1 = ix - fx, wx0 = (fx + 1.0f) - ix, wy1 = iy - fy, wy0 = (fy + 1.0f) - iy;
  // grid_sample's corner order: (x0,y0), (x1,y0), (x0,y1), (x1,y1)
  for (int k = 0; k < 4; ++k) {
    int cx = x0 + (k & 1), cy = y0 + (k >> 1);
    bool inside = cx >= 0 && cx < R && cy >= 0 && cy < R;
    float w = ((k & 1) ? wx1 : wx0) * ((k >> 1) ? wy1 : wy0);
    t.cell[k] = inside ? cy * R + cx : 0;
    t.w[k] = inside ? w : 0.0f;
  }
}

// Channel c of the summed sample; planes [3,R,R,C] of one NeRF, taps [3].
WS_HD inline float triplane_channel(const float* planes, const PlaneTaps* taps, int64_t plane_size, int C, int c) {
  float acc = 0.0f;
  for (int p = 0; p < 3; ++p) {
    const float* pl = planes + p * plane_size;
    float v = 0.0f;
    for (int k = 0; k < 4; ++k) v = fmaf(taps[p].w[k], pl[int64_t(taps[p].cell[k]) * C + c], v);
    acc = add_rn(acc, v);
  }
  return acc;
}

// planes [B,3,R,R,C], x [B,S,3] -> C columns of B*S rows of `out`, `ld` floats apart.
void triplane_forward(const float* planes, const float* x, int64_t B, int64_t S, int R, int C, float* out, int64_t ld,
                      Device d);
// g: C columns of B*S rows, `ld` apart -> gplanes [B,3,R,R,C] (+)= the sampling's transpose.
// CPU: one task per (NeRF, plane) over that NeRF's samples in order: deterministic and
// independent of the thread count. GPU: atomicAdd (targets depend on the data).
void triplane_backward(const float* x, const float* g, int64_t ld, int64_t B, int64_t S, int R, int C, float* gplanes,
                       bool accumulate, Device d);

#ifdef WS_CUDA
namespace cuda {
void triplane_forward(const float* planes, const float* x, int64_t B, int64_t S, int R, int C, float* out, int64_t ld);
void triplane_backward(const float* x, const float* g, int64_t ld, int64_t B, int64_t S, int R, int C, float* gplanes,
                       bool accumulate);
}  // namespace cuda
#endif

}  // namespace ws
