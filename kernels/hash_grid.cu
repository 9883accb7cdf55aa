#include "core/allocator.h"
#include "kernels/hash_grid_impl.h"
#include "kernels/launch_cuda.cuh"

namespace ws::cuda {

void hash_grid_forward(const HashGridLevels& g, const float* tables, int64_t table_stride, const float* x, int64_t B,
                       int64_t S, float* out, int64_t ld) {
  hash_grid_forward_items<CudaExec>(g, tables, table_stride, x, B, S, out, ld);
}

void hash_grid_backward(const HashGridLevels& g, const float* x, const float* g_out, int64_t ld, int64_t B, int64_t S,
                        float* gtables, int64_t table_stride, bool accumulate) {
  if (!accumulate)
    for (int64_t b = 0; b < B; ++b)
      zero_bytes(gtables + b * table_stride, current_cuda_device(), size_t(g.entries * g.features) * sizeof(float));
  const int L = g.levels, F = g.features;
  // atomicAdd: a corner's table entry depends on the sample's position (and on the hash),
  // so several samples may add into one entry; the order of those adds is not fixed.
  CudaExec::for_n(B * S * L, [=] __device__(int64_t j) {
    int64_t i = j / L;
    int l = int(j % L);
    HashCorners c;
    hash_corners(g, l, x + i * 3, c);
    float* gl = gtables + (i / S) * table_stride + int64_t(g.offset[l]) * F;
    const float* gi = g_out + i * ld + l * F;
    for (int k = 0; k < 8; ++k)
      for (int f = 0; f < F; ++f) atomicAdd(gl + int64_t(c.entry[k]) * F + f, c.w[k] * gi[f]);
  });
}

}  // namespace ws::cuda
