// Parameter graphs (docs/design.md §5): one node per neuron / tri-plane cell / hash entry,
// one directed edge per parameter. The topology and integer features depend only on the
// architecture, so each architecture has one cached template; a NeRF's graph is the
// template plus its flat parameter vector as edge values.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "models/nerf/arch.h"

namespace ws {

// Node types (18 slots) and edge types (15 slots), as the authors number them.
enum NodeType : int32_t { kNodeNeuron = 0, kNodeBias = 1, kNodeTriPlane = 16, kNodeHash = 17 };
enum EdgeType : int32_t { kEdgeWeight = 0, kEdgeBias = 1, kEdgeTriPlane = 13, kEdgeHash = 14 };
constexpr int kNodeTypeSlots = 18, kEdgeTypeSlots = 15;

// The edge features other than the value: [layer, type, p0, p1, p2]. Many edges share
// them (every MLP weight of one layer), so a template stores each distinct tuple once.
struct EdgeStatic {
  int32_t layer, type;
  float pos[3];
  bool operator<(const EdgeStatic& o) const;
};

struct GraphTemplate {
  ArchSpec arch;
  int64_t nodes = 0, edges = 0;
  // Nodes [N]: features [layer, order, type].
  std::vector<int32_t> node_layer, node_order, node_type;
  // Edges [E], sorted by destination (stable: builder order within a destination).
  std::vector<int32_t> src, dst;
  std::vector<int32_t> param_index;  // edge value = params[param_index[e]], params = [encoding; mlp]
  std::vector<int32_t> static_id;    // index into statics
  std::vector<EdgeStatic> statics;   // distinct [layer, type, p0, p1, p2] tuples
  // CSR by destination (offsets into the sorted edges) and by source (offsets + perm).
  std::vector<int32_t> dst_offsets, src_offsets, src_perm;
  std::vector<int> layer_widths;     // MLP widths [in_padded, hidden..., 16]
  // The neuron node of each MLP column, per layer of widths: [0] the MLP's inputs (the
  // encoding's output columns, then padding), then each hidden layer, then the 16 outputs.
  // Node probes (node_probes.h) use it to put an activation on its node.
  std::vector<std::vector<int32_t>> mlp_nodes;
  std::map<std::string, int64_t> node_counts, edge_counts;  // by type name

  // Per-edge features in the authors' layout [value, layer, type, p0, p1, p2], [E,6].
  std::vector<float> edge_features(const std::vector<float>& params) const;
};

// The cached template of an architecture (built on first use; thread-safe). Such
// templates live as long as the program, so their device copies are cached too
// (device_graph.h).
const GraphTemplate& graph_template(const ArchSpec& arch);
// True for a template graph_template() returned.
bool is_shared_template(const GraphTemplate* t);
// Builds without the cache (tests).
GraphTemplate build_graph_template(const ArchSpec& arch);

// The same graph with node n renamed perm[n] (edges re-sorted by destination; each
// edge keeps its parameter). The encoder's output must not change: tests use this.
GraphTemplate permute_nodes(const GraphTemplate& g, const std::vector<int32_t>& perm);

const char* node_type_name(int32_t t);
const char* edge_type_name(int32_t t);

}  // namespace ws
