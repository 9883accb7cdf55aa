// Teacher targets for the rendering loss (docs/design.md §7.2): each input NeRF rendered along
// rays of its own training cameras, once, and cached as premultiplied colour and opacity
// so any background can be composited on later (target = colour + (1 - opacity) bg).
// Only rays the NeRF sees something on (opacity > 0.01) are kept. The pool also keeps the
// NeRF's occupancy grid (the decoder's samples are marched with it) and its empty cells
// (where background points are drawn).
#pragma once
#include <string>
#include <vector>

#include "data/camera.h"
#include "models/nerf/nerf_file.h"

namespace ws {

// Every tensor lives on the device the pools were built for (the rendering loss draws
// from them there, with no upload per step).
struct TeacherPool {
  Tensor origins, dirs;  // F32 [Q,3], world space, unit directions
  Tensor color;          // F32 [Q,3]: sum_i w_i rgb_i
  Tensor opacity;        // F32 [Q]:   sum_i w_i
  Tensor occupancy;      // U8 [occupancy_bytes(res)]
  int occupancy_res = 96;
  float render_step = 0.0f;
  Tensor empty_cells;    // I32 [n]: the cells empty in the occupancy grid, increasing
  int64_t rays() const { return origins.defined() ? origins.size(0) : 0; }
};

// The rays a pool keeps, on the host (what the teacher cache stores, teacher_cache.h).
struct TeacherRays {
  std::vector<float> origins, dirs, color;  // [Q*3] each
  std::vector<float> opacity;               // [Q]
  int64_t count() const { return int64_t(opacity.size()); }
};

// NeRFs of one architecture (any count) with their training cameras and their objects
// ("class/id"): renders random pixels of those views (4x `pool_size` candidates) and keeps
// up to `pool_size` rays each. A NeRF's rays depend only on (seed, object), so they are the
// same whichever NeRFs they are rendered with, alone included.
std::vector<TeacherRays> render_teacher_rays(const std::vector<NerfFile>& nerfs,
                                             const std::vector<std::vector<PinholeCamera>>& cameras,
                                             const std::vector<std::string>& objects, int64_t pool_size,
                                             uint64_t seed, Device d);

// A NeRF's pool on d from its rays: the rays plus its occupancy grid and empty cells.
TeacherPool make_teacher_pool(const NerfFile& nerf, const TeacherRays& rays, Device d);

// render_teacher_rays then make_teacher_pool, NeRF by NeRF.
std::vector<TeacherPool> build_teacher_pools(const std::vector<NerfFile>& nerfs,
                                             const std::vector<std::vector<PinholeCamera>>& cameras,
                                             const std::vector<std::string>& objects, int64_t pool_size,
                                             uint64_t seed, Device d);

// The marching step a NeRF's pool uses: its own, or the default for files without one.
float teacher_step(const NerfFile& nerf);

}  // namespace ws
