// The graph network's two fused ops (docs/design.md §2.6, "concat-linear decomposition").
//
// Linear([h_src; h_dst; e]) = (A h)[src] + (B h)[dst] + C e: nodes are projected once
// per layer (a small GEMM) and gathered per edge, so the per-edge GEMM is C e alone.
// edge_linear computes act(x w^T + b + sum of gathered node rows + residual) in one
// output buffer; its backward sums the gathered rows' gradients per node through the
// CSR of the gather index (deterministic).
//
// The readout mean over a graph's edges of ReLU(Lin(e)) is computed in row tiles,
// keeping only a bit mask for the backward instead of the [E, out] activation.
#pragma once
#include <vector>

#include "engine/ops.h"

namespace ws {

struct EdgeGather {
  Var table;            // [T, C]: one row per node (or static tuple)
  Tensor index;         // I32 [E]: which row each edge takes
  Csr grouped;          // the CSR of index (segment t = edges taking row t) for a deterministic
                        // backward; undefined offsets: an atomic scatter-add instead
};

// x [E,K], w [C,K], b [C] (optional), at most two gathers, residual [E,C] (optional)
// -> [E,C] = act(x w^T + b + sum_i table_i[index_i] + residual), act = ReLU or identity.
Var edge_linear(const Var& x, const Var& w, const Var& b, const std::vector<EdgeGather>& gathers,
                const Var& residual, bool relu);

// relu(x w^T + b) in one pass over the output, its backward masking in place: x [M,K],
// w [C,K], b [C] -> [M,C]. An edge_linear without gathers (its time shows under that name).
inline Var linear_relu(const Var& x, const Var& w, const Var& b) { return edge_linear(x, w, b, {}, Var(), true); }

// x [E,K], w [C,K], b [C]; rows of graph g are graphs.offsets[g] .. [g+1]-1, edge_graph I32 [E]
// their graph ids, inv_count F32 [G] = 1 / rows per graph -> z [G,C] = per-graph mean of relu(x w^T + b).
Var readout_relu_mean(const Var& x, const Var& w, const Var& b, const Csr& graphs, const Tensor& edge_graph,
                      const Tensor& inv_count);

}  // namespace ws
