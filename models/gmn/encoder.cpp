#include "models/gmn/encoder.h"

#include "engine/trace.h"

#include <set>
#include <type_traits>

#include "engine/json.h"
#include "models/gmn/fused_ops.h"

namespace ws {

const EnumNames<EncoderReference>& encoder_reference_names() {
  static const EnumNames<EncoderReference> names = {{"none", EncoderReference::None},
                                                    {"zeros", EncoderReference::Zeros},
                                                    {"init", EncoderReference::Init},
                                                    {"delta", EncoderReference::Delta}};
  return names;
}

GmnConfig GmnConfig::from_json(const nlohmann::json& j, const std::string& where) {
  GmnConfig c;
  // Presets and checkpoints both come through here: a misspelt key is an error, not a default.
  static const std::set<std::string> known = {"hidden", "blocks", "out_dim", "value_scale", "position_scale",
                                              "reference", "probe_grid", "field_grid"};
  for (const auto& kv : j.items())
    WS_CHECK(known.count(kv.key()), where, ": unknown encoder key '", kv.key(), "'");
  // Every setting is positive; the gains, absent in checkpoints written before they
  // existed, default to 1.
  // Integer settings decide allocation: a huge-but-valid width grows until bad_alloc.
  auto positive = [&](const char* k, auto& v, double most = 1e30) {
    if (!j.contains(k)) return;
    using T = std::remove_reference_t<decltype(v)>;
    constexpr bool integer = std::is_integral_v<T>;
    const std::string what = str_cat(where, ": encoder '", k, "'");
    WS_CHECK((integer ? j[k].is_number_integer() : j[k].is_number()) && j[k].get<double>() > 0 &&
                 j[k].get<double>() <= most,
             what, " must be a positive ", integer ? "integer" : "number", " (at most ", most, "), got ",
             json_excerpt(j[k]));
    v = json_get<T>(j[k], what);
  };
  positive("hidden", c.hidden, 4096);
  positive("blocks", c.blocks, 64);
  positive("out_dim", c.out_dim, 4096);
  // Gains feed sin(): beyond ~1e4 the features are noise in the last bits of the weights.
  positive("value_scale", c.value_scale, 1e4);
  positive("position_scale", c.position_scale, 1e4);
  // Grid sizes: 0 turns the option off; absent in checkpoints written before it existed.
  auto grid = [&](const char* k, int& v, int most) {
    if (!j.contains(k)) return;
    WS_CHECK(j[k].is_number_integer() && j[k].get<int64_t>() >= 0 && j[k].get<int64_t>() <= most, where,
             ": encoder '", k, "' must be an integer in [0, ", most, "], got ", json_excerpt(j[k]));
    v = j[k].get<int>();
  };
  grid("probe_grid", c.probe_grid, 8);   // 512 probes per node
  grid("field_grid", c.field_grid, 16);  // 16,384 inputs
  if (j.contains("reference")) {  // absent in checkpoints written before it existed: none
    WS_CHECK(j["reference"].is_string(), where, ": encoder 'reference' must be a string");
    c.reference = parse_enum(j["reference"].get<std::string>(), encoder_reference_names(),
                             str_cat(where, ": encoder 'reference'"));
  }
  return c;
}

GmnEncoder::GmnEncoder(const GmnConfig& cfg, ParamSet& ps, const std::string& p) : cfg_(cfg) {
  const int64_t h = cfg.hidden;
  n_layer_ = Linear::declare(ps, p + "n_layer.lin", 1, h);
  n_order_ = Linear::declare(ps, p + "n_order.lin", 1, h);
  n_type_ = Embedding::declare(ps, p + "n_type", kNodeTypeSlots, h);
  if (cfg.probe_grid > 0) n_probe_ = Linear::declare(ps, p + "n_probe", cfg.probes(), h);
  n_proj_ = Linear::declare(ps, p + "n_proj", (cfg.probe_grid > 0 ? 4 : 3) * h, h);
  n_in_ = Linear::declare(ps, p + "n_in", h, h);
  e_val_ = Linear::declare(ps, p + "e_val.lin", 1, h);
  e_layer_ = Linear::declare(ps, p + "e_layer.lin", 1, h);
  e_pos_ = Linear::declare(ps, p + "e_pos.lin", 3, h);
  e_type_ = Embedding::declare(ps, p + "e_type", kEdgeTypeSlots, h);
  e_proj_ = Linear::declare(ps, p + "e_proj", 4 * h, h);
  e_in_ = Linear::declare(ps, p + "e_in", h, h);
  for (int i = 0; i < cfg.blocks; ++i) {
    std::string b = p + "blocks." + std::to_string(i) + ".";
    Block blk;
    blk.last = i == cfg.blocks - 1;
    blk.ln_e = LayerNorm::declare(ps, b + "ln_e", h);
    blk.edge = Linear::declare(ps, b + "edge", 3 * h, h);
    blk.res_e = Linear::declare(ps, b + "res_e", h, h);
    if (!blk.last) {
      blk.ln_n = LayerNorm::declare(ps, b + "ln_n", h);
      blk.msg = Linear::declare(ps, b + "msg", 2 * h, h);
      blk.node = Linear::declare(ps, b + "node", 2 * h, h);
      blk.res_n = Linear::declare(ps, b + "res_n", h, h);
    }
    blocks_.push_back(blk);
  }
  ln_out_ = LayerNorm::declare(ps, p + "ln_out", h);
  out_ = Linear::declare(ps, p + "out", h, h);
  readout_ = Linear::declare(ps, p + "readout", h, cfg.out_dim);
  if (cfg.field_grid > 0) f_read_ = Linear::declare(ps, p + "f_read", cfg.field_inputs(), cfg.out_dim);
}

void GmnEncoder::init(uint64_t seed) const {
  uint64_t s = 0;
  for (const Linear* l : {&n_layer_, &n_order_, &n_proj_, &n_in_, &e_val_, &e_layer_, &e_pos_, &e_proj_, &e_in_})
    l->init(seed, s++);
  n_type_.init(seed, s++);
  e_type_.init(seed, s++);
  for (const Block& b : blocks_) {
    b.ln_e.init();
    b.edge.init(seed, s++);
    b.res_e.init(seed, s++);
    if (!b.last) {
      b.ln_n.init();
      b.msg.init(seed, s++);
      b.node.init(seed, s++);
      b.res_n.init(seed, s++);
    }
  }
  ln_out_.init();
  out_.init(seed, s++);
  readout_.init(seed, s++);
  if (cfg_.probe_grid > 0) n_probe_.init(seed, s++);  // last: the other layers' draws do not move
  if (cfg_.field_grid > 0) f_read_.init(seed, s++);
}

Var GmnEncoder::forward(const GraphBatch& g) const {
  WS_PHASE("encoder");
  const int64_t h = cfg_.hidden;
  // ---- pre-encoder, nodes: W_x[sin(a layer + c); sin(a' order + c'); E[type]] then Linear h->h
  std::vector<Var> parts = {sin(n_layer_(Var(g.node_layer))), sin(n_order_(Var(g.node_order))),
                            n_type_(g.node_type, &g.node_type_grouped)};
  if (cfg_.probe_grid > 0) {
    WS_CHECK(g.node_probe.defined() && g.node_probe.size(1) == cfg_.probes(), "encoder: probe_grid ", cfg_.probe_grid,
             " needs a batch with ", cfg_.probes(), " node probes (make_encoder_batch with this configuration)");
    parts.push_back(n_probe_(Var(g.node_probe)));
  }
  Var hn = concat_last(parts);
  Var node = n_in_(n_proj_(hn));

  // ---- pre-encoder, edges. Layer, type and position parts take few distinct values (the
  // templates' static tuples): they go through both linears once per tuple and are
  // gathered per edge; the value part is per edge. e_in o e_proj is one matrix for it.
  std::vector<Var> proj = split_last(e_proj_.w, {h, 3 * h});  // [W_val | W_rest]
  // The configured gains (GmnConfig) applied to a weight; gain 1 adds no op.
  auto scaled = [](const Var& w, float gain) { return gain == 1.0f ? w : mul_scalar(w, gain); };
  Var statics = concat_last({sin(e_layer_(Var(g.static_layer))), e_type_(g.static_type, &g.static_type_grouped),
                             sin(linear(Var(g.static_pos), scaled(e_pos_.w, cfg_.position_scale), e_pos_.b))});
  Var table = e_in_(linear(statics, proj[1], e_proj_.b));  // [U, h]
  Var w_val = matmul(e_in_.w, proj[0]);                      // [h, h]
  Var edge = edge_linear(sin(linear(Var(g.edge_value), scaled(e_val_.w, cfg_.value_scale), e_val_.b)), w_val, Var(),
                         {EdgeGather{table, g.static_id, g.by_static}}, Var(), false);

  // ---- message-passing blocks
  for (const Block& b : blocks_) {
    std::vector<Var> we = split_last(b.edge.w, {h, h, h});  // over [h_src; h_dst; e]
    Var hsrc = b.last ? node : b.ln_n(node);
    Var e_norm = b.ln_e(edge);
    Var ps = linear(hsrc, we[0]), pd = linear(hsrc, we[1], b.edge.b);  // [N, h] each
    Var e2 = edge_linear(e_norm, we[2], Var(), {EdgeGather{ps, g.src, g.by_src}, EdgeGather{pd, g.dst, g.by_dst}},
                         Var(), true);
    if (!b.last) {
      std::vector<Var> wm = split_last(b.msg.w, {h, h});  // over [h_src; e']
      Var pm = linear(hsrc, wm[0], b.msg.b);
      Var m = edge_linear(e2, wm[1], Var(), {EdgeGather{pm, g.src, g.by_src}}, Var(), true);
      Var agg = segment_mean(m, g.by_dst);  // [N, h]; 0 for nodes without incoming edges
      Var h2 = linear_relu(concat_last({hsrc, agg}), b.node.w, b.node.b);
      node = add(node, b.res_n(silu(h2)));
    }
    edge = edge_linear(silu(e2), b.res_e.w, b.res_e.b, {}, edge, false);  // e + Lin(SiLU(e'))
  }

  // ---- output: readout(out(LN(e))) is one linear map before the ReLU
  Var w_ro = matmul(readout_.w, out_.w);  // [out_dim, h]
  Var b_ro = reshape(linear(reshape(out_.b, {1, h}), readout_.w, readout_.b), {int64_t(cfg_.out_dim)});
  Var z = readout_relu_mean(ln_out_(edge), w_ro, b_ro, g.edges_of_graph, g.edge_graph, g.inv_edge_count);
  if (cfg_.field_grid > 0) {
    WS_CHECK(g.field_signature.defined() && g.field_signature.size(1) == cfg_.field_inputs(), "encoder: field_grid ",
             cfg_.field_grid, " needs a batch with ", cfg_.field_inputs(),
             " field signature values per graph (make_encoder_batch with this configuration)");
    z = add(z, f_read_(Var(g.field_signature)));  // [G, out_dim]
  }
  if (!g.reference_of.defined()) return z;
  const int64_t main = g.main_graphs();
  return sub(slice_rows(z, 0, main), gather_rows(z, g.reference_of, &g.references_grouped));
}

}  // namespace ws
