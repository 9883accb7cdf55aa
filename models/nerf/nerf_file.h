// The NeRF file (docs/design.md §3.7), a safetensors file:
//   mlp_base.params  F32 [P]            the MLP, layer k (out,in) row-major, concatenated
//   triplane         F32 [3,R,R,C]      (tri)   or
//   encoding.params  F32 [N]            (hash: tables [sum size_l, F] flattened)
//   occupancy        U8  [ceil(res^3/8)] bit-packed grid (models/nerf/occupancy_bits.h)
//   __metadata__     format "wsnerf.nerf/1", arch (the spec JSON as a string),
//                    render_step, object, class, occupancy_res (when not 96), and fit
//                    statistics such as psnr_heldout, fit_steps, init_seed and
//                    init_stream (the Philox seed and stream of the starting weights).
// The tensor names match the authors' nerf_weights.pth keys.
#pragma once
#include <string>
#include <vector>

#include "engine/safetensors.h"
#include "models/nerf/arch.h"
#include "models/nerf/field.h"

namespace ws {

constexpr const char* kNerfFormat = "wsnerf.nerf/1";

// The marching step's range: a ray crosses the unit box's diagonal in at most
// 2 sqrt(3) / step samples, so a smaller step makes rendering take unbounded time and memory.
constexpr float kMinRenderStep = 1e-5f, kMaxRenderStep = 1.0f;

struct NerfFile {
  ArchSpec arch;
  Tensor mlp;        // F32 [P_mlp], on the CPU
  Tensor encoding;   // F32 [3,R,R,C] (tri) or [N] (hash); undefined for the mlp family
  Tensor occupancy;  // U8 [occupancy_bytes(occupancy_res)]
  int occupancy_res = 96;
  float render_step = 0.0f;  // the marching step the NeRF was fitted with
  std::string object, cls;   // "class/id"-style identity: object id and class name
  Metadata stats;            // every other metadata value: psnr_heldout, fit_steps, ...

  // [encoding; mlp]: the order of the parameter graph's edge values (models/graph).
  std::vector<float> flat_params() const;
  // The weights the fit started from, in flat_params() order: init_field(seed, stream)
  // with the "init_seed" and "init_stream" statistics `wsnerf fit` records (NeRFs of one
  // architecture fitted with fit.shared_init share them). Throws, naming `where`, when
  // the file does not record them (fitted before they were recorded, or elsewhere).
  bool records_init() const;
  std::vector<float> initial_flat_params(const std::string& where) const;
  // Throws, naming `where`, when a tensor's presence, dtype or shape disagrees with arch.
  void validate(const std::string& where) const;
};

// Reads and validates a NeRF file; every problem is a ws::Error naming the file.
NerfFile load_nerf(const std::string& path);
// Validates, then writes atomically.
void save_nerf(const std::string& path, const NerfFile& nerf);

// B files of one architecture (same shape) -> a FieldBatch on d holding their parameters.
FieldBatch field_batch_from(const std::vector<NerfFile>& files, Device d);
// NeRF b of a batch -> nerf.arch, nerf.mlp and nerf.encoding (copied to the CPU); the
// occupancy grid and the metadata are left to the caller.
void store_field(const FieldBatch& f, int64_t b, NerfFile& nerf);

}  // namespace ws
