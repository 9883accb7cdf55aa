// CPU layer norm: one row at a time, the row staying in L1 across its passes; the
// backward fuses dx with the parameter-gradient partials of its row block.
#include "kernels/layer_norm.h"

#include <cmath>

#include "core/allocator.h"
#include "kernels/reduce_impl.h"

namespace ws {

namespace {
// sum_{c<C} f(c) with 8 interleaved accumulators: independent chains the compiler turns
// into SIMD lanes (one running sum would serialise the loop). The order is fixed.
constexpr int kLanes = 8;
template <class F>
inline float lane_sum(int64_t C, F f) {
  float acc[kLanes] = {};
  int64_t c = 0;
  for (; c + kLanes <= C; c += kLanes)
    for (int k = 0; k < kLanes; ++k) acc[k] += f(c + k);
  for (int k = 0; c < C; ++c, ++k) acc[k] += f(c);
  return ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7]));
}

// Rows per parallel chunk so that a chunk holds about kParallelGrain elements.
int64_t row_grain(int64_t C) { return C > 0 && C < kParallelGrain ? kParallelGrain / C : 1; }
}  // namespace

void layer_norm_forward(const float* x, const float* gamma, const float* beta, float* y, float* mean, float* rstd,
                        int64_t R, int64_t C, float eps, Device d) {
  WS_DISPATCH_CUDA(d, cuda::layer_norm_forward(x, gamma, beta, y, mean, rstd, R, C, eps));
  float inv_c = 1.0f / float(C);
  parallel_chunks(R, [=](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) {
      const float* __restrict__ xr = x + r * C;
      float* __restrict__ yr = y + r * C;
      float m = lane_sum(C, [=](int64_t c) { return xr[c]; }) * inv_c;
      float var = lane_sum(C, [=](int64_t c) { float t = xr[c] - m; return t * t; }) * inv_c;
      float rs = 1.0f / std::sqrt(var + eps);
      mean[r] = m;
      rstd[r] = rs;
      for (int64_t c = 0; c < C; ++c) yr[c] = norm_affine(xr[c], m, rs, gamma[c], beta[c]);
    }
  }, row_grain(C));
}

void layer_norm_backward(const float* x, const float* gamma, const float* mean, const float* rstd, const float* dy,
                         GradOut dx, GradOut dgamma, GradOut dbeta, int64_t R, int64_t C, Device d) {
  WS_DISPATCH_CUDA(d, cuda::layer_norm_backward(x, gamma, mean, rstd, dy, dx, dgamma, dbeta, R, C));
  int64_t nb = (R + kReduceBlockRows - 1) / kReduceBlockRows;
  bool params = dgamma.ptr || dbeta.ptr;
  // partial [2, nb, C]: per row block, the sums of dy x̂ (for gamma) and of dy (for beta)
  ScratchBuffer partials(params ? size_t(2 * nb * C) * sizeof(float) : 0, Device::cpu());
  float* partial = partials.as<float>();
  float inv_c = 1.0f / float(C);
  parallel_chunks(nb, [=](int64_t b0, int64_t b1) {
    for (int64_t b = b0; b < b1; ++b) {
      float* __restrict__ pg = params ? partial + b * C : nullptr;
      float* __restrict__ pb = params ? partial + (nb + b) * C : nullptr;
      if (params)
        for (int64_t c = 0; c < C; ++c) pg[c] = pb[c] = 0.0f;
      int64_t r_end = (b + 1) * kReduceBlockRows < R ? (b + 1) * kReduceBlockRows : R;
      for (int64_t r = b * kReduceBlockRows; r < r_end; ++r) {
        const float* __restrict__ xr = x + r * C;
        const float* __restrict__ gr = dy + r * C;
        float m = mean[r], rs = rstd[r];
        if (dx.ptr) {
          float mean_dxhat = lane_sum(C, [=](int64_t c) { return gr[c] * gamma[c]; }) * inv_c;
          float mean_dxhat_xhat =
              lane_sum(C, [=](int64_t c) { return gr[c] * gamma[c] * norm_xhat(xr[c], m, rs); }) * inv_c;
          float* __restrict__ dxr = dx.ptr + r * C;
          if (dx.accumulate)
            for (int64_t c = 0; c < C; ++c)
              dxr[c] += norm_dx(gr[c] * gamma[c], norm_xhat(xr[c], m, rs), mean_dxhat, mean_dxhat_xhat, rs);
          else
            for (int64_t c = 0; c < C; ++c)
              dxr[c] = norm_dx(gr[c] * gamma[c], norm_xhat(xr[c], m, rs), mean_dxhat, mean_dxhat_xhat, rs);
        }
        if (params)
          for (int64_t c = 0; c < C; ++c) {
            pg[c] += gr[c] * norm_xhat(xr[c], m, rs);
            pb[c] += gr[c];
          }
      }
    }
  }, 2);  // parallel from two row blocks on; each block is ~kReduceBlockRows * C elements
  if (!params) return;
  if (dgamma.ptr) sum_rows_finish<CpuExec>(partial, dgamma.ptr, nb, C, dgamma.accumulate);
  if (dbeta.ptr) sum_rows_finish<CpuExec>(partial + nb * C, dbeta.ptr, nb, C, dbeta.accumulate);
}

}  // namespace ws
