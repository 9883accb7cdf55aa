#include "models/train/render_loss.h"

#include "engine/rng.h"
#include "models/render/composite.h"
#include "models/render/march.h"

namespace ws {

namespace {

struct Draw {
  bool train;               // random rays, jitter, random backgrounds, background points
  uint64_t seed, step;
};

RenderLossResult run(const Decoder& dec, const Var& z, const std::vector<const TeacherPool*>& pools,
                     const RenderLossConfig& cfg, const Draw& draw, Device d) {
  const int64_t B = int64_t(pools.size()), Rn = cfg.rays_per_nerf, S = cfg.samples_per_nerf;
  const int64_t BG = draw.train ? cfg.bg_points : 0, block = S + BG;
  WS_CHECK(B > 0 && z.value().size(0) == B, "rendering loss: ", B, " NeRFs for embeddings ", z.value().shape().str());
  const int res = pools[0]->occupancy_res;
  const float step = pools[0]->render_step;
  // ---- rays, backgrounds and background points, on the host
  std::vector<float> o, dir, bg(size_t(3 * B)), tgt_pool;  // tgt_pool: teacher colour + opacity per ray
  std::vector<int32_t> nerf;
  std::vector<uint8_t> occ;
  std::vector<float> bg_x(size_t(B * BG * 3));
  for (int64_t b = 0; b < B; ++b) {
    const TeacherPool& p = *pools[size_t(b)];
    WS_CHECK(p.rays() > 0, "rendering loss: NeRF ", b, " has an empty teacher pool (nothing visible)");
    WS_CHECK(p.occupancy_res == res && p.render_step == step,
             "rendering loss: NeRFs of one batch must share occupancy resolution and render step");
    Rng rng(draw.seed, draw.step * 1000003ULL + uint64_t(b));
    for (int c = 0; c < 3; ++c) bg[size_t(3 * b + c)] = draw.train ? rng.uniform() : 1.0f;
    const float *po = p.origins.f32(), *pd = p.dirs.f32(), *pc = p.color.f32(), *pa = p.opacity.f32();
    for (int64_t r = 0; r < Rn; ++r) {
      int64_t q = draw.train ? rng.below(p.rays()) : r % p.rays();
      o.insert(o.end(), po + 3 * q, po + 3 * q + 3);
      dir.insert(dir.end(), pd + 3 * q, pd + 3 * q + 3);
      tgt_pool.insert(tgt_pool.end(), {pc[3 * q], pc[3 * q + 1], pc[3 * q + 2], pa[q]});
      nerf.push_back(int32_t(b));
    }
    occ.insert(occ.end(), p.occupancy.u8(), p.occupancy.u8() + p.occupancy.numel());
    for (int64_t k = 0; k < BG; ++k) {  // a uniform point in a random empty cell (or anywhere, if none)
      float* x = &bg_x[size_t((b * BG + k) * 3)];
      if (p.empty_cells.empty()) {
        for (int a = 0; a < 3; ++a) x[a] = rng.uniform();
        continue;
      }
      int32_t cell = p.empty_cells[size_t(rng.below(int64_t(p.empty_cells.size())))];
      int32_t idx[3] = {cell / (res * res), cell / res % res, cell % res};
      for (int a = 0; a < 3; ++a) x[a] = (float(idx[a]) + rng.uniform()) / float(res);
    }
  }
  // ---- the decoder's samples along the rays
  MarchOptions mo;
  mo.step = step;
  mo.max_samples = S;
  mo.jitter = draw.train;
  mo.seed = draw.seed * 7919ULL + draw.step;
  const int64_t R = int64_t(nerf.size());
  SampleBatch sb = march(Tensor::from(o, {R, 3}, d), Tensor::from(dir, {R, 3}, d), Tensor::from(nerf, {R}, d), B,
                         Tensor::from(occ, {B, int64_t(occ.size()) / B}, d), res, mo);
  // Decoder points, NeRF-major: block b = its S sample slots, then its BG background points.
  const int64_t P = B * block;
  Tensor x = Tensor::empty({P, 3}, DType::F32, d), delta = Tensor::zeros({P}, DType::F32, d);
  Tensor bgx = BG ? Tensor::from(bg_x, {B * BG, 3}, d) : Tensor();
  for (int64_t b = 0; b < B; ++b) {
    x.view_at(b * block * 3, {S, 3}).copy_from(sb.x.view_at(b * S * 3, {S, 3}));
    delta.view_at(b * block, {S}).copy_from(sb.delta.view_at(b * S, {S}));
    if (BG) x.view_at((b * block + S) * 3, {BG, 3}).copy_from(bgx.view_at(b * BG * 3, {BG, 3}));
  }
  std::vector<int32_t> rays = sb.rays.to_vector_i32(), ray_in = sb.ray_index.to_vector_i32();
  const int64_t K = sb.kept();
  std::vector<float> ray_bg(size_t(3 * K)), target(size_t(3 * K));
  for (int64_t k = 0; k < K; ++k) {
    int64_t b = rays[size_t(2 * k)] / S;
    rays[size_t(2 * k)] += int32_t(b * BG);  // slots shift by the background points of earlier NeRFs
    const float* t = &tgt_pool[size_t(4 * ray_in[size_t(k)])];
    for (int c = 0; c < 3; ++c) {
      float bc = bg[size_t(3 * b + c)];
      ray_bg[size_t(3 * k + c)] = bc;
      target[size_t(3 * k + c)] = t[c] + (1.0f - t[3]) * bc;
    }
  }
  std::vector<int32_t> point_nerf(static_cast<size_t>(P)), offsets(size_t(B + 1)), bg_rows, bg_of_row;
  for (int64_t b = 0; b <= B; ++b) offsets[size_t(b)] = int32_t(b * block);
  for (int64_t i = 0; i < P; ++i) point_nerf[size_t(i)] = int32_t(i / block);
  for (int64_t b = 0; b < B; ++b)
    for (int64_t k = 0; k < BG; ++k) bg_rows.push_back(int32_t(b * block + S + k));
  Csr by_nerf{Tensor::from(offsets, {B + 1}, d), Tensor()};

  // ---- decoder, rendering, losses
  Var out = dec.forward(z, x, Tensor::from(point_nerf, {P}, d), by_nerf);
  std::vector<Var> parts = split_last(out, {3, 1});
  Composited c = composite(parts[0], reshape(parts[1], {P}), delta, Tensor::from(rays, {K, 2}, d),
                           Var(Tensor::from(ray_bg, {K, 3}, d)));
  Tensor tgt = Tensor::from(target, {K, 3}, d);
  RenderLossResult res_out;
  res_out.rays = K;
  for (int64_t v : sb.samples) res_out.samples += v;
  Var bg_rgb, bg_sigma, bgc;
  if (BG) {
    Tensor rows = Tensor::from(bg_rows, {B * BG}, d);
    std::vector<float> bgcol(size_t(3 * B * BG));
    for (int64_t i = 0; i < B * BG; ++i)
      for (int ch = 0; ch < 3; ++ch) bgcol[size_t(3 * i + ch)] = bg[size_t(3 * (i / BG) + ch)];
    bgc = Var(Tensor::from(bgcol, {B * BG, 3}, d));
    bg_rgb = gather_rows(parts[0], rows);
    bg_sigma = gather_rows(parts[1], rows);
  }
  Var loss = render_loss_terms(c.color, Var(tgt), bg_rgb, bg_sigma, bgc, step, cfg);
  res_out.loss = loss;
  if (!draw.train) {
    std::vector<float> got = c.color.value().to_vector();
    double se = 0;
    for (size_t i = 0; i < got.size(); ++i) se += double(got[i] - target[i]) * double(got[i] - target[i]);
    res_out.mse = got.empty() ? 0 : se / double(got.size());
  }
  return res_out;
}

}  // namespace

Var render_loss_terms(const Var& pixels, const Var& target, const Var& bg_rgb, const Var& bg_sigma,
                      const Var& bg_colour, float delta, const RenderLossConfig& cfg) {
  Var loss = mul_scalar(smooth_l1(pixels, target), cfg.fg_weight);
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
