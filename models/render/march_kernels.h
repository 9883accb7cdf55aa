// Ray-marching kernels (see march.h for the layout they build). Per-ray math is written
// once here, the bodies over the launcher in march_kernels_impl.h; march_kernels.cpp
// runs them with CpuRayExec, march_kernels.cu with CudaExec.
//
// Samples of a ray sit at the midpoints t0 + (i + 1/2) step, t0 = t_near + u step (u = 0,
// or one Philox draw per ray when jittering), while the midpoint is before t_far, and
// only where the midpoint's occupancy cell is set. Passes: count per ray -> inclusive
// scan over rays -> per-NeRF groups (budget) -> padding + fill.
#pragma once
#include "core/rng.h"
#include "models/nerf/occupancy_bits.h"
#include "models/render/ray_box.h"

namespace ws {

// t0 + (i + 1/2) step, rounded step by step on both devices.
WS_HD inline float march_midpoint(float t0, int64_t i, float step) {
  float k = float(i) + 0.5f;  // exact below 2^22 steps
  return add_rn(t0, mul_rn(k, step));
}

// Where the sample grid of a ray starts: t_near + u step.
WS_HD inline float march_start(float t_near, float u, float step) { return add_rn(t_near, mul_rn(u, step)); }

// Unit-box point x [3] of o + t d and its occupancy cell.
WS_HD inline int64_t march_cell(const float* o, const float* d, float t, int res, float* x) {
  for (int a = 0; a < 3; ++a) x[a] = unit_box_coord(o[a], d[a], t);
  return occupancy_cell(x[0], x[1], x[2], res);
}

// After an empty cell at midpoint i (point x, cell `cell`): the last midpoint index j >= i
// still in that cell, found without visiting the ones between. The guess comes from where
// the ray leaves the cell; it is accepted only when midpoint j computes to the same cell.
// Each axis's cell index is monotone in the midpoint index (every rounding step is
// monotone), so then every midpoint between i and j lies in that cell too: skipping them
// gives exactly the samples of a step-by-step loop.
// inv_d [3] = 1 / d and inv_step = 1 / step only shape the guess (reciprocals: no divisions).
WS_HD inline int64_t march_skip_empty(const float* o, const float* d, const float* inv_d, float t0, float t_far,
                                      float step, float inv_step, int res, const float* x, int64_t cell, int64_t i) {
  float t_exit = t_far;
  for (int a = 0; a < 3; ++a) {
    int c = occupancy_axis_cell(x[a], res);
    float wall;
    if (d[a] > 0.0f && c < res - 1) wall = float(c + 1) / float(res);
    else if (d[a] < 0.0f && c > 0) wall = float(c) / float(res);
    else continue;  // edge cells reach to infinity (cells are clamped), parallel rays never leave
    float t = (wall * kSceneSize - kSceneHalf - o[a]) * inv_d[a];
    t_exit = t < t_exit ? t : t_exit;
  }
  float f = (t_exit - t0) * inv_step - 0.5f;  // index of a midpoint at t_exit
  if (!(f > float(i))) return i;
  int64_t j = int64_t(floorf(f));
  float y[3];
  for (int tries = 0; tries < 2 && j > i; ++tries, --j)  // the guess may be one too far
    if (march_cell(o, d, march_midpoint(t0, j, step), res, y) == cell) return j;
  return i;
}

// Walks one ray from t0 to t_far, calling visit(k, t, x) for the k-th sample (midpoint t,
// unit-box point x [3]) whose cell is occupied in `bits` (null: all cells are). Returns
// the number of samples.
template <class Visit>
WS_HD int64_t march_ray(const float* o, const float* d, float t0, float t_far, float step, const uint8_t* bits,
                        int res, Visit&& visit) {
  int64_t k = 0;
  float x[3], inv_d[3] = {1.0f / d[0], 1.0f / d[1], 1.0f / d[2]}, inv_step = 1.0f / step;
  for (int64_t i = 0;; ++i) {
    float t = march_midpoint(t0, i, step);
    if (!(t < t_far)) break;
    int64_t cell = march_cell(o, d, t, res, x);
    if (!bits || occupancy_bit(bits, cell)) visit(k++, t, x);
    else i = march_skip_empty(o, d, inv_d, t0, t_far, step, inv_step, res, x, cell, i);
  }
  return k;
}

// ---- batch kernels ---------------------------------------------------------------------

struct MarchRays {
  const float* origins;  // [R,3] world
  const float* dirs;     // [R,3] world, unit length
  const int32_t* nerf;   // [R] NeRF of each ray, non-decreasing
  int64_t n;             // R
};

struct MarchParams {
  float step;
  bool jitter;
  uint64_t seed;
  const uint8_t* bits;  // [B, bytes] occupancy, or null for "all occupied"
  int64_t bytes;        // per NeRF
  int res;
};

// Per NeRF: its rays [first, end) of the input, the scan value before its first ray
// (base), how many rays fit the budget (kept), their samples (used), where its kept rays
// go in the output (out_base, march_bases).
struct MarchGroup {
  int64_t first, end, base, kept, used, out_base;
};

// Interval of ray i: [t0, t_far), false when the ray misses the box.
WS_HD inline bool march_interval(const MarchRays& r, const MarchParams& p, int64_t i, float& t0, float& t_far) {
  RayRange range = ray_box(r.origins + 3 * i, r.dirs + 3 * i);
  if (range.empty()) return false;
  float u = p.jitter ? philox_uniform(p.seed, uint64_t(i)) : 0.0f;
  t0 = march_start(range.t_near, u, p.step);
  t_far = range.t_far;
  return true;
}

WS_HD inline const uint8_t* march_bits(const MarchParams& p, int32_t nerf) {
  return p.bits ? p.bits + int64_t(nerf) * p.bytes : nullptr;
}

struct MarchNoVisit {
  WS_HD void operator()(int64_t, float, const float*) const {}
};

// Writes sample k of a ray into its slots (x [k,3], t [k], delta [k] from the ray's first slot).
struct MarchWriter {
  float *x, *t, *delta;
  float step;
  WS_HD void operator()(int64_t k, float tm, const float* xs) const {
    x[3 * k] = xs[0];
    x[3 * k + 1] = xs[1];
    x[3 * k + 2] = xs[2];
    t[k] = tm;
    delta[k] = step;
  }
};

// First index in sorted v [n] whose value is >= key.
WS_HD inline int64_t march_lower_bound(const int32_t* v, int64_t n, int32_t key) {
  int64_t lo = 0, hi = n;
  while (lo < hi) {
    int64_t mid = (lo + hi) / 2;
    if (v[mid] < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

// ---- entry points (march_kernels.cpp / march_kernels.cu) --------------------------------------
void march_count(const MarchRays& r, const MarchParams& p, int64_t* counts, Device d);
// incl [R] = inclusive prefix sums of counts [R]
void march_scan(const int64_t* counts, int64_t* incl, int64_t R, Device d);
void march_groups(const int32_t* nerf, int64_t R, const int64_t* counts, const int64_t* incl, int64_t B,
                  int64_t max_samples, MarchGroup* groups, Device d);
void march_bases(MarchGroup* groups, int64_t B, int32_t* kept, Device d);
void march_padding(const MarchGroup* groups, int64_t B, int64_t max_samples, float* x, float* t, float* delta,
                   Device d);
void march_fill(const MarchRays& r, const MarchParams& p, const int64_t* counts, const int64_t* incl,
                const MarchGroup* groups, const int32_t* kept, int64_t max_samples, float* x, float* t, float* delta,
                int32_t* rays, int32_t* ray_index, Device d);
// The first ray whose NeRF index is outside [0, B) or below its predecessor's; -1 if none.
int64_t march_check_order(const int32_t* nerf, int64_t R, int64_t B, Device d);

#ifdef WS_CUDA
namespace cuda {
void march_count(const MarchRays& r, const MarchParams& p, int64_t* counts);
void march_scan(const int64_t* counts, int64_t* incl, int64_t R);
void march_groups(const int32_t* nerf, int64_t R, const int64_t* counts, const int64_t* incl, int64_t B,
                  int64_t max_samples, MarchGroup* groups);
void march_bases(MarchGroup* groups, int64_t B, int32_t* kept);
void march_padding(const MarchGroup* groups, int64_t B, int64_t max_samples, float* x, float* t, float* delta);
void march_fill(const MarchRays& r, const MarchParams& p, const int64_t* counts, const int64_t* incl,
                const MarchGroup* groups, const int32_t* kept, int64_t max_samples, float* x, float* t, float* delta,
                int32_t* rays, int32_t* ray_index);
int64_t march_check_order(const int32_t* nerf, int64_t R, int64_t B);
}  // namespace cuda
#endif

}  // namespace ws
