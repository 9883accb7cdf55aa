// The step suite of `wsnerf bench`: one full training step — encoder + decoder + rendering
// and SigLIP losses + AdamW — on the batch and presets of the PyTorch reference script
// torch_reference.py, which is not in this repository (it sits in the shared workspace
// beside the checkout, ../shared/bench/; docs/design.md §2.9): 8 graphs (4
// cross-architecture pairs), R rays x S samples and BG background points per NeRF at
// random positions, random targets.
#include <cmath>

#include "engine/optim.h"
#include "core/rng.h"
#include "engine/trace.h"
#include "models/decoder/decoder.h"
#include "models/gmn/encoder.h"
#include "models/render/composite.h"
#include "models/train/render_loss.h"
#include "models/train/siglip.h"
#include "tools/bench.h"

namespace ws::bench {

namespace {
struct StepPreset {
  int dec, rays, samples, bg;
};
StepPreset step_preset(const std::string& p) {
  if (p == "tiny") return {128, 64, 16, 256};
  if (p == "cpu") return {256, 128, 24, 1024};
  if (p == "paper") return {1024, 512, 48, 10000};
  fail(str_cat("unknown bench preset '", p, "' (tiny, cpu or paper)"));
}
}  // namespace

nlohmann::json step_suite(Device d, const std::string& preset, bool profile) {
  GmnConfig ecfg = gmn_preset(preset);
  StepPreset sp = step_preset(preset);
  GraphBatch batch = reference_batch(d, 4);
  const int64_t G = batch.graphs, R = sp.rays, S = sp.samples, BG = sp.bg, block = R * S + BG, P = G * block;
  ParamSet enc_ps, head_ps;
  GmnEncoder enc(ecfg, enc_ps);
  Decoder dec({ecfg.out_dim, sp.dec, 48}, head_ps);
  Var log_t = head_ps.add("siglip.log_t", {1}), bias = head_ps.add("siglip.bias", {1});
  enc_ps.materialize(d);
  head_ps.materialize(d);
  enc.init(0);
  dec.init(1);
  log_t.value().fill_(kSiglipInitLogT);
  bias.value().fill_(kSiglipInitBias);
  Adam oe(enc_ps, AdamConfig::adamw()), oh(head_ps, AdamConfig::adamw());

  // The data, fixed across steps as in the reference.
  Rng rng(0);
  const float delta = 1.4f * std::sqrt(3.0f) / 1024.0f;
  std::vector<float> x(size_t(P * 3)), dl(static_cast<size_t>(P), 0.0f), target(size_t(G * R * 3)),
      ray_bg(size_t(G * R * 3)), bg(size_t(G * BG * 3));
  std::vector<int32_t> rays, point_nerf(static_cast<size_t>(P)), offsets, bg_rows;
  for (float& v : x) v = rng.uniform();
  for (float& v : target) v = rng.uniform();
  for (int64_t g = 0; g < G; ++g) {
    float c[3] = {rng.uniform(), rng.uniform(), rng.uniform()};
    for (int64_t r = 0; r < R; ++r) {
      rays.insert(rays.end(), {int32_t(g * block + r * S), int32_t(S)});
      for (int k = 0; k < 3; ++k) ray_bg[size_t((g * R + r) * 3 + k)] = c[k];
    }
    for (int64_t i = 0; i < R * S; ++i) dl[size_t(g * block + i)] = delta;
    for (int64_t i = 0; i < BG; ++i) {
      bg_rows.push_back(int32_t(g * block + R * S + i));
      for (int k = 0; k < 3; ++k) bg[size_t((g * BG + i) * 3 + k)] = c[k];
    }
    offsets.push_back(int32_t(g * block));
  }
  offsets.push_back(int32_t(P));
  for (int64_t i = 0; i < P; ++i) point_nerf[size_t(i)] = int32_t(i / block);
  Tensor tx = Tensor::from(x, {P, 3}, d), tdl = Tensor::from(dl, {P}, d), trays = Tensor::from(rays, {G * R, 2}, d);
  Tensor tpn = Tensor::from(point_nerf, {P}, d), tbgrows = Tensor::from(bg_rows, {G * BG}, d);
  Var tgt(Tensor::from(target, {G * R, 3}, d)), rbg(Tensor::from(ray_bg, {G * R, 3}, d)),
      bgc(Tensor::from(bg, {G * BG, 3}, d));
  Csr by_nerf{Tensor::from(offsets, {G + 1}, d), Tensor()};
  std::vector<int32_t> even = {0, 2, 4, 6}, odd = {1, 3, 5, 7};
  Tensor te = Tensor::from(even, {4}, d), to = Tensor::from(odd, {4}, d);

  auto step = [&] {
    enc_ps.zero_grad();
    head_ps.zero_grad();
    Var z = enc.forward(batch);
    std::vector<Var> parts = split_last(dec.forward(z, tx, tpn, by_nerf), {3, 1});
    Var l_r, l_c;
    {
      WS_PHASE("render loss");
      Composited c = composite(parts[0], reshape(parts[1], {P}), tdl, trays, rbg);
      l_r = render_loss_terms(c.color, tgt, gather_rows(parts[0], tbgrows), gather_rows(parts[1], tbgrows), bgc, delta,
                              RenderLossConfig{});
    }
    {
      WS_PHASE("siglip");
      l_c = siglip_loss(gather_rows(z, te), gather_rows(z, to), log_t, bias);
    }
    Var loss = add(l_r, mul_scalar(l_c, 0.02f));
    backward(loss);
    WS_PHASE("optimizer");
    oe.step(1e-4f);
    oh.step(1e-4f);
  };
  Timing t = time_it(step, d, 3, 1.0, 10);
  nlohmann::json out = {{"preset", preset}, {"hidden", ecfg.hidden}, {"emb", ecfg.out_dim}, {"decoder", sp.dec},
          {"rays", R}, {"samples", S}, {"bg_points", BG}, {"decoder_points", P}, {"graphs", G}, {"edges", batch.edges},
          {"parameters", enc_ps.numel() + head_ps.numel()}, {"ms_per_step", to_json(t)["median_ms"]}, {"timing", to_json(t)}};
  if (profile) out["profile"] = profile_it(step, d, 3);
  return out;
}

}  // namespace ws::bench
