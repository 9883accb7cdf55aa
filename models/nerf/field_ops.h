// Autograd ops of the NeRF fields (docs/design.md §3), each for B NeRFs of one architecture at
// once. Positions are unit-box coordinates x = (p + 0.7) / 1.4, F32 [B,S,3] (S samples
// per NeRF); they are data, so no op returns a gradient for them.
#pragma once
#include <utility>
#include <vector>

#include "engine/ops.h"
#include "kernels/hash_grid.h"
#include "models/nerf/arch.h"

namespace ws {

// x [..., 3] -> [..., 6*bands]: the frequency encoding, feature d*2n + 2k + s.
Tensor freq_encode(const Tensor& x, int bands);

// planes [B, 3*R*R*C] (each NeRF's [3,R,R,C]), x [B,S,3] -> [B,S,C], gradient to the planes.
Var triplane_sample(const Var& planes, const Tensor& x, int R, int C);

// The level table of a hash architecture (tcnn arithmetic, from ArchSpec::hash_level_table).
HashGridLevels hash_grid_levels(const ArchSpec& arch);
// tables [B, encoding_params] (each NeRF's [sum size_l, F]), x [B,S,3] -> [B,S,L*F].
Var hash_grid_encode(const Var& tables, const Tensor& x, const ArchSpec& arch);

// The MLP input of an architecture, built in one pass over column blocks: x [B,S,3],
// encoding [B, encoding_params] (undefined for the mlp family) -> [B,S,mlp_input_dim]
// = [frequency features, tri-plane or hash features, constant 1.0 padding].
Var field_input(const ArchSpec& arch, const Tensor& x, const Var& encoding);
// The columns of field_input that depend on the encoding: [begin, end) (empty for mlp).
std::pair<int64_t, int64_t> encoding_columns(const ArchSpec& arch);

enum class MlpActivation { Relu, Sine };  // sine: sin(z), no omega_0 inside

// Bias-free MLPs, one per NeRF: x [B,S,widths[0]], weights [B,P] (layer k stored (out,in)
// row-major, layers concatenated, P = sum widths[k]*widths[k+1]) -> [B,S,widths.back()].
// Hidden layers apply `act`, the last is linear. One batched GEMM per layer for all B.
// x's gradient is computed for columns [x_grad_begin, x_grad_end) only (default: all);
// the other columns are treated as constants (their gradient is 0), which spares the
// first layer's full input gradient when only the encoding's columns are trainable.
Var batched_mlp(const Var& x, const Var& weights, const std::vector<int>& widths, MlpActivation act,
                int64_t x_grad_begin = 0, int64_t x_grad_end = -1);

// o [B,S,K] (K >= 4, the first 4 used), x [B,S,3] -> [B,S,4]: rgb = sigmoid(o[0:3]),
// sigma = exp(o[3] - 1) inside the open unit box else 0 (gradient: trunc_exp's).
Var nerf_heads(const Var& o, const Tensor& x);

}  // namespace ws
