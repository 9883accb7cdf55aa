// A NeRF's function read at fixed points: the opacity and colour of its field at the centres
// of a g x g x g grid over the unit box. It needs no training and no encoder, and two NeRFs
// of one object agree on it whatever their architectures, so it is the functional baseline
// an embedding of the weights is measured against (`wsnerf embed --encoder field`).
#pragma once
#include <vector>

#include "models/nerf/nerf_file.h"

namespace ws {

// The probe points: cell centres of a g^3 grid over the unit box, x-major, F32 [g^3, 3].
Tensor field_signature_points(int g);

// B NeRFs of architecture a, each given by its flat parameters [encoding; mlp]
// (a.total_params() floats, NerfFile::flat_params order) -> F32 [B, 4 g^3] on the CPU: per
// point (x-major) the opacity of one grid cell, alpha = 1 - exp(-sigma * 1.4 / g) (sigma per
// world unit, a cell 1.4 / g world units wide), then alpha * rgb. Weighting colour by opacity
// makes empty space read as zero whatever colour the field happens to hold there.
Tensor field_signature(const ArchSpec& a, const std::vector<const float*>& flat_params, int g, Device d);
// The same for NeRF files of one architecture.
Tensor field_signature(const std::vector<NerfFile>& nerfs, int g, Device d);

}  // namespace ws
