// The bodies of hash_grid.h, written once over the launcher (CPU in hash_grid.cpp,
// CudaExec in hash_grid.cu): docs/design.md §2.4.
#pragma once
#include "kernels/hash_grid.h"

namespace ws {

// One item per (sample, level), shared by both launchers.
template <class Exec>
void hash_grid_forward_items(const HashGridLevels& g, const float* tables, int64_t table_stride, const float* x,
                             int64_t B, int64_t S, float* out, int64_t ld) {
  const int L = g.levels, F = g.features;
  Exec::for_n(B * S * L, [=] WS_HD(int64_t j) {
    int64_t i = j / L;
    int l = int(j % L);
    hash_level_features(g, l, tables + (i / S) * table_stride, x + i * 3, out + i * ld + l * F);
  });
}

}  // namespace ws
