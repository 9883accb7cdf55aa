// Ray marching for many NeRFs at once, into nerfacc's packed layout (docs/design.md §4.2).
//
// Each NeRF b owns a block of max_samples (S) sample slots: x is [B, S, 3], so the fields
// evaluate every NeRF's block with its own weights. Its rays are taken in input order
// while their running sample total fits S; the rest are dropped (and counted, so a
// fitting loop can adapt its ray count, as nerfacc's does). A kept ray's samples are
// consecutive slots of its NeRF's block; the slots after a NeRF's last sample are
// padding: x = kPaddingX (outside the box, density 0), t = delta = 0, on no ray.
#pragma once
#include <vector>

#include "engine/tensor.h"
#include "models/render/march_kernels.h"

namespace ws {

struct MarchOptions {
  float step = kDefaultRenderStep;  // world distance between samples (directions are unit)
  int64_t max_samples = 1 << 16;    // S: sample slots per NeRF
  // Stratified training samples: ray i's sample grid starts at t_near + u step with
  // u = philox_uniform(seed, i) (one offset per ray, as nerfacc's stratified marching);
  // vary the seed per step.
  bool jitter = false;
  uint64_t seed = 0;
  // The caller built `nerf` non-decreasing in [0, B) itself: skip checking it (on a GPU
  // the check reads its answer back, a sync).
  bool trust_order = false;
};

struct SampleBatch {
  int64_t nerfs = 0, max_samples = 0;  // B, S
  Tensor x;                            // F32 [B, S, 3] unit-box positions
  Tensor t;                            // F32 [B*S] distance of each sample along its ray
  Tensor delta;                        // F32 [B*S] interval length (the step; 0 in padding)
  Tensor rays;                         // I32 [R', 2] kept ray -> (first slot in [0, B*S), sample count)
  Tensor ray_index;                    // I32 [R'] kept ray -> input ray; kept rays are in input order
  std::vector<int64_t> samples;        // [B] used slots per NeRF
  std::vector<int64_t> rays_in;        // [B] input rays per NeRF
  std::vector<int64_t> rays_kept;      // [B] of those, kept (a prefix of the NeRF's rays)

  int64_t kept() const { return rays.defined() ? rays.size(0) : 0; }
  int64_t dropped() const;
};

// origins, dirs F32 [R,3] (world; dirs unit length), nerf I32 [R] (the NeRF of each ray,
// non-decreasing in [0, B)), occupancy U8 [B, occupancy_bytes(res)] or undefined (every
// cell occupied); all on one device -> the samples, on that device. Reads the per-NeRF
// counts back (one host read) to size rays and fill the host vectors.
SampleBatch march(const Tensor& origins, const Tensor& dirs, const Tensor& nerf, int64_t nerfs,
                  const Tensor& occupancy, int res, const MarchOptions& opt);

// march() without the read back, for callers that keep every count on the device (the
// rendering loss): rays [R,2] and ray_index [R] list the kept rays first (as march()'s),
// then the dropped ones as (0, 0) with their input index; `kept` I32 [1] counts the kept.
struct PackedSamples {
  int64_t nerfs = 0, max_samples = 0;  // B, S
  Tensor x, t, delta;                  // as SampleBatch
  Tensor rays;                         // I32 [R, 2]
  Tensor ray_index;                    // I32 [R]
  Tensor kept;                         // I32 [1]: rows [0, kept) of rays are the kept rays
  Tensor groups;                       // U8 [B * sizeof(MarchGroup)]: per-NeRF counts
};
PackedSamples march_packed(const Tensor& origins, const Tensor& dirs, const Tensor& nerf, int64_t nerfs,
                           const Tensor& occupancy, int res, const MarchOptions& opt);

}  // namespace ws
