// The bodies of render_loss_kernels.h, written once over the launcher (CPU in render_loss_kernels.cpp,
// CudaExec in render_loss_kernels.cu): docs/design.md §2.4.
#pragma once
#include "models/train/render_loss_kernels.h"

namespace ws {

template <class Exec>
void draw_rays_impl(PoolView pool, DrawPlan plan, int32_t b, float* bg, float* o, float* dir, float* tgt,
                    int32_t* nerf) {
  const int64_t R = plan.rays, n = R > 3 ? R : 3;
  Exec::for_n(n, [=] WS_HD(int64_t i) {
    if (i < 3) bg[i] = plan.train ? plan_uniform(plan, uint64_t(i)) : 1.0f;
    if (i >= R) return;
    int64_t q = plan.train ? plan_below(plan, uint64_t(3 + i), pool.rays) : i % pool.rays;
    for (int a = 0; a < 3; ++a) {
      o[3 * i + a] = pool.origins[3 * q + a];
      dir[3 * i + a] = pool.dirs[3 * q + a];
      tgt[4 * i + a] = pool.color[3 * q + a];
    }
    tgt[4 * i + 3] = pool.opacity[q];
    nerf[i] = b;
  });
}

template <class Exec>
void draw_background_points_impl(PoolView pool, DrawPlan plan, float* x) {
  Exec::for_n(plan.bg, [=] WS_HD(int64_t k) {
    float* xk = x + 3 * k;
    const uint64_t first = uint64_t(3 + plan.rays);
    if (pool.n_empty == 0) {  // no empty cell: anywhere in the box
      for (int a = 0; a < 3; ++a) xk[a] = plan_uniform(plan, first + uint64_t(3 * k + a));
      return;
    }
    const uint64_t at = first + uint64_t(4 * k);
    const int res = plan.res;
    int32_t cell = pool.empty_cells[plan_below(plan, at, pool.n_empty)];
    int32_t idx[3] = {cell / (res * res), cell / res % res, cell % res};
    for (int a = 0; a < 3; ++a) xk[a] = (float(idx[a]) + plan_uniform(plan, at + 1 + uint64_t(a))) / float(res);
  });
}

template <class Exec>
void decoder_points_impl(const float* sx, const float* sdelta, int64_t B, int64_t S, int64_t BG, float* x,
                         float* delta) {
  const int64_t block = S + BG;
  Exec::for_n(B * block, [=] WS_HD(int64_t i) {
    int64_t b = i / block, j = i - b * block;
    if (j >= S) {
      delta[i] = 0.0f;
      return;
    }
    int64_t s = b * S + j;
    for (int a = 0; a < 3; ++a) x[3 * i + a] = sx[3 * s + a];
    delta[i] = sdelta[s];
  });
}

template <class Exec>
void ray_targets_impl(const int32_t* rays, const int32_t* ray_index, const int32_t* kept, const int32_t* nerf,
                      const float* tgt, const float* bg, int64_t R, int64_t BG, int32_t* rays_out, float* ray_bg,
                      float* target) {
  Exec::for_n(R, [=] WS_HD(int64_t k) {
    if (k >= kept[0]) {
      rays_out[2 * k] = rays_out[2 * k + 1] = 0;
      for (int c = 0; c < 3; ++c) ray_bg[3 * k + c] = target[3 * k + c] = 0.0f;
      return;
    }
    const int32_t in = ray_index[k], b = nerf[in];
    rays_out[2 * k] = rays[2 * k] + int32_t(b * BG);  // slots shift by the background points of earlier NeRFs
    rays_out[2 * k + 1] = rays[2 * k + 1];
    const float* t = tgt + 4 * int64_t(in);
    for (int c = 0; c < 3; ++c) {
      float bc = bg[3 * b + c];
      ray_bg[3 * k + c] = bc;
      target[3 * k + c] = t[c] + (1.0f - t[3]) * bc;
    }
  });
}

template <class Exec>
void background_rows_impl(const float* bg, int64_t B, int64_t S, int64_t BG, int32_t* rows, float* colour) {
  Exec::for_n(B * BG, [=] WS_HD(int64_t i) {
    int64_t b = i / BG;
    rows[i] = int32_t(b * (S + BG) + S + (i - b * BG));
    for (int c = 0; c < 3; ++c) colour[3 * i + c] = bg[3 * b + c];
  });
}

}  // namespace ws
