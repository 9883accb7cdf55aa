#include "kernels/triplane.h"

#include <algorithm>

namespace ws {

void triplane_forward(const float* planes, const float* x, int64_t B, int64_t S, int R, int C, float* out, int64_t ld,
                      Device d) {
  WS_DISPATCH_CUDA(d, cuda::triplane_forward(planes, x, B, S, R, C, out, ld));
  const int64_t plane_size = int64_t(R) * R * C;
  parallel_chunks(
      B * S,
      [=](int64_t begin, int64_t end) {
        for (int64_t i = begin; i < end; ++i) {
          const float* p = x + i * 3;
          PlaneTaps taps[3];
          for (int pl = 0; pl < 3; ++pl) plane_taps(pl, p[0], p[1], p[2], R, taps[pl]);
          const float* planes_b = planes + (i / S) * 3 * plane_size;
          float* o = out + i * ld;
#pragma omp simd
          for (int c = 0; c < C; ++c) o[c] = triplane_channel(planes_b, taps, plane_size, C, c);
        }
      },
      1024);
}

void triplane_backward(const float* x, const float* g, int64_t ld, int64_t B, int64_t S, int R, int C, float* gplanes,
                       bool accumulate, Device d) {
  WS_DISPATCH_CUDA(d, cuda::triplane_backward(x, g, ld, B, S, R, C, gplanes, accumulate));
  const int64_t plane_size = int64_t(R) * R * C;
#pragma omp parallel for schedule(dynamic, 1) if (B * S * C > 16384)
  for (int64_t task = 0; task < B * 3; ++task) {
    const int64_t b = task / 3;
    const int pl = int(task % 3);
    float* gp = gplanes + task * plane_size;
    if (!accumulate) std::fill(gp, gp + plane_size, 0.0f);
    for (int64_t s = 0; s < S; ++s) {
      const int64_t i = b * S + s;
      const float* p = x + i * 3;
      PlaneTaps t;
      plane_taps(pl, p[0], p[1], p[2], R, t);
      const float* gi = g + i * ld;
      for (int k = 0; k < 4; ++k) {
        if (t.w[k] == 0.0f) continue;
        float* dst = gp + int64_t(t.cell[k]) * C;
        const float w = t.w[k];
#pragma omp simd
        for (int c = 0; c < C; ++c) dst[c] = fmaf(w, gi[c], dst[c]);
      }
    }
  }
}

}  // namespace ws
