#include "models/render/render_image.h"

#include <algorithm>
#include <cmath>

#include "engine/ops.h"
#include "models/render/composite.h"
#include "models/render/march.h"

namespace ws {

void RayBatch::add(const Ray& r, int32_t b) {
  origins.insert(origins.end(), {r.origin.x, r.origin.y, r.origin.z});
  dirs.insert(dirs.end(), {r.dir.x, r.dir.y, r.dir.z});
  nerf.push_back(b);
}

void add_camera_rays(RayBatch& rays, const PinholeCamera& cam, int32_t b) {
  for (int j = 0; j < cam.height; ++j)
    for (int i = 0; i < cam.width; ++i) rays.add(pixel_ray(cam, i, j), b);
}

RayColors render_rays(const FieldBatch& f, const Tensor& occupancy, int res, const RayBatch& rays, float step,
                      int64_t max_samples) {
  const int64_t B = f.B, R = rays.size();
  WS_CHECK(int64_t(rays.origins.size()) == 3 * R && int64_t(rays.dirs.size()) == 3 * R,
           "render_rays: origins and dirs must hold 3 values per ray");
  WS_CHECK(std::isfinite(step) && step > 0.0f, "render_rays: step must be positive, got ", step);
  // Ray ranges per NeRF.
  std::vector<int64_t> first(size_t(B) + 1, 0);
  for (int64_t i = 0; i < R; ++i) {
    int32_t b = rays.nerf[size_t(i)];
    WS_CHECK(b >= 0 && b < B && (i == 0 || b >= rays.nerf[size_t(i - 1)]), "render_rays: ray ", i, " has NeRF ", b,
             "; indices must be non-decreasing in [0, ", B, ")");
    first[size_t(b) + 1]++;
  }
  for (int64_t b = 0; b < B; ++b) first[size_t(b) + 1] += first[size_t(b)];

  // A whole ray always fits one round, so every round makes progress.
  const int64_t per_ray = int64_t(std::ceil(kSceneSize * std::sqrt(3.0f) / step)) + 2;
  const int64_t S = std::max(max_samples, per_ray);
  const Device d = f.device();
  RayColors out;
  out.color.assign(size_t(3 * R), 0.0f);
  out.opacity.assign(size_t(R), 0.0f);
  std::vector<int64_t> cursor(first.begin(), first.end() - 1), cap(size_t(B), std::max<int64_t>(16, S / 32));
  NoGradGuard no_grad;
  std::vector<float> o, dir;
  std::vector<int32_t> nerf, global;
  for (;;) {
    o.clear(), dir.clear(), nerf.clear(), global.clear();
    for (int64_t b = 0; b < B; ++b)
      for (int64_t i = cursor[size_t(b)]; i < std::min(first[size_t(b) + 1], cursor[size_t(b)] + cap[size_t(b)]); ++i) {
        o.insert(o.end(), rays.origins.begin() + 3 * i, rays.origins.begin() + 3 * i + 3);
        dir.insert(dir.end(), rays.dirs.begin() + 3 * i, rays.dirs.begin() + 3 * i + 3);
        nerf.push_back(int32_t(b));
        global.push_back(int32_t(i));
      }
    if (nerf.empty()) break;
    const int64_t n = int64_t(nerf.size());
    const Tensor O = Tensor::from(o, {n, 3}, d), D = Tensor::from(dir, {n, 3}, d), N = Tensor::from(nerf, {n}, d);
    SampleBatch sb = march(O, D, N, B, occupancy, res, MarchOptions{step, S, false, 0});
    // The fields evaluate whole blocks: when every NeRF's samples fit a much smaller block
    // (the last round, small images), march again into blocks of that size. Every NeRF
    // keeps the same rays, so only the padding goes.
    const int64_t used = *std::max_element(sb.samples.begin(), sb.samples.end());
    if (used > 0 && 2 * used < S) sb = march(O, D, N, B, occupancy, res, MarchOptions{step, used, false, 0});
    const int64_t kept = sb.kept();
    std::vector<Var> raw = split_last(field_raw(f, sb.x), {3, 1});  // [B,S,3], [B,S,1]
    Composited c = composite(raw[0], raw[1], sb.delta, sb.rays, Var(Tensor::zeros({kept, 3}, DType::F32, d)));
    std::vector<float> color = c.color.value().to_vector(), opacity = c.opacity.value().to_vector();
    std::vector<int32_t> index = sb.ray_index.to_vector_i32();
    for (int64_t j = 0; j < kept; ++j) {
      const int64_t g = global[size_t(index[size_t(j)])];
      for (int a = 0; a < 3; ++a) out.color[size_t(3 * g + a)] = color[size_t(3 * j + a)];
      out.opacity[size_t(g)] = opacity[size_t(j)];
    }
    for (int64_t b = 0; b < B; ++b) {
      const int64_t k = sb.rays_kept[size_t(b)];
      cursor[size_t(b)] += k;
      // Next round: enough rays to fill the budget at this round's samples per ray, with
      // a margin (rays left over are marched again, which costs far less than a sample).
      if (k > 0) {
        double avg = std::max(0.25, double(sb.samples[size_t(b)]) / double(k));
        cap[size_t(b)] = std::clamp<int64_t>(int64_t(1.25 * double(S) / avg), 16, int64_t(1) << 22);
      }
    }
  }
  return out;
}

Background parse_background(const std::string& s) {
  if (s == "white") return Background::White;
  if (s == "black") return Background::Black;
  if (s == "transparent") return Background::Transparent;
  fail(str_cat("unknown background '", s, "' (white, black or transparent)"));
}

namespace {
uint8_t to_u8(float v) { return uint8_t(std::lround(std::clamp(v, 0.0f, 1.0f) * 255.0f)); }
}  // namespace

void ray_pixel(const RayColors& c, int64_t ray, Background bg, uint8_t* rgba) {
  const float a = std::clamp(c.opacity[size_t(ray)], 0.0f, 1.0f);
  const float* col = c.color.data() + 3 * ray;
  if (bg == Background::Transparent) {
    for (int k = 0; k < 3; ++k) rgba[k] = a > 0.0f ? to_u8(col[k] / a) : 0;
    rgba[3] = to_u8(a);
    return;
  }
  const float b = bg == Background::White ? 1.0f : 0.0f;
  for (int k = 0; k < 3; ++k) rgba[k] = to_u8(col[k] + (1.0f - a) * b);
  rgba[3] = 255;
}

std::vector<Image> render_images(const NerfFile& nerf, const std::vector<PinholeCamera>& cams, Background bg,
                                 Device d, float step) {
  RayBatch rays;
  for (const PinholeCamera& c : cams) {
    WS_CHECK(c.width >= 1 && c.height >= 1, "render_image: image size ", c.width, "x", c.height);
    add_camera_rays(rays, c, 0);
  }
  FieldBatch f = field_batch_from({nerf}, d);
  Tensor occ = nerf.occupancy.reshape({1, nerf.occupancy.numel()}).to(d);
  RayColors colors = render_rays(f, occ, nerf.occupancy_res, rays, step > 0.0f ? step : nerf.render_step);
  std::vector<Image> images;
  int64_t r = 0;
  for (const PinholeCamera& c : cams) {
    Image img(c.width, c.height);
    for (int64_t p = 0; p < int64_t(c.width) * c.height; ++p, ++r) ray_pixel(colors, r, bg, img.rgba.data() + 4 * p);
    images.push_back(std::move(img));
  }
  return images;
}

Image render_image(const NerfFile& nerf, const PinholeCamera& cam, Background bg, Device d, float step) {
  return render_images(nerf, {cam}, bg, d, step)[0];
}

}  // namespace ws
