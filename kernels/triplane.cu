#include "core/allocator.h"
#include "kernels/launch_cuda.cuh"
#include "kernels/triplane.h"

namespace ws::cuda {

void triplane_forward(const float* planes, const float* x, int64_t B, int64_t S, int R, int C, float* out, int64_t ld) {
  const int64_t plane_size = int64_t(R) * R * C;
  // One thread per (sample, channel): the taps are recomputed per channel, which costs
  // less than the memory traffic it would save.
  CudaExec::for_n(B * S * C, [=] __device__(int64_t j) {
    int64_t i = j / C;
    int c = int(j % C);
    const float* p = x + i * 3;
    PlaneTaps taps[3];
    for (int pl = 0; pl < 3; ++pl) plane_taps(pl, p[0], p[1], p[2], R, taps[pl]);
    out[i * ld + c] = triplane_channel(planes + (i / S) * 3 * plane_size, taps, plane_size, C, c);
  });
}

void triplane_backward(const float* x, const float* g, int64_t ld, int64_t B, int64_t S, int R, int C, float* gplanes,
                       bool accumulate) {
  const int64_t plane_size = int64_t(R) * R * C;
  if (!accumulate) zero_bytes(gplanes, current_cuda_device(), size_t(B * 3 * plane_size) * sizeof(float));
  // atomicAdd: which cells a sample touches depends on its position (data-dependent
  // targets), so the sum order is not fixed on the GPU.
  CudaExec::for_n(B * S * C, [=] __device__(int64_t j) {
    int64_t i = j / C;
    int c = int(j % C);
    const float* p = x + i * 3;
    const float gv = g[i * ld + c];
    float* gb = gplanes + (i / S) * 3 * plane_size;
    for (int pl = 0; pl < 3; ++pl) {
      PlaneTaps t;
      plane_taps(pl, p[0], p[1], p[2], R, t);
      for (int k = 0; k < 4; ++k)
        if (t.w[k] != 0.0f) atomicAdd(gb + pl * plane_size + int64_t(t.cell[k]) * C + c, t.w[k] * gv);
    }
  });
}

}  // namespace ws::cuda
