// A batch of parameter graphs on one device: templates concatenated with node offsets,
// edge values from each NeRF's flat parameters. Edges stay sorted by destination, so
// the CSRs below serve the encoder's segment means and deterministic backward passes.
// Assembled on the device from the templates' device copies (device_graph.h, uploaded
// once per architecture): a batch costs two uploads (every graph's parameters in one
// buffer, and the small per-graph offsets) and no host read. Its CSRs are `checked`.
#pragma once
#include <string>
#include <vector>

#include "engine/ops.h"
#include "models/graph/param_graph.h"

namespace ws {

struct GraphBatch {
  int64_t graphs = 0, nodes = 0, edges = 0, statics = 0;
  Device device;
  std::vector<std::string> arch_names;  // per graph

  // Nodes: layer and order as F32 [N,1] (they feed sin features), type I32 [N].
  Tensor node_layer, node_order, node_type;
  Csr node_type_grouped;  // node_type's CSR over the kNodeTypeSlots types (embedding backward)
  // Probe features F32 [N, K] (node_probes.h), K = probe_grid^3; undefined when the batch
  // was built with probe_grid 0.
  Tensor node_probe;
  // Field signatures F32 [G, 4 f^3] (models/nerf/field_signature.h), f = field_grid; undefined
  // when the batch was built with field_grid 0.
  Tensor field_signature;
  // Edges: value F32 [E,1]; static_id I32 [E] into the distinct static tuples below.
  Tensor edge_value, static_id;
  // Distinct [layer, type, p0, p1, p2] of the templates in the batch: layer F32 [U,1],
  // type I32 [U], pos F32 [U,3].
  Tensor static_layer, static_type, static_pos;
  Csr static_type_grouped;  // static_type's CSR over the kEdgeTypeSlots types
  Tensor src, dst;       // I32 [E], global node ids
  Csr by_dst;            // offsets [N+1] over the edges (identity order)
  Csr by_src;            // offsets [N+1], perm [E]
  Csr by_static;         // offsets [U+1], perm [E]
  Csr edges_of_graph;    // offsets [G+1] (also on the host: host_offsets)
  Tensor edge_graph;     // I32 [E]: the graph of each edge
  Tensor inv_edge_count; // F32 [G]: 1 / edges of the graph (the readout's mean)
  Csr nodes_of_graph;    // offsets [G+1] (also on the host)
  // Reference graphs (GmnConfig::reference), appended after the NeRFs' graphs:
  // reference_of I32 [main] gives each NeRF's graph its reference graph (>= main), and
  // references_grouped is its CSR over the G graphs. Undefined without references.
  Tensor reference_of;
  Csr references_grouped;
  int64_t main_graphs() const { return reference_of.defined() ? reference_of.numel() : graphs; }
};

// What a batch computes beyond the graphs, from each graph's parameters on the host (one
// upload each): node_probe at the probe_grid^3 cell centres of the unit box when
// probe_grid > 0, field_signature on a field_grid^3 grid when field_grid > 0.
struct GraphExtras {
  int probe_grid = 0, field_grid = 0;
};

// One graph per (template, params) pair; params in the template's order [encoding; mlp]
// (template.edges floats each).
GraphBatch make_graph_batch(const std::vector<const GraphTemplate*>& templates,
                            const std::vector<const float*>& params, Device d, const GraphExtras& extras = {});
// The same plus a reference graph per NeRF (references[i]: NeRF i's reference values in
// its template's order). NeRFs whose references are one pointer share one graph.
GraphBatch make_graph_batch(const std::vector<const GraphTemplate*>& templates, const std::vector<const float*>& params,
                            const std::vector<const float*>& references, Device d, const GraphExtras& extras = {});

}  // namespace ws
