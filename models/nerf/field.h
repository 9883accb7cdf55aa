// NeRF fields (docs/design.md §3): B NeRFs of one architecture held and evaluated together,
// which is how fitting and teacher rendering use them (no launch per NeRF).
#pragma once
#include "engine/params.h"
#include "models/nerf/arch.h"
#include "models/nerf/field_ops.h"

namespace ws {

struct FieldBatch {
  ArchSpec arch;
  int64_t B = 0;
  // One slab for the optimizer: "encoding" [B, encoding_params] (tri, hash), then
  // "mlp" [B, mlp_params]. Copies of a FieldBatch share the parameters.
  ParamSet params;
  Var mlp;       // [B, P_mlp]: layer k stored (out,in) row-major, layers concatenated
  Var encoding;  // [B, P_enc]: planes [3,R,R,C] or hash tables [sum size_l, F]; undefined for mlp
  Device device() const { return mlp.device(); }
};

// Declares and materializes the parameters of B NeRFs on d (values uninitialised).
FieldBatch make_field_batch(const ArchSpec& arch, int64_t B, Device d);
// The authors' initialisation of NeRF b, drawn from Philox (seed, stream), so a NeRF's
// start does not depend on the batch it is in: ReLU MLPs Xavier-uniform per layer
// (tcnn, U(+-sqrt(6 / (fan_in + fan_out)))); the tri family's sine MLP U(+-30/fan_in)
// for the first matrix and U(+-sqrt(6/fan_in)) for the others; planes N(0, 0.001^2);
// hash tables U(+-1e-4).
void init_field(FieldBatch& f, int64_t b, uint64_t seed, uint64_t stream);
// make_field_batch + init_field(b, seed, stream b) for every NeRF.
FieldBatch init_field_batch(const ArchSpec& arch, int64_t B, uint64_t seed, Device d);

MlpActivation field_activation(const ArchSpec& arch);  // sine for tri, ReLU otherwise

// x [B,S,3] unit-box positions -> [B,S,4] = (rgb, sigma), differentiable w.r.t. the
// parameters: encoding -> MLP (16 output rows, the first 4 used) -> heads.
// Padding samples (to give every NeRF the same S) belong just outside the box, e.g.
// x = -1: sigma is 0 there. Far-away coordinates (|x| > ~2) are legal but their
// high frequency bands are rounding noise (arguments beyond ws_sinf's 2^49 range).
Var field_raw(const ArchSpec& arch, const Var& mlp, const Var& encoding, const Tensor& x);
inline Var field_raw(const FieldBatch& f, const Tensor& x) { return field_raw(f.arch, f.mlp, f.encoding, x); }

}  // namespace ws
