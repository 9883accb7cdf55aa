// The SigLIP contrastive loss (docs/design.md §7.4): row i of a and b embed one object in two
// architectures. l_ij = e^{t'} <a_i/|a_i|, b_j/|b_j|> + bias, z_ij = +1 on the
// diagonal, -1 elsewhere, L = -(1/n) sum_ij log sigmoid(z_ij l_ij). t' starts at log 10,
// bias at -10; both are learned.
#pragma once
#include <string>
#include <vector>

#include "engine/ops.h"

namespace ws {

constexpr float kSiglipInitLogT = 2.302585093f;  // log 10
constexpr float kSiglipInitBias = -10.0f;

// a [n, D], b [n, D], log_t [1], bias [1] -> [1]
Var siglip_loss(const Var& a, const Var& b, const Var& log_t, const Var& bias);

// Batch centring of the contrastive view (train.contrastive_centring "batch"): each row
// minus the mean of the batch rows of its group (its architecture), gradient through
// both. A briefly trained encoder gives every NeRF of an architecture nearly the same
// embedding (cosine 1.000), so SigLIP on raw rows only sees that common vector; centred,
// it sees the objects (the evaluations centre the same way, models/eval/eval_sets.h).
// A group of one row becomes zero. z [B, D], group [B] -> [B, D].
Var centre_by_group(const Var& z, const std::vector<std::string>& group);

}  // namespace ws
