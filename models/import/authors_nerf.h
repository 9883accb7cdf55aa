// One of the authors' released NeRFs (CVLAB-Unibo/gmnerf; docs/design.md §3.8) -> a
// wsnerf NeRF file, without PyTorch.
//   nerf_weights.pth  state dict of a tiny-cuda-nn NeRF: mlp_base.params [P] (the MLP in
//                     our layout), triplane [3,R,R,C] (tri) or encoding.params [N] (hash
//                     tables in our layout; [0] for the other families, dropped).
//   grid.pth          nerfacc 0.3.5 OccupancyGrid state: _roi_aabb [6] (the +-0.7 box),
//                     resolution [3], _binary bool [R,R,R] (dense or sparse COO; cell
//                     ix*R^2 + iy*R + iz, our order), occs (ignored).
// The architecture comes from the tensor shapes alone (the 13 built-in ones all differ),
// never from the folder a file sits in. F16, BF16 and F64 weights are converted to F32.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "data/torch_checkpoint.h"
#include "models/nerf/arch.h"
#include "models/nerf/nerf_file.h"

namespace ws {

// The one candidate with the checkpoint's shapes. A missing, extra or misshapen tensor,
// no match or several matches are errors naming the file, the shapes and the candidates.
const ArchSpec& identify_authors_arch(const TorchCheckpoint& weights, const std::vector<ArchSpec>& candidates);

struct AuthorsGrid {
  int res = 0;
  std::vector<uint8_t> bits;  // U8 [occupancy_bytes(res)], models/nerf/occupancy_bits.h
  int64_t occupied = 0;       // cells set
};
// The grid's cells as our bit layout; a box other than +-0.7, a non-cubic or out-of-range
// resolution, or a _binary of another shape is an error naming the file.
AuthorsGrid read_authors_grid(const TorchCheckpoint& grid);

// Both files -> a NerfFile with nerfacc's render step (1.4 sqrt(3) / 1024) and the
// statistic "source_dtype" (the weights' dtype in the file); object, class and other
// statistics are left to the caller. Non-finite weights are errors naming the file and
// the tensor.
NerfFile import_authors_nerf(const std::string& weights_path, const std::string& grid_path,
                             const std::vector<ArchSpec>& candidates = builtin_archs());

}  // namespace ws
