// CUDA layer norm: one warp per row (lanes stride the columns, shuffles reduce the row
// sums); parameter gradients from per-row-block partials, as on the CPU.
#include "core/allocator.h"
#include "kernels/launch_cuda.cuh"
#include "kernels/layer_norm.h"
#include "kernels/reduce_impl.h"

namespace ws::cuda {

namespace {
constexpr int kWarp = 32;
constexpr unsigned kFullMask = 0xffffffffu;

__device__ float warp_sum(float v) {
  for (int o = kWarp / 2; o > 0; o >>= 1) v += __shfl_xor_sync(kFullMask, v, o);
  return v;
}

// The loop over rows depends only on the warp, so every lane reaches each shuffle.
__global__ void layer_norm_forward_kernel(const float* x, const float* gamma, const float* beta, float* y,
                                          float* mean, float* rstd, int64_t R, int64_t C, float eps) {
  int lane = threadIdx.x % kWarp;
  int64_t warps = int64_t(gridDim.x) * blockDim.x / kWarp;
  float inv_c = 1.0f / float(C);
  for (int64_t r = (int64_t(blockIdx.x) * blockDim.x + threadIdx.x) / kWarp; r < R; r += warps) {
    const float* xr = x + r * C;
    float s = 0.0f;
    for (int64_t c = lane; c < C; c += kWarp) s += xr[c];
    float m = warp_sum(s) * inv_c;
    float v = 0.0f;
    for (int64_t c = lane; c < C; c += kWarp) {
      float t = xr[c] - m;
      v += t * t;
    }
    float rs = 1.0f / sqrtf(warp_sum(v) * inv_c + eps);
    if (lane == 0) {
      mean[r] = m;
      rstd[r] = rs;
    }
    for (int64_t c = lane; c < C; c += kWarp) y[r * C + c] = norm_affine(xr[c], m, rs, gamma[c], beta[c]);
  }
}

__global__ void layer_norm_dx_kernel(const float* x, const float* gamma, const float* mean, const float* rstd,
                                     const float* dy, GradOut dx, int64_t R, int64_t C) {
  int lane = threadIdx.x % kWarp;
  int64_t warps = int64_t(gridDim.x) * blockDim.x / kWarp;
  float inv_c = 1.0f / float(C);
  for (int64_t r = (int64_t(blockIdx.x) * blockDim.x + threadIdx.x) / kWarp; r < R; r += warps) {
    const float *xr = x + r * C, *gr = dy + r * C;
    float m = mean[r], rs = rstd[r], s1 = 0.0f, s2 = 0.0f;
    for (int64_t c = lane; c < C; c += kWarp) {
      float dxhat = gr[c] * gamma[c];
      s1 += dxhat;
      s2 += dxhat * norm_xhat(xr[c], m, rs);
    }
    float mean_dxhat = warp_sum(s1) * inv_c, mean_dxhat_xhat = warp_sum(s2) * inv_c;
    for (int64_t c = lane; c < C; c += kWarp)
      put_grad(dx.ptr, dx.accumulate, r * C + c,
               norm_dx(gr[c] * gamma[c], norm_xhat(xr[c], m, rs), mean_dxhat, mean_dxhat_xhat, rs));
  }
}

unsigned row_blocks(int64_t R) {
  constexpr int64_t rows_per_block = kCudaThreads / kWarp;
  int64_t b = (R + rows_per_block - 1) / rows_per_block;
  return unsigned(b < 65535 * 32 ? (b < 1 ? 1 : b) : 65535 * 32);
}
}  // namespace

void layer_norm_forward(const float* x, const float* gamma, const float* beta, float* y, float* mean, float* rstd,
                        int64_t R, int64_t C, float eps) {
  if (R <= 0) return;
  layer_norm_forward_kernel<<<row_blocks(R), kCudaThreads>>>(x, gamma, beta, y, mean, rstd, R, C, eps);
  WS_CUDA_CHECK_LAUNCH("layer_norm_forward");
}

void layer_norm_backward(const float* x, const float* gamma, const float* mean, const float* rstd, const float* dy,
                         GradOut dx, GradOut dgamma, GradOut dbeta, int64_t R, int64_t C) {
  if (dx.ptr && R > 0) {
    layer_norm_dx_kernel<<<row_blocks(R), kCudaThreads>>>(x, gamma, mean, rstd, dy, dx, R, C);
    WS_CUDA_CHECK_LAUNCH("layer_norm_backward (dx)");
  }
  if (!dgamma.ptr && !dbeta.ptr) return;
  int64_t nb = (R + kReduceBlockRows - 1) / kReduceBlockRows;
  // Kernels on the one stream run in order, so the scratch block may go back at once.
  ScratchBuffer partials(size_t(2 * nb * C) * sizeof(float), current_cuda_device());
  float* partial = partials.as<float>();
  // partial [2, nb, C]: per row block and column, the sums of dy x̂ and of dy, rows in order
  CudaExec::for_n(nb * C, [=] __device__(int64_t i) {
    int64_t b = i / C, c = i % C, r1 = (b + 1) * kReduceBlockRows < R ? (b + 1) * kReduceBlockRows : R;
    float sg = 0.0f, sb = 0.0f;
    for (int64_t r = b * kReduceBlockRows; r < r1; ++r) {
      float g = dy[r * C + c];
      sg += g * norm_xhat(x[r * C + c], mean[r], rstd[r]);
      sb += g;
    }
    partial[i] = sg;
    partial[nb * C + i] = sb;
  });
  if (dgamma.ptr) sum_rows_finish<CudaExec>(partial, dgamma.ptr, nb, C, dgamma.accumulate);
  if (dbeta.ptr) sum_rows_finish<CudaExec>(partial + nb * C, dbeta.ptr, nb, C, dbeta.accumulate);
}

}  // namespace ws::cuda
