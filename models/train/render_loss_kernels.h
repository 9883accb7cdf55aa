// Device-side assembly of the rendering loss's inputs (render_loss.cpp): rays drawn from
// a NeRF's teacher pool, background colours, background points in empty cells, the
// decoder's point layout and each kept ray's target. Every random draw is the Philox
// value the host Rng(seed, stream) would give at the same counter, so the CPU and the GPU
// draw the same rays and points as the host loop this replaced.
#pragma once
#include "core/device.h"
#include "core/rng.h"

namespace ws {

// One NeRF's teacher pool on the device.
struct PoolView {
  const float *origins, *dirs, *color, *opacity;  // [Q,3], [Q,3], [Q,3], [Q]
  int64_t rays;                                   // Q
  const int32_t* empty_cells;                     // [n_empty] (null when none)
  int64_t n_empty;
};

// The draws of NeRF b: Rng(seed, stream) with stream = step * 1000003 + b, in the order
// background colour (3), rays (R), background points (4 each, or 3 with no empty cell).
struct DrawPlan {
  bool train;
  uint64_t seed, stream;
  int64_t rays;      // R: rays per NeRF
  int64_t bg;        // BG: background points per NeRF (0 when not training)
  int res;           // occupancy resolution
};

WS_HD inline uint32_t plan_u32(const DrawPlan& p, uint64_t k) { return philox4x32(p.seed, k, p.stream).v[0]; }
WS_HD inline float plan_uniform(const DrawPlan& p, uint64_t k) { return u32_to_unit(plan_u32(p, k)); }
WS_HD inline int64_t plan_below(const DrawPlan& p, uint64_t k, int64_t n) {
  return int64_t((uint64_t(plan_u32(p, k)) * uint64_t(n)) >> 32);
}

// NeRF b's background colour bg [3] (1 when not training) and its R rays: origin, dir
// [R,3], teacher colour + opacity tgt [R,4], nerf id [R] (pointers at the NeRF's rows).
void draw_rays(const PoolView& pool, const DrawPlan& plan, int32_t b, float* bg, float* o, float* dir, float* tgt,
               int32_t* nerf, Device d);
// NeRF b's BG background points x [BG,3] (unit box): uniform in a random empty cell.
void draw_background_points(const PoolView& pool, const DrawPlan& plan, float* x, Device d);
// The decoder's points, NeRF-major blocks of S sample slots then BG background points:
// x [B*block,3] and delta [B*block] take the samples sx [B*S,3], sdelta [B*S]; the
// background slots get delta 0 (their x is drawn by draw_background_points).
void decoder_points(const float* sx, const float* sdelta, int64_t B, int64_t S, int64_t BG, float* x, float* delta,
                    Device d);
// Per packed ray k < R (march_packed's rays, kept rays first, `kept` I32 [1]): its slot
// shifted past the background points of earlier NeRFs (rays_out [R,2]), its NeRF's
// background (ray_bg [R,3]) and its target, the teacher composited on that background
// (target [R,3]). Rows after the kept ones are zero.
void ray_targets(const int32_t* rays, const int32_t* ray_index, const int32_t* kept, const int32_t* nerf,
                 const float* tgt, const float* bg, int64_t R, int64_t BG, int32_t* rays_out, float* ray_bg,
                 float* target, Device d);
// The background points' rows of the decoder output, rows [B*BG] (b*block + S + k), and
// their NeRF's background colour, colour [B*BG,3].
void background_rows(const float* bg, int64_t B, int64_t S, int64_t BG, int32_t* rows, float* colour, Device d);

#ifdef WS_CUDA
namespace cuda {
void draw_rays(const PoolView& pool, const DrawPlan& plan, int32_t b, float* bg, float* o, float* dir, float* tgt,
               int32_t* nerf);
void draw_background_points(const PoolView& pool, const DrawPlan& plan, float* x);
void decoder_points(const float* sx, const float* sdelta, int64_t B, int64_t S, int64_t BG, float* x, float* delta);
void ray_targets(const int32_t* rays, const int32_t* ray_index, const int32_t* kept, const int32_t* nerf,
                 const float* tgt, const float* bg, int64_t R, int64_t BG, int32_t* rays_out, float* ray_bg,
                 float* target);
void background_rows(const float* bg, int64_t B, int64_t S, int64_t BG, int32_t* rows, float* colour);
}  // namespace cuda
#endif

}  // namespace ws
