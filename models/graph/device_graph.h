// A graph template's arrays on a device, validated once when they are built (every index
// in range, the CSRs consistent with the edges), so batches assembled from them on the
// device (graph_batch.h) need no per-step checks or uploads. Templates that
// graph_template() returns are uploaded once per device and kept; others (tests,
// permute_nodes) are uploaded on each call.
#pragma once
#include <memory>

#include "engine/tensor.h"
#include "models/graph/param_graph.h"

namespace ws {

// Positions grouped by a key, stable: offsets I32 [keys+1], perm I32 [n] (the positions in
// key order), key I32 [n] (the key of each listed position).
struct KeyGrouping {
  Tensor offsets, perm, key;
  int64_t keys() const { return offsets.numel() - 1; }
};

struct DeviceGraph {
  int64_t nodes = 0, edges = 0, statics = 0;
  Tensor node_layer, node_order;  // F32 [n,1]
  Tensor node_type;               // I32 [n]
  Tensor src, dst, param_index, static_id, src_perm;  // I32 [e]
  Tensor dst_offsets, src_offsets;                    // I32 [n+1]
  Tensor static_layer, static_type, static_pos;       // F32 [U,1], I32 [U], F32 [U,3]
  KeyGrouping edges_by_static;   // edges by static_id (U keys)
  KeyGrouping nodes_by_type;     // nodes by type (kNodeTypeSlots keys)
  KeyGrouping statics_by_type;   // static tuples by edge type (kEdgeTypeSlots keys)
};

// Fails naming the architecture and the broken invariant (tests feed it broken templates).
void validate_template(const GraphTemplate& t);
// The template on d: validated and uploaded on first use (cached for graph_template()'s).
std::shared_ptr<const DeviceGraph> device_graph(const GraphTemplate& t, Device d);

}  // namespace ws
