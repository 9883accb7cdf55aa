#include "models/fit/visual_hull.h"

#include <cmath>

#include "models/render/ray_box.h"

namespace ws {

std::vector<uint8_t> visual_hull(const ObjectViews& v, int res) {
  WS_CHECK(res >= 1 && res <= 1024, "visual_hull: resolution ", res);
  const int W = v.width, H = v.height;
  const int64_t cells = int64_t(res) * res * res;
  std::vector<uint8_t> inside(size_t(cells), 1);
  const float cell_radius = 0.5f * std::sqrt(3.0f) * kSceneSize / float(res);  // centre to corner, world
  std::vector<int32_t> sat(size_t(W + 1) * (H + 1));                            // foreground pixels above-left
  for (int64_t view = 0; view < v.views(); ++view) {
    const uint8_t* px = v.rgba.data() + view * W * H * 4;
    for (int y = 0; y < H; ++y)
      for (int x = 0; x < W; ++x)
        sat[size_t(y + 1) * (W + 1) + x + 1] = (px[(size_t(y) * W + x) * 4 + 3] > 0) + sat[size_t(y) * (W + 1) + x + 1] +
                                               sat[size_t(y + 1) * (W + 1) + x] - sat[size_t(y) * (W + 1) + x];
    const PinholeCamera& cam = v.cameras[size_t(view)];
    for (int64_t c = 0; c < cells; ++c) {
      if (!inside[size_t(c)]) continue;
      const int64_t ix = c / (int64_t(res) * res), iy = (c / res) % res, iz = c % res;
      const Vec3 p((float(ix) + 0.5f) / res * kSceneSize - kSceneHalf, (float(iy) + 0.5f) / res * kSceneSize - kSceneHalf,
                   (float(iz) + 0.5f) / res * kSceneSize - kSceneHalf);
      const Vec3 q = world_to_camera(cam, p);
      const float depth = -q.z;
      if (depth <= cell_radius) continue;  // the cell reaches behind the camera: no say
      const float u = 0.5f * W + cam.focal * q.x / depth, w = 0.5f * H - cam.focal * q.y / depth;
      // The projection of the cell's bounding sphere, plus a pixel for the pixels' own size.
      const float r = cam.focal * cell_radius / std::sqrt(depth * depth - cell_radius * cell_radius) + 1.0f;
      const int x0 = int(std::floor(u - r)), x1 = int(std::floor(u + r)), y0 = int(std::floor(w - r)),
                y1 = int(std::floor(w + r));
      if (x0 < 0 || y0 < 0 || x1 >= W || y1 >= H) continue;  // partly outside the image: no say
      const int64_t fg = sat[size_t(y1 + 1) * (W + 1) + x1 + 1] - sat[size_t(y0) * (W + 1) + x1 + 1] -
                         sat[size_t(y1 + 1) * (W + 1) + x0] + sat[size_t(y0) * (W + 1) + x0];
      if (fg == 0) inside[size_t(c)] = 0;
    }
  }
  return inside;
}

}  // namespace ws
