#include "models/train/render_loss.h"

#include "engine/trace.h"
#include "kernels/batch_index.h"
#include "models/render/composite.h"
#include "models/render/march.h"
#include "models/train/render_loss_kernels.h"

namespace ws {

namespace {

struct Draw {
  bool train;               // random rays, jitter, random backgrounds, background points
  uint64_t seed, step;
};

PoolView view_of(const TeacherPool& p) {
  return {p.origins.f32(), p.dirs.f32(),  p.color.f32(), p.opacity.f32(),
          p.rays(),        p.empty_cells.numel() ? p.empty_cells.i32() : nullptr, p.empty_cells.numel()};
}

// Everything on the device, from the teacher pools and Philox draws: no upload, and no
// host read but the evaluation's error.
RenderLossResult run(const Decoder& dec, const Var& z, const std::vector<const TeacherPool*>& pools,
                     const RenderLossConfig& cfg, const Draw& draw, Device d) {
  const int64_t B = int64_t(pools.size()), Rn = cfg.rays_per_nerf, S = cfg.samples_per_nerf;
  const int64_t BG = draw.train ? cfg.bg_points : 0, block = S + BG;
  WS_CHECK(B > 0 && z.value().size(0) == B, "rendering loss: ", B, " NeRFs for embeddings ", z.value().shape().str());
  WS_CHECK(Rn > 0, "rendering loss: rays_per_nerf must be positive, got ", Rn);
  const int res = pools[0]->occupancy_res;
  const float step = pools[0]->render_step;
  const int64_t bytes = pools[0]->occupancy.numel();
  // ---- rays, backgrounds and background points, drawn per NeRF from its pool
  const int64_t R = B * Rn, P = B * block;
  Tensor o = Tensor::empty({R, 3}, DType::F32, d), dir = Tensor::empty({R, 3}, DType::F32, d),
         tgt_pool = Tensor::empty({R, 4}, DType::F32, d), nerf = Tensor::empty({R}, DType::I32, d),
         bg = Tensor::empty({B, 3}, DType::F32, d), occ = Tensor::empty({B, bytes}, DType::U8, d);
  Tensor x = Tensor::empty({P, 3}, DType::F32, d), delta = Tensor::empty({P}, DType::F32, d);
  for (int64_t b = 0; b < B; ++b) {
    const TeacherPool& p = *pools[size_t(b)];
    WS_CHECK(p.rays() > 0, "rendering loss: NeRF ", b, " has an empty teacher pool (nothing visible)");
    WS_CHECK(p.occupancy_res == res && p.render_step == step && p.occupancy.numel() == bytes,
             "rendering loss: NeRFs of one batch must share occupancy resolution and render step");
    WS_CHECK(p.origins.device() == d, "rendering loss: NeRF ", b, "'s teacher pool is on ", p.origins.device().str(),
             ", the loss on ", d.str());
    const DrawPlan plan{draw.train, draw.seed, draw.step * 1000003ULL + uint64_t(b), Rn, BG, res};
    draw_rays(view_of(p), plan, int32_t(b), bg.f32() + 3 * b, o.f32() + 3 * b * Rn, dir.f32() + 3 * b * Rn,
              tgt_pool.f32() + 4 * b * Rn, nerf.i32() + b * Rn, d);
    if (BG) draw_background_points(view_of(p), plan, x.f32() + 3 * (b * block + S), d);
    occ.slice_rows(b, b + 1).copy_from(p.occupancy.reshape({1, bytes}));
  }
  // ---- the decoder's samples along the rays (kept rays first; their count stays on the device)
  MarchOptions mo;
  mo.step = step;
  mo.max_samples = S;
  mo.jitter = draw.train;
  mo.seed = draw.seed * 7919ULL + draw.step;
  mo.trust_order = true;  // nerf is b-major by construction
  PackedSamples sb = march_packed(o, dir, nerf, B, occ, res, mo);
  // Decoder points, NeRF-major: block b = its S sample slots, then its BG background points.
  decoder_points(sb.x.f32(), sb.delta.f32(), B, S, BG, x.f32(), delta.f32(), d);
  Tensor rays = Tensor::empty({R, 2}, DType::I32, d), ray_bg = Tensor::empty({R, 3}, DType::F32, d),
         target = Tensor::empty({R, 3}, DType::F32, d);
  ray_targets(sb.rays.i32(), sb.ray_index.i32(), sb.kept.i32(), nerf.i32(), tgt_pool.f32(), bg.f32(), R, BG,
              rays.i32(), ray_bg.f32(), target.f32(), d);
  Tensor point_nerf = Tensor::empty({P}, DType::I32, d);
  Csr by_nerf{Tensor::empty({B + 1}, DType::I32, d), Tensor(), true};
  iota_div_i32(point_nerf.i32(), P, block, 1, 0, d);            // point i -> NeRF i / block
  iota_div_i32(by_nerf.offsets.i32(), B + 1, 1, int32_t(block), 0, d);  // NeRF b's points start at b * block

  // ---- decoder, rendering, losses
  Var out = dec.forward(z, x, point_nerf, by_nerf);
  WS_PHASE("render loss");
  std::vector<Var> parts = split_last(out, {3, 1});
  Composited c = composite(parts[0], reshape(parts[1], {P}), delta, rays, Var(ray_bg));
  RenderLossResult res_out;
  Var bg_rgb, bg_sigma, bgc;
  if (BG) {
    Tensor rows = Tensor::empty({B * BG}, DType::I32, d), colour = Tensor::empty({B * BG, 3}, DType::F32, d);
    background_rows(bg.f32(), B, S, BG, rows.i32(), colour.f32(), d);
    bgc = Var(colour);
    bg_rgb = gather_rows(parts[0], rows);  // distinct rows: a deterministic backward on every device
    bg_sigma = gather_rows(parts[1], rows);
  }
  res_out.loss = render_loss_terms(c.color, Var(target), bg_rgb, bg_sigma, bgc, step, cfg, &sb.kept);
  if (!draw.train) {  // evaluation: the pixels' error on the host
    int32_t kept = 0;
    sb.kept.copy_to_host(&kept, sizeof(kept));
    std::vector<float> got = c.color.value().slice_rows(0, kept).to_vector(),
                       want = target.slice_rows(0, kept).to_vector();
    double se = 0;
    for (size_t i = 0; i < got.size(); ++i) se += double(got[i] - want[i]) * double(got[i] - want[i]);
    res_out.mse = got.empty() ? 0 : se / double(got.size());
    res_out.rays = kept;
  }
  return res_out;
}

}  // namespace

Var render_loss_terms(const Var& pixels, const Var& target, const Var& bg_rgb, const Var& bg_sigma,
                      const Var& bg_colour, float delta, const RenderLossConfig& cfg, const Tensor* rows_used) {
  Var fg = rows_used ? smooth_l1_prefix(pixels, target, *rows_used) : smooth_l1(pixels, target);
  Var loss = mul_scalar(fg, cfg.fg_weight);
  if (!bg_rgb.defined()) return loss;
  Var alpha = affine(exp(mul_scalar(bg_sigma, -delta)), -1.0f, 1.0f);  // [M,1]
  Var over = add(bg_colour, mul(concat_last({alpha, alpha, alpha}), sub(bg_rgb, bg_colour)));
  return add(loss, mul_scalar(smooth_l1(over, bg_colour), cfg.bg_weight));
}

RenderLossResult rendering_loss(const Decoder& dec, const Var& z, const std::vector<const TeacherPool*>& pools,
                                const RenderLossConfig& cfg, uint64_t seed, uint64_t step, Device d) {
  return run(dec, z, pools, cfg, {true, seed, step}, d);
}

RenderLossResult rendering_eval(const Decoder& dec, const Var& z, const std::vector<const TeacherPool*>& pools,
                                const RenderLossConfig& cfg, Device d) {
  return run(dec, z, pools, cfg, {false, 0, 0}, d);
}

}  // namespace ws
