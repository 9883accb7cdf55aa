// The differentiable volume-rendering op over packed samples (layout of march.h).
#pragma once
#include "engine/autograd.h"
#include "models/render/composite_kernels.h"

namespace ws {

struct Composited {
  Var color;    // [R,3]
  Var opacity;  // [R]: accumulated weight sum_i w_i
};

// rgb F32 [N,3] (or [B,S,3], N = B*S), sigma F32 with N elements ([N] or [B,S]), delta F32
// [N] (no gradient), rays I32 [R,2] (first sample, count; rays cover disjoint samples, the
// others are ignored), background F32 [R,3] -> colour and opacity (see composite_kernels.h
// for the formulas and the early stop). Gradients reach rgb, sigma and background.
// The ray layout is checked against N on the CPU; on the GPU it is trusted (march()
// builds it; a check would cost a device round trip per step).
Composited composite(const Var& rgb, const Var& sigma, const Tensor& delta, const Tensor& rays, const Var& background,
                     float early_stop = kEarlyStopTransmittance);

// Forward only: the weight w_i of every sample, F32 [N] (0 after the early stop and on
// samples of no ray), for occupancy and decoder code that needs per-sample weights.
Tensor composite_weights(const Tensor& sigma, const Tensor& delta, const Tensor& rays,
                         float early_stop = kEarlyStopTransmittance);

}  // namespace ws
