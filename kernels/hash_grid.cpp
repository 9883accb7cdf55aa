#include "kernels/hash_grid_impl.h"

#include <algorithm>

namespace ws {

void hash_grid_forward(const HashGridLevels& g, const float* tables, int64_t table_stride, const float* x, int64_t B,
                       int64_t S, float* out, int64_t ld, Device d) {
  WS_DISPATCH_CUDA(d, cuda::hash_grid_forward(g, tables, table_stride, x, B, S, out, ld));
  hash_grid_forward_items<CpuExec>(g, tables, table_stride, x, B, S, out, ld);
}

void hash_grid_backward(const HashGridLevels& g, const float* x, const float* g_out, int64_t ld, int64_t B, int64_t S,
                        float* gtables, int64_t table_stride, bool accumulate, Device d) {
  WS_DISPATCH_CUDA(d, cuda::hash_grid_backward(g, x, g_out, ld, B, S, gtables, table_stride, accumulate));
  const int L = g.levels, F = g.features;
#pragma omp parallel for schedule(dynamic, 1) if (B * S * L > 16384)
  for (int64_t task = 0; task < B * L; ++task) {
    const int64_t b = task / L;
    const int l = int(task % L);
    float* gl = gtables + b * table_stride + int64_t(g.offset[l]) * F;
    if (!accumulate) std::fill(gl, gl + int64_t(g.size[l]) * F, 0.0f);
    for (int64_t s = 0; s < S; ++s) {
      const int64_t i = b * S + s;
      HashCorners c;
      hash_corners(g, l, x + i * 3, c);
      const float* gi = g_out + i * ld + l * F;
      for (int k = 0; k < 8; ++k)
        for (int f = 0; f < F; ++f) {
          float* dst = gl + int64_t(c.entry[k]) * F + f;
          *dst = fmaf(c.w[k], gi[f], *dst);
        }
    }
  }
}

}  // namespace ws
