#include "kernels/launch_cuda.cuh"
#include "models/train/render_loss_kernels_impl.h"

namespace ws::cuda {

void draw_rays(const PoolView& pool, const DrawPlan& plan, int32_t b, float* bg, float* o, float* dir, float* tgt,
               int32_t* nerf) {
  draw_rays_impl<CudaExec>(pool, plan, b, bg, o, dir, tgt, nerf);
}
void draw_background_points(const PoolView& pool, const DrawPlan& plan, float* x) {
  draw_background_points_impl<CudaExec>(pool, plan, x);
}
void decoder_points(const float* sx, const float* sdelta, int64_t B, int64_t S, int64_t BG, float* x, float* delta) {
  decoder_points_impl<CudaExec>(sx, sdelta, B, S, BG, x, delta);
}
void ray_targets(const int32_t* rays, const int32_t* ray_index, const int32_t* kept, const int32_t* nerf,
                 const float* tgt, const float* bg, int64_t R, int64_t BG, int32_t* rays_out, float* ray_bg,
                 float* target) {
  ray_targets_impl<CudaExec>(rays, ray_index, kept, nerf, tgt, bg, R, BG, rays_out, ray_bg, target);
}
void background_rows(const float* bg, int64_t B, int64_t S, int64_t BG, int32_t* rows, float* colour) {
  background_rows_impl<CudaExec>(bg, B, S, BG, rows, colour);
}

}  // namespace ws::cuda
