// The nf2vec-style decoder (docs/design.md §7.1): a NeRF conditioned on an embedding z.
// u = [z; freq48(x)]; a = ReLU(Lin(u)); two ReLU layers; + ReLU(Lin_skip(u)); two more
// ReLU layers; Linear -> 4; heads as the NeRFs' (rgb = sigmoid, sigma = exp(o - 1)).
// z is constant over a NeRF's points, so Lin(u) = W_x freq(x) + (W_z z)[nerf of the
// point] + b: the z part is one small GEMM per batch, gathered per point.
#pragma once
#include <string>

#include <nlohmann/json.hpp>

#include "engine/ops.h"
#include "engine/layers.h"

namespace ws {

struct DecoderConfig {
  int emb_dim = 1024;
  int hidden = 1024;
  int freq_bands = 48;
  nlohmann::json to_json() const { return {{"emb_dim", emb_dim}, {"hidden", hidden}, {"freq_bands", freq_bands}}; }
};

class Decoder {
 public:
  Decoder(const DecoderConfig& cfg, ParamSet& ps, const std::string& prefix = "dec.");
  void init(uint64_t seed) const;
  // z [G, emb_dim]; x F32 [P, 3] unit-box positions; point_nerf I32 [P] (the row of z of
  // each point), by_nerf its CSR (points grouped by NeRF, for a deterministic backward)
  // -> [P, 4] = (rgb, sigma) after the heads.
  Var forward(const Var& z, const Tensor& x, const Tensor& point_nerf, const Csr& by_nerf) const;
  const DecoderConfig& config() const { return cfg_; }

 private:
  DecoderConfig cfg_;
  Linear inp_, skip_, pre1_, pre2_, post1_, post2_, head_;
};

}  // namespace ws
