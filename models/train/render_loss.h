// The rendering loss L_R (docs/design.md §7.3) for a batch of NeRFs and their embeddings:
// rays drawn from each NeRF's teacher pool, the decoder's samples marched along them
// with the NeRF's occupancy grid (stratified, at most `samples_per_nerf` each), volume
// rendered on a random background per NeRF and compared with the teacher composited on
// the same background; plus points drawn in empty occupancy cells whose predicted
// colour over the background, with opacity 1 - exp(-sigma delta), must match it.
// L_R = fg_weight * SmoothL1(pixels) + bg_weight * SmoothL1(background points).
#pragma once
#include <vector>

#include "models/decoder/decoder.h"
#include "models/train/teacher.h"

namespace ws {

struct RenderLossConfig {
  int64_t rays_per_nerf = 512;
  int64_t samples_per_nerf = 25000;
  int64_t bg_points = 10000;
  float fg_weight = 0.8f, bg_weight = 0.2f;
};

struct RenderLossResult {
  Var loss;           // [1]
  double mse = 0;     // of the rendered pixels (for PSNR), filled by evaluation
  int64_t rays = 0;   // rays rendered (kept by marching), filled by evaluation
};

// The loss from the decoder's outputs, shared with `wsnerf bench step`:
// fg_weight * SmoothL1(pixels [K,3], target [K,3]) + bg_weight * SmoothL1(over, bg_colour)
// where over = bg_colour + (1 - exp(-sigma delta)) (rgb - bg_colour) at the background
// points (bg_rgb [M,3], bg_sigma [M,1], bg_colour [M,3]); an undefined bg_rgb drops that term.
// rows_used (I32 [1] on the device, optional): only the first rows of pixels count
// (march_packed's kept rays; smooth_l1_prefix).
Var render_loss_terms(const Var& pixels, const Var& target, const Var& bg_rgb, const Var& bg_sigma,
                      const Var& bg_colour, float delta, const RenderLossConfig& cfg,
                      const Tensor* rows_used = nullptr);

// z [B, emb] (row b embeds pools[b]); the pools live on d. Random draws come from
// (seed, step): replayable. Assembled on the device: no upload, no host read.
RenderLossResult rendering_loss(const Decoder& dec, const Var& z, const std::vector<const TeacherPool*>& pools,
                                const RenderLossConfig& cfg, uint64_t seed, uint64_t step, Device d);

// Evaluation: the first rays_per_nerf rays of each pool, no jitter, white background, no
// background points; returns the pixels' mean squared error in `mse` (PSNR = -10 log10 mse),
// read on the host.
RenderLossResult rendering_eval(const Decoder& dec, const Var& z, const std::vector<const TeacherPool*>& pools,
                                const RenderLossConfig& cfg, Device d);

}  // namespace ws
