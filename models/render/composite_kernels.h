// Volume-rendering kernels, one ray per item (see composite.h for the op). Along a ray's
// samples i: tau_i = sigma_i delta_i, T_i = exp(-sum_{j<i} tau_j) (exclusive, as nerfacc's
// volrend.py), alpha_i = 1 - exp(-tau_i), w_i = T_i alpha_i; samples from the first one
// with T_i < early_stop on are dropped. colour = sum w_i rgb_i + (1 - sum w_i) bg.
//
// Backward, a reverse scan (the transpose of the forward prefix sum, as nerfacc's
// scan.cu): with a_i = g_colour . (rgb_i - bg) + g_opacity and S_k = sum_{i>k} w_i a_i,
//   d/d rgb_k = w_k g_colour,   d/d sigma_k = delta_k (T_{k+1} a_k - S_k),
//   d/d bg = g_colour (1 - sum w_i),   T_{k+1} = T_k - w_k.
#pragma once
#include <cmath>

#include "kernels/launch.h"

namespace ws {

constexpr float kEarlyStopTransmittance = 1e-4f;

struct CompositeRays {
  const float* rgb;     // [N,3]
  const float* sigma;   // [N]
  const float* delta;   // [N]
  const int32_t* rays;  // [R,2] (first sample, count)
  const float* bg;      // [R,3], or null when no colour is wanted
  int64_t n;            // R
  float early_stop;
};

// 1 - exp(-tau), accurate for small tau.
WS_HD inline float composite_alpha(float tau) { return -expm1f(-tau); }

// Ray r: colour [3] and opacity (each optional), and per sample the transmittance T_i
// (optional, for the backward) and weight w_i (optional). active[r] = samples used.
WS_HD inline void composite_ray_forward(const CompositeRays& in, int64_t r, float* color, float* opacity, float* trans,
                                        float* weights, int32_t* active) {
  int64_t start = in.rays[2 * r];
  int32_t count = in.rays[2 * r + 1], k = 0;
  float cum = 0.0f, total = 0.0f, c0 = 0.0f, c1 = 0.0f, c2 = 0.0f;
  for (; k < count; ++k) {
    float T = expf(-cum);
    if (T < in.early_stop) break;
    int64_t s = start + k;
    float tau = in.sigma[s] * in.delta[s], w = T * composite_alpha(tau);
    if (color) {
      c0 += w * in.rgb[3 * s];
      c1 += w * in.rgb[3 * s + 1];
      c2 += w * in.rgb[3 * s + 2];
    }
    total += w;
    cum += tau;
    if (trans) trans[s] = T;
    if (weights) weights[s] = w;
  }
  if (color) {
    float rest = 1.0f - total;
    color[3 * r] = c0 + rest * in.bg[3 * r];
    color[3 * r + 1] = c1 + rest * in.bg[3 * r + 1];
    color[3 * r + 2] = c2 + rest * in.bg[3 * r + 2];
  }
  if (opacity) opacity[r] = total;
  if (active) active[r] = k;
}

// Adds ray r's gradients into drgb [N,3], dsigma [N], dbg [R,3] (each optional). g_color
// [R,3] / g_opacity [R] may be null (no gradient reached that output).
WS_HD inline void composite_ray_backward(const CompositeRays& in, int64_t r, const float* trans, const int32_t* active,
                                         const float* opacity, const float* g_color, const float* g_opacity,
                                         float* drgb, float* dsigma, float* dbg) {
  int64_t start = in.rays[2 * r];
  float g0 = 0.0f, g1 = 0.0f, g2 = 0.0f, go = g_opacity ? g_opacity[r] : 0.0f;
  if (g_color) {
    g0 = g_color[3 * r];
    g1 = g_color[3 * r + 1];
    g2 = g_color[3 * r + 2];
  }
  float b0 = in.bg[3 * r], b1 = in.bg[3 * r + 1], b2 = in.bg[3 * r + 2];
  float after = 0.0f;  // S_k
  for (int32_t k = active[r] - 1; k >= 0; --k) {
    int64_t s = start + k;
    float T = trans[s], w = T * composite_alpha(in.sigma[s] * in.delta[s]);
    float a = g0 * (in.rgb[3 * s] - b0) + g1 * (in.rgb[3 * s + 1] - b1) + g2 * (in.rgb[3 * s + 2] - b2) + go;
    if (drgb) {
      drgb[3 * s] += w * g0;
      drgb[3 * s + 1] += w * g1;
      drgb[3 * s + 2] += w * g2;
    }
    if (dsigma) dsigma[s] += in.delta[s] * ((T - w) * a - after);
    after += w * a;
  }
  if (dbg) {
    float rest = 1.0f - opacity[r];
    dbg[3 * r] += g0 * rest;
    dbg[3 * r + 1] += g1 * rest;
    dbg[3 * r + 2] += g2 * rest;
  }
}

// Entry points. Outputs that are null are not computed. The backward ADDS into drgb,
// dsigma, dbg (the caller zeroes fresh gradients: slots on no ray get nothing).
void composite_forward(const CompositeRays& in, float* color, float* opacity, float* trans, float* weights,
                       int32_t* active, Device d);
void composite_backward(const CompositeRays& in, const float* trans, const int32_t* active, const float* opacity,
                        const float* g_color, const float* g_opacity, float* drgb, float* dsigma, float* dbg,
                        Device d);

#ifdef WS_CUDA
namespace cuda {
void composite_forward(const CompositeRays& in, float* color, float* opacity, float* trans, float* weights,
                       int32_t* active);
void composite_backward(const CompositeRays& in, const float* trans, const int32_t* active, const float* opacity,
                        const float* g_color, const float* g_opacity, float* drgb, float* dsigma, float* dbg);
}  // namespace cuda
#endif

}  // namespace ws
