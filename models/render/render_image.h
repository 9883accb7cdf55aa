// Forward-only rendering of fitted NeRFs (no gradients): many rays of B NeRFs at once,
// marched in rounds that fill a per-NeRF sample budget, and whole images of one NeRF
// for `wsnerf render`, thumbnails and the fitter's held-out evaluation.
#pragma once
#include <cstdint>
#include <vector>

#include "data/camera.h"
#include "data/image.h"
#include "models/nerf/field.h"
#include "models/nerf/nerf_file.h"

namespace ws {

// Per ray, composited on black: colour [R,3] (pre-multiplied by opacity) and opacity [R].
// Any background bg follows as colour + (1 - opacity) bg; straight colour = colour / opacity.
struct RayColors {
  std::vector<float> color, opacity;
};

struct RayBatch {
  std::vector<float> origins, dirs;  // [R,3] world; dirs unit length
  std::vector<int32_t> nerf;         // [R] NeRF of each ray, non-decreasing in [0, B)
  int64_t size() const { return int64_t(nerf.size()); }
  void add(const Ray& r, int32_t b);
};

// Rays of B NeRFs through f (occupancy U8 [B, occupancy_bytes(res)] on f's device, or
// undefined: every cell occupied), marched with `step`, each round taking at most
// `max_samples` samples per NeRF. Returns the colours on the host.
RayColors render_rays(const FieldBatch& f, const Tensor& occupancy, int res, const RayBatch& rays, float step,
                      int64_t max_samples = 1 << 17);

// Every pixel of one camera, row by row (pixel (i, j) is ray j * width + i), for NeRF b.
void add_camera_rays(RayBatch& rays, const PinholeCamera& cam, int32_t b);

enum class Background { White, Black, Transparent };
Background parse_background(const std::string& s);  // "white", "black", "transparent"

// Colours of one ray -> an RGBA8 pixel: on white / black opaque (alpha 255), or transparent
// with straight colour and alpha = opacity.
void ray_pixel(const RayColors& c, int64_t ray, Background bg, uint8_t* rgba);

// One camera of one NeRF file, marched with its stored occupancy grid and render_step
// (or `step` when > 0), on device d.
Image render_image(const NerfFile& nerf, const PinholeCamera& cam, Background bg, Device d = Device::cpu(),
                   float step = 0.0f);
// Several cameras of one NeRF file in one pass (thumbnails, turntables).
std::vector<Image> render_images(const NerfFile& nerf, const std::vector<PinholeCamera>& cams, Background bg,
                                 Device d = Device::cpu(), float step = 0.0f);

}  // namespace ws
