#include "models/train/render_loss_kernels_impl.h"

#include "kernels/launch.h"

namespace ws {

void draw_rays(const PoolView& pool, const DrawPlan& plan, int32_t b, float* bg, float* o, float* dir, float* tgt,
               int32_t* nerf, Device d) {
  WS_DISPATCH_CUDA(d, cuda::draw_rays(pool, plan, b, bg, o, dir, tgt, nerf));
  draw_rays_impl<CpuExec>(pool, plan, b, bg, o, dir, tgt, nerf);
}

void draw_background_points(const PoolView& pool, const DrawPlan& plan, float* x, Device d) {
  WS_DISPATCH_CUDA(d, cuda::draw_background_points(pool, plan, x));
  draw_background_points_impl<CpuExec>(pool, plan, x);
}

void decoder_points(const float* sx, const float* sdelta, int64_t B, int64_t S, int64_t BG, float* x, float* delta,
                    Device d) {
  WS_DISPATCH_CUDA(d, cuda::decoder_points(sx, sdelta, B, S, BG, x, delta));
  decoder_points_impl<CpuExec>(sx, sdelta, B, S, BG, x, delta);
}

void ray_targets(const int32_t* rays, const int32_t* ray_index, const int32_t* kept, const int32_t* nerf,
                 const float* tgt, const float* bg, int64_t R, int64_t BG, int32_t* rays_out, float* ray_bg,
                 float* target, Device d) {
  WS_DISPATCH_CUDA(d, cuda::ray_targets(rays, ray_index, kept, nerf, tgt, bg, R, BG, rays_out, ray_bg, target));
  ray_targets_impl<CpuExec>(rays, ray_index, kept, nerf, tgt, bg, R, BG, rays_out, ray_bg, target);
}

void background_rows(const float* bg, int64_t B, int64_t S, int64_t BG, int32_t* rows, float* colour, Device d) {
  WS_DISPATCH_CUDA(d, cuda::background_rows(bg, B, S, BG, rows, colour));
  background_rows_impl<CpuExec>(bg, B, S, BG, rows, colour);
}

}  // namespace ws
