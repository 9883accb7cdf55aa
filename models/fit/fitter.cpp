#include "models/fit/fitter.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "engine/ops.h"
#include "engine/optim.h"
#include "core/hash.h"
#include "core/rng.h"
#include "engine/schedule.h"
#include "models/render/composite.h"
#include "models/render/march.h"
#include "models/render/march_kernels.h"
#include "models/render/occupancy_grid.h"
#include "models/render/psnr.h"
#include "models/render/render_image.h"
#include "models/fit/visual_hull.h"

namespace ws {

namespace {
// Philox streams of the fitter's draws, apart from each other.
constexpr uint64_t kPixelStream = 1, kJitterStream = 2;

std::string format_metric(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", v);
  return buf;
}

// The rays of one step, host side, reused from step to step.
struct StepRays {
  RayBatch rays;
  std::vector<float> target, bg;  // [R,3]: ground truth composited on the background, the background
  void clear() {
    rays.origins.clear(), rays.dirs.clear(), rays.nerf.clear();
    target.clear(), bg.clear();
  }
};

// n rays of NeRF b at `step`: uniform over its training pixels (or over `pixels` when
// given), each with a random background colour and the pixel's colour composited on it
// from its alpha.
void draw_rays(const ObjectViews& v, const std::vector<int32_t>& pixels, uint64_t seed, int64_t step, int64_t n,
               int32_t b, StepRays& out) {
  const int64_t P = pixels.empty() ? v.pixels() : int64_t(pixels.size());
  for (int64_t k = 0; k < n; ++k) {
    Philox4 r = philox4x32(seed, (uint64_t(step) << 32) | uint64_t(k), kPixelStream);
    int64_t p = int64_t((uint64_t(r.v[0]) * uint64_t(P)) >> 32);
    if (!pixels.empty()) p = pixels[size_t(p)];
    out.rays.add(v.ray(p), b);
    const uint8_t* px = v.pixel(p);
    const float a = px[3] * (1.0f / 255.0f);
    for (int c = 0; c < 3; ++c) {
      const float bg = u32_to_unit(r.v[1 + c]);
      out.bg.push_back(bg);
      out.target.push_back(px[c] * (1.0f / 255.0f) * a + (1.0f - a) * bg);
    }
  }
}

// Rows `index` [R'] of a host [R,3] array -> a [R',3] tensor on d.
Tensor gather3(const std::vector<float>& v, const std::vector<int32_t>& index, Device d) {
  std::vector<float> out(index.size() * 3);
  for (size_t j = 0; j < index.size(); ++j)
    for (int c = 0; c < 3; ++c) out[3 * j + c] = v[3 * size_t(index[j]) + c];
  return Tensor::from(out, {int64_t(index.size()), 3}, d);
}

// The training pixels whose rays pass through a cell set in `flags` (res^3): with the
// visual hull, the others never get a sample, so they carry no gradient and are not drawn.
std::vector<int32_t> pixels_through(const ObjectViews& v, const std::vector<uint8_t>& flags, int res, float step) {
  const std::vector<uint8_t> bits = pack_occupancy(flags);
  std::vector<int32_t> out;
  for (int64_t p = 0; p < v.pixels(); ++p) {
    const Ray ray = v.ray(p);
    const float o[3] = {ray.origin.x, ray.origin.y, ray.origin.z}, d[3] = {ray.dir.x, ray.dir.y, ray.dir.z};
    const RayRange range = ray_box(o, d);
    if (range.empty()) continue;
    // A quarter step, so that no jittered training sample can fall in a cell this misses.
    if (march_ray(o, d, range.t_near, range.t_far, 0.25f * step, bits.data(), res, MarchNoVisit()) > 0)
      out.push_back(int32_t(p));
  }
  return out;
}

int64_t max_samples_per_ray(float step) { return int64_t(std::ceil(kSceneSize * std::sqrt(3.0f) / step)) + 2; }
}  // namespace

Var fit_loss(const Var& color, const Tensor& target, const std::vector<int64_t>& rays_per_nerf) {
  const int64_t R = color.value().rows();
  // Per ray the weight R / R_b: smooth_l1's mean over all rows becomes the sum over NeRFs
  // of each NeRF's mean. A NeRF without rays adds nothing.
  std::vector<float> w;
  w.reserve(size_t(R));
  for (int64_t n : rays_per_nerf) w.insert(w.end(), size_t(n), float(R) / float(n));
  WS_CHECK(int64_t(w.size()) == R, "fit_loss: rays_per_nerf sum to ", w.size(), " but there are ", R, " rays");
  const Tensor weights = Tensor::from(w, {R}, color.device());
  return smooth_l1(color, Var(target), 1.0f, &weights);
}

uint64_t nerf_seed(uint64_t seed, const std::string& arch, const std::string& object_key) {
  return fnv1a(arch + "|" + object_key, fnv1a(std::to_string(seed)));
}

FittedBatch fit_field_batch(const ArchSpec& arch, const std::vector<const ObjectViews*>& views,
                            const std::vector<uint64_t>& nerf_seeds, const FitOptions& opt, Device d,
                            const FitStepFn& on_step) {
  opt.validate("fit");
  const int64_t B = int64_t(views.size()), S = opt.samples_per_step;
  WS_CHECK(B >= 1 && nerf_seeds.size() == views.size(), "fit: ", views.size(), " objects and ", nerf_seeds.size(),
           " seeds");
  WS_CHECK(S >= max_samples_per_ray(opt.render_step), "fit: samples_per_step ", S,
           " is below the samples of one ray through the box at render_step ", opt.render_step, " (",
           max_samples_per_ray(opt.render_step), ")");
  for (const ObjectViews* v : views) WS_CHECK(v && v->pixels() > 0, "fit: an object without training views");

  FittedBatch out;
  out.field = make_field_batch(arch, B, d);
  FieldBatch& f = out.field;
  // Pixel choices stay per NeRF either way; only the starting weights are shared.
  const uint64_t shared_stream = nerf_seed(opt.seed, arch.name, "");
  for (int64_t b = 0; b < B; ++b) init_field(f, b, opt.seed, opt.shared_init ? shared_stream : nerf_seeds[size_t(b)]);
  Adam adam(f.params, AdamConfig::adam(0.0f, opt.adam_eps));
  MultiStep sched{opt.lr, {}, opt.lr_gamma};
  const int steps = opt.steps_for(arch.family);
  for (double m : opt.lr_milestones) sched.milestones.push_back(int64_t(std::lround(m * steps)));

  OccupancyOptions oo;
  oo.res = opt.occupancy_res;
  oo.update_every = opt.occupancy_every;
  oo.warmup_steps = opt.occupancy_warmup;
  oo.decay = opt.occupancy_decay;
  oo.threshold = opt.occupancy_threshold;
  oo.step = opt.render_step;
  oo.seed = opt.seed;
  OccupancyGrid grid(B, d, oo);
  // Per NeRF the cells inside its training views' visual hull (fit.occupancy_hull).
  std::vector<std::vector<uint8_t>> hull;
  std::vector<std::vector<int32_t>> pixels(static_cast<size_t>(B));  // empty: all pixels
  if (opt.occupancy_hull)
    for (int64_t b = 0; b < B; ++b) {
      hull.push_back(visual_hull(*views[size_t(b)], opt.occupancy_res));
      pixels[size_t(b)] = pixels_through(*views[size_t(b)], hull.back(), opt.occupancy_res, opt.render_step);
    }
  auto density = [&](const Tensor& x) {
    NoGradGuard no_grad;
    Tensor sigma = split_last(field_raw(f, x), {3, 1})[1].value();  // [B,n,1]
    if (hull.empty()) return sigma;
    // Outside the hull the grid reads density 0 (on the host: a few times per update).
    const Tensor xs = x.to(Device::cpu());
    Tensor s = sigma.device().is_cpu() ? sigma : sigma.to(Device::cpu());
    const int64_t n = x.size(1);
    const float* px = xs.f32();
    float* ps = s.f32();
    for (int64_t b = 0; b < B; ++b)
      for (int64_t i = 0; i < n; ++i) {
        const float* p = px + 3 * (b * n + i);
        if (!hull[size_t(b)][size_t(occupancy_cell(p[0], p[1], p[2], opt.occupancy_res))]) ps[b * n + i] = 0.0f;
      }
    return s.device() == sigma.device() ? s : s.to(sigma.device());
  };

  std::vector<int64_t> n_rays(size_t(B), std::min(opt.init_rays, opt.max_rays));
  StepRays sr;
  for (int step = 0; step < steps; ++step) {
    grid.update(step, density);
    sr.clear();
    for (int64_t b = 0; b < B; ++b)
      draw_rays(*views[size_t(b)], pixels[size_t(b)], nerf_seeds[size_t(b)], step, n_rays[size_t(b)], int32_t(b), sr);
    const int64_t R = sr.rays.size();
    MarchOptions mo{opt.render_step, S, true, philox4x32(opt.seed, uint64_t(step), kJitterStream).v[0]};
    SampleBatch sb = march(Tensor::from(sr.rays.origins, {R, 3}, d), Tensor::from(sr.rays.dirs, {R, 3}, d),
                           Tensor::from(sr.rays.nerf, {R}, d), B, grid.bits(), grid.res(), mo);
    const std::vector<int32_t> kept = sb.ray_index.to_vector_i32();

    std::vector<Var> raw = split_last(field_raw(f, sb.x), {3, 1});  // rgb [B,S,3], sigma [B,S,1]
    Composited c = composite(raw[0], raw[1], sb.delta, sb.rays, Var(gather3(sr.bg, kept, d)));
    Var loss = fit_loss(c.color, gather3(sr.target, kept, d), sb.rays_kept);
    backward(loss);
    double lr = sched.lr(step);
    if (step < opt.lr_warmup) lr *= 0.01 + 0.99 * double(step) / double(opt.lr_warmup);
    adam.step(float(lr));
    f.params.zero_grad();

    // nerfacc's ray count: as many rays as the budget holds at this step's samples per
    // ray, plus a margin (rays past the budget are dropped by the march, cheaply).
    for (int64_t b = 0; b < B; ++b) {
      const int64_t k = sb.rays_kept[size_t(b)], used = sb.samples[size_t(b)];
      int64_t next = used > 0 ? int64_t(std::ceil(1.1 * double(S) * double(k) / double(used))) : 2 * n_rays[size_t(b)];
      n_rays[size_t(b)] = std::clamp<int64_t>(next, 1, opt.max_rays);
    }
    if (on_step) on_step(step, loss.value().item() / float(B));
  }
  out.occupancy = grid.bits();
  return out;
}

std::vector<float> heldout_psnr(const FieldBatch& f, const Tensor& occupancy, int res, float step,
                                const std::vector<const ObjectViews*>& views) {
  WS_CHECK(int64_t(views.size()) == f.B, "heldout_psnr: ", views.size(), " view sets for ", f.B, " NeRFs");
  RayBatch rays;
  for (size_t b = 0; b < views.size(); ++b)
    for (int64_t p = 0; p < views[b]->pixels(); ++p) rays.add(views[b]->ray(p), int32_t(b));
  RayColors c = render_rays(f, occupancy, res, rays, step);
  std::vector<float> psnr;
  int64_t r = 0;
  for (const ObjectViews* v : views) {
    double se = 0.0;
    for (int64_t p = 0; p < v->pixels(); ++p, ++r) {
      const uint8_t* px = v->pixel(p);
      const float a = px[3] / 255.0f, o = std::clamp(c.opacity[size_t(r)], 0.0f, 1.0f);
      for (int k = 0; k < 3; ++k) {
        const float gt = px[k] / 255.0f * a + (1.0f - a);
        const float pred = std::clamp(c.color[size_t(3 * r + k)] + (1.0f - o), 0.0f, 1.0f);
        se += double(pred - gt) * double(pred - gt);
      }
    }
    psnr.push_back(float(psnr_from_sum(se, 3 * v->pixels())));
  }
  return psnr;
}

std::vector<NerfFile> fit_nerfs(const ArchSpec& arch, const std::vector<FitObject>& objects, const FitOptions& opt,
                                Device d, const FitStepFn& on_step) {
  WS_CHECK(!objects.empty(), "fit: no objects");
  std::vector<ObjectViews> train;
  std::vector<uint64_t> seeds;
  for (const FitObject& o : objects) {
    train.push_back(load_object_views(o.dir, ViewSet::Training));
    seeds.push_back(nerf_seed(opt.seed, arch.name, o.key()));
  }
  std::vector<const ObjectViews*> tv;
  for (const ObjectViews& v : train) tv.push_back(&v);
  FittedBatch fb = fit_field_batch(arch, tv, seeds, opt, d, on_step);
  train.clear();

  // Only now are the held-out views read.
  std::vector<ObjectViews> held;
  for (const FitObject& o : objects) held.push_back(load_object_views(o.dir, ViewSet::HeldOut));
  std::vector<const ObjectViews*> hv;
  for (const ObjectViews& v : held) hv.push_back(&v);
  std::vector<float> psnr = heldout_psnr(fb.field, fb.occupancy, opt.occupancy_res, opt.render_step, hv);

  std::vector<NerfFile> files(objects.size());
  const Tensor bits = fb.occupancy.to(Device::cpu());
  for (size_t b = 0; b < objects.size(); ++b) {
    NerfFile& n = files[b];
    store_field(fb.field, int64_t(b), n);
    n.occupancy = bits.slice_rows(int64_t(b), int64_t(b) + 1).reshape({bits.size(1)}).clone();
    n.occupancy_res = opt.occupancy_res;
    n.render_step = opt.render_step;
    n.object = objects[b].id;
    n.cls = objects[b].cls;
    n.stats["psnr_heldout"] = format_metric(psnr[b]);
    n.stats["fit_steps"] = std::to_string(opt.steps_for(arch.family));
    // The starting weights, reproducible from these two (encoder.reference "init").
    n.stats["init_seed"] = std::to_string(opt.seed);
    n.stats["init_stream"] = std::to_string(opt.shared_init ? nerf_seed(opt.seed, arch.name, "") : seeds[b]);
  }
  return files;
}

}  // namespace ws
