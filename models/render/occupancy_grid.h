// Occupancy grids of B NeRFs (nerfacc's OccGridEstimator, one level, over the unit box):
// per NeRF a float grid of res^3 cells (an EMA of density * step) and its binary version
// in the layout of occupancy_bits.h, which marching reads.
#pragma once
#include <functional>
#include <vector>

#include "engine/tensor.h"
#include "models/nerf/occupancy_bits.h"
#include "models/render/ray_box.h"

namespace ws {

struct OccupancyOptions {
  int res = kDefaultOccupancyRes;
  int update_every = 16;            // n: update when step % n == 0
  int warmup_steps = 256;           // before this step every cell is updated
  float decay = 0.95f;              // EMA: value = max(value * decay, new)
  float threshold = 0.01f;          // occupied: value > min(mean of the NeRF's grid, threshold)
  float step = kDefaultRenderStep;  // new = density * step (the marching step)
  uint64_t seed = 0;
  int64_t max_points = 1 << 20;     // per density call, all NeRFs together
};

class OccupancyGrid {
 public:
  // x F32 [B, S', 3] unit-box points -> density F32 [B, S'] (any shape of B*S' elements),
  // on the grid's device. Called a few times per update, never per sample; the caller
  // runs its field under a NoGradGuard.
  using DensityFn = std::function<Tensor(const Tensor& x)>;

  // All cells start empty (values 0, bits 0), as nerfacc's.
  OccupancyGrid(int64_t nerfs, Device device, const OccupancyOptions& opt = OccupancyOptions());

  // Every update_every steps: cells chosen as occupancy_kernels.h says (all of them before
  // warmup_steps), one random point each, value = max(value * decay, density * step),
  // then the bits. Returns whether this step updated.
  bool update(int64_t step, const DensityFn& density);
  // Every cell of every NeRF occupied (e.g. rendering without a fitted grid).
  void mark_all();
  // [B] fraction of occupied cells per NeRF.
  std::vector<float> occupied_fraction() const;

  // One NeRF's bits (occupancy_bytes(res) bytes), for files. set_bits also resets that
  // NeRF's float grid to 0: files keep only bits, so an update after loading rebuilds it.
  std::vector<uint8_t> get_bits(int64_t nerf) const;
  void set_bits(int64_t nerf, const std::vector<uint8_t>& bits);

  const Tensor& bits() const { return bits_; }      // U8 [B, occupancy_bytes(res)]
  const Tensor& values() const { return values_; }  // F32 [B, res^3]
  int64_t nerfs() const { return nerfs_; }
  int res() const { return opt_.res; }
  Device device() const { return bits_.device(); }
  const OccupancyOptions& options() const { return opt_; }

 private:
  void check_nerf(const char* what, int64_t nerf) const;

  int64_t nerfs_;
  OccupancyOptions opt_;
  int64_t cells_, bytes_, blocks_;
  Tensor values_, bits_;
};

}  // namespace ws
