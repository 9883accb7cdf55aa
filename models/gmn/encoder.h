// The GMN encoder (docs/design.md §6): pre-encoder, (blocks - 1) node+edge blocks, one
// edge-only block, output projection and a mean-over-edges readout to out_dim.
// Parameters carry the authors' names ("enc.blocks.0.edge.weight", ...).
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/layers.h"
#include "engine/named_enum.h"
#include "models/graph/graph_batch.h"

namespace ws {

// What an embedding is measured from (GmnConfig::reference; models/gmn/reference.h).
enum class EncoderReference {
  None,   // "none": the readout itself (the paper's)
  Zeros,  // "zeros": minus the readout of the architecture's graph with all-zero values
  Init,   // "init": minus the readout of the graph of the weights the fit started from
  Delta,  // "delta": the graph of the weights minus that start, minus the all-zero graph's
};
const EnumNames<EncoderReference>& encoder_reference_names();  // none, zeros, init, delta
inline const char* encoder_reference_name(EncoderReference r) { return enum_name(r, encoder_reference_names()); }

struct GmnConfig {
  int hidden = 128;   // node and edge width h
  int blocks = 4;     // message-passing blocks; the last updates edges only
  int out_dim = 1024; // embedding size
  // Gain on the edge values (the NeRF's weights, std ~0.1) before sin(Lin(value)).
  // 1 is the paper's; with PyTorch's U(-1, 1) init the value part then moves its sine by
  // ~0.1 rad, and short CPU schedules cannot grow it (Adam moves a weight ~lr per step),
  // so the embedding barely depends on the weights. ours: the cpu/tiny presets use 30.
  float value_scale = 1.0f;
  // Gain on the edge positions p (tri-plane cells in [-1, 1]^3) before sin(Lin(p)). 1 is
  // the paper's; U(-0.58, 0.58) weights then give sines that vary over the whole plane,
  // too smooth to tell cells apart. ours: the cpu/tiny presets use 4.
  float position_scale = 1.0f;
  // What the embedding is measured from (ours; "none" is the paper's): the readout of a
  // NeRF's graph minus the readout of the same architecture's graph with reference
  // edge values, so the part every NeRF of an architecture shares cancels and a single
  // NeRF is comparable across architectures without centring. "zeros": all-zero
  // values; "init": the weights its fit started from (NerfFile::initial_flat_params);
  // "delta": the graph of the weights minus that start, against all-zero values.
  EncoderReference reference = EncoderReference::None;
  // Node probe features (ours, off in the paper; models/graph/node_probes.h): with g > 0
  // every node also reads the values its neuron takes at the g^3 cell centres of the unit
  // box, through n_probe Linear(g^3 -> h) as a fourth part of the node features.
  int probe_grid = 0;
  int64_t probes() const { return int64_t(probe_grid) * probe_grid * probe_grid; }
  // Field readout (ours, off in the paper): with f > 0 the embedding also gets
  // f_read(field signature), Linear(4 f^3 -> out_dim), of the NeRF's opacity and colour at
  // the f^3 cell centres of the unit box (models/nerf/field_signature.h). This part runs the
  // NeRF rather than reading its graph; it is the same map for every architecture.
  int field_grid = 0;
  int64_t field_inputs() const { return 4 * int64_t(field_grid) * field_grid * field_grid; }
  nlohmann::json to_json() const {
    nlohmann::json j = {{"hidden", hidden},           {"blocks", blocks},
                        {"out_dim", out_dim},         {"value_scale", value_scale},
                        {"position_scale", position_scale}, {"reference", encoder_reference_name(reference)}};
    if (probe_grid > 0) j["probe_grid"] = probe_grid;  // absent: 0, as in checkpoints before it existed
    if (field_grid > 0) j["field_grid"] = field_grid;
    return j;
  }
  static GmnConfig from_json(const nlohmann::json& j, const std::string& where);
  bool operator==(const GmnConfig& o) const {
    return hidden == o.hidden && blocks == o.blocks && out_dim == o.out_dim && value_scale == o.value_scale &&
           position_scale == o.position_scale && reference == o.reference && probe_grid == o.probe_grid &&
           field_grid == o.field_grid;
  }
};

class GmnEncoder {
 public:
  // Declares the parameters in `ps` under `prefix`.
  GmnEncoder(const GmnConfig& cfg, ParamSet& ps, const std::string& prefix = "enc.");
  // PyTorch-default initialisation (after ps.materialize()).
  void init(uint64_t seed) const;
  // -> z [g.main_graphs(), out_dim]: each graph's readout, minus its reference graph's
  // when the batch carries references (make_graph_batch with references).
  Var forward(const GraphBatch& g) const;
  const GmnConfig& config() const { return cfg_; }

 private:
  struct Block {
    LayerNorm ln_e, ln_n;    // ln_n unused in the last block
    Linear edge, res_e;      // edge: [h, 3h] over [h_src; h_dst; e]
    Linear msg, node, res_n; // node-updating blocks only: msg [h, 2h] over [h_src; e'], node [h, 2h] over [h; a]
    bool last = false;
  };
  GmnConfig cfg_;
  Linear n_layer_, n_order_, n_proj_, n_in_;
  Linear n_probe_;  // probe_grid > 0 only
  Linear f_read_;   // field_grid > 0 only
  Embedding n_type_;
  Linear e_val_, e_layer_, e_pos_, e_proj_, e_in_;
  Embedding e_type_;
  std::vector<Block> blocks_;
  LayerNorm ln_out_;
  Linear out_, readout_;
};

}  // namespace ws
