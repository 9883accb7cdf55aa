// Kernels behind the graph network's fused ops (models/gmn/): the per-edge sum of
// gathered node projections, bias and residual that a decomposed concat-linear needs,
// and the masked row expansion of the readout's backward.
#pragma once
#include "kernels/launch.h"

namespace ws {

// Up to two row gathers: out[e, :] += table[idx[e], :].
struct RowGather {
  const float* table = nullptr;  // [T, C]
  const int32_t* idx = nullptr;  // [E]
};

// out[E,C] = bias[c] + g0.table[g0.idx[e], c] + g1.table[...] + residual[e, c]
// (absent terms are null pointers and contribute nothing).
void edge_terms(float* out, int64_t E, int64_t C, const float* bias, RowGather g0, RowGather g1,
                const float* residual, Device d);

// Readout forward, one tile of rows: y[R,C] = relu(y) in place, bits[R, ceil(C/8)] of
// y > 0 written (the backward's mask).
void relu_mask_bits(float* y, uint8_t* bits, int64_t R, int64_t C, Device d);
// Readout backward, one tile: g[r, c] = mask(r, c) ? gz[graph[r], c] * inv_count[graph[r]] : 0.
void masked_graph_rows(const uint8_t* bits, const float* gz, const int32_t* graph, const float* inv_count,
                       float* g, int64_t R, int64_t C, Device d);

#ifdef WS_CUDA
namespace cuda {
void edge_terms(float* out, int64_t E, int64_t C, const float* bias, RowGather g0, RowGather g1, const float* residual);
void relu_mask_bits(float* y, uint8_t* bits, int64_t R, int64_t C);
void masked_graph_rows(const uint8_t* bits, const float* gz, const int32_t* graph, const float* inv_count, float* g,
                       int64_t R, int64_t C);
}  // namespace cuda
#endif

}  // namespace ws
