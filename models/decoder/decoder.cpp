#include "models/decoder/decoder.h"

#include "models/gmn/fused_ops.h"
#include "models/nerf/field_ops.h"
#include "engine/trace.h"

namespace ws {

Decoder::Decoder(const DecoderConfig& cfg, ParamSet& ps, const std::string& p) : cfg_(cfg) {
  const int64_t in = cfg.emb_dim + 6LL * cfg.freq_bands, h = cfg.hidden;
  inp_ = Linear::declare(ps, p + "inp", in, h);
  pre1_ = Linear::declare(ps, p + "pre.0", h, h);
  pre2_ = Linear::declare(ps, p + "pre.2", h, h);
  skip_ = Linear::declare(ps, p + "skip", in, h);
  post1_ = Linear::declare(ps, p + "post.0", h, h);
  post2_ = Linear::declare(ps, p + "post.2", h, h);
  head_ = Linear::declare(ps, p + "head", h, 4);
}

void Decoder::init(uint64_t seed) const {
  uint64_t s = 0;
  for (const Linear* l : {&inp_, &pre1_, &pre2_, &skip_, &post1_, &post2_, &head_}) l->init(seed, s++);
}

Var Decoder::forward(const Var& z, const Tensor& x, const Tensor& point_nerf, const Csr& by_nerf) const {
  WS_PHASE("decoder");
  const int64_t P = x.size(0), emb = cfg_.emb_dim, fx = 6LL * cfg_.freq_bands;
  WS_CHECK(x.ndim() == 2 && x.size(1) == 3 && point_nerf.numel() == P, "decoder: x ", x.shape().str(),
           " and point_nerf ", describe(point_nerf), " (expected [P,3] and [P])");
  WS_CHECK(z.value().ndim() == 2 && z.value().size(1) == emb, "decoder: z ", z.value().shape().str(),
           ", expected [G, ", emb, "]");
  Var fx_in(freq_encode(x, cfg_.freq_bands));  // [P, 6n], a constant
  // The input layers over u = [z; freq(x)]: the z columns once per NeRF, gathered per point.
  auto input_layer = [&](const Linear& l) {
    std::vector<Var> w = split_last(l.w, {emb, fx});
    Var per_nerf = linear(z, w[0], l.b);  // [G, hidden]
    return edge_linear(fx_in, w[1], Var(), {EdgeGather{per_nerf, point_nerf, by_nerf}}, Var(), true);
  };
  Var a = input_layer(inp_);
  a = linear_relu(linear_relu(a, pre1_.w, pre1_.b), pre2_.w, pre2_.b);
  Var h = add(a, input_layer(skip_));
  h = linear_relu(linear_relu(h, post1_.w, post1_.b), post2_.w, post2_.b);
  return reshape(nerf_heads(reshape(head_(h), {1, P, 4}), x.reshape({1, P, 3})), {P, 4});
}

}  // namespace ws
