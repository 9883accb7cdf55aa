// Bodies of the batch-norm entry points, shared by the CPU and CUDA launchers. Each
// takes a scratch array of batch_norm_scratch(R, C) floats.
#pragma once
#include "kernels/batch_norm.h"
#include "kernels/reduce_impl.h"

namespace ws {

inline int64_t batch_norm_blocks(int64_t R) { return (R + kReduceBlockRows - 1) / kReduceBlockRows; }
// [2, nb, C] row-block partials + [2, C] column totals
inline int64_t batch_norm_scratch(int64_t R, int64_t C) { return 2 * batch_norm_blocks(R) * C + 2 * C; }

template <class Exec>
void batch_norm_forward_impl(const float* x, const float* gamma, const float* beta, float* running_mean,
                             float* running_var, float* y, float* mean, float* rstd, int64_t R, int64_t C,
                             bool training, float momentum, float eps, float* scratch) {
  if (training) {
    int64_t nb = batch_norm_blocks(R);
    float* partial = scratch;
    sum_rows_partials<Exec>(x, partial, R, C);
    float inv_r = 1.0f / float(R);
    Exec::for_n(C, [=] WS_HD(int64_t c) {
      float s = 0.0f;
      for (int64_t b = 0; b < nb; ++b) s += partial[b * C + c];
      mean[c] = s * inv_r;
    });
    // Centred second pass: no cancellation when |mean| >> std.
    Exec::for_n(nb * C, [=] WS_HD(int64_t i) {
      int64_t b = i / C, c = i % C, r1 = (b + 1) * kReduceBlockRows < R ? (b + 1) * kReduceBlockRows : R;
      float s = 0.0f, m = mean[c];
      for (int64_t r = b * kReduceBlockRows; r < r1; ++r) {
        float t = x[r * C + c] - m;
        s += t * t;
      }
      partial[i] = s;
    });
    Exec::for_n(C, [=] WS_HD(int64_t c) {
      float ss = 0.0f;
      for (int64_t b = 0; b < nb; ++b) ss += partial[b * C + c];
      rstd[c] = 1.0f / sqrtf(ss * inv_r + eps);
      running_mean[c] = (1.0f - momentum) * running_mean[c] + momentum * mean[c];
      running_var[c] = (1.0f - momentum) * running_var[c] + momentum * (ss / float(R - 1));
    });
  } else {
    Exec::for_n(C, [=] WS_HD(int64_t c) {
      mean[c] = running_mean[c];
      rstd[c] = 1.0f / sqrtf(running_var[c] + eps);
    });
  }
  Exec::for_n(R * C, [=] WS_HD(int64_t i) {
    int64_t c = i % C;
    y[i] = norm_affine(x[i], mean[c], rstd[c], gamma[c], beta[c]);
  });
}

template <class Exec>
void batch_norm_backward_impl(const float* x, const float* gamma, const float* mean, const float* rstd,
                              const float* dy, GradOut dx, GradOut dgamma, GradOut dbeta, int64_t R, int64_t C,
                              bool training, float* scratch) {
  int64_t nb = batch_norm_blocks(R);
  float *partial = scratch, *sum_dy_xhat = scratch + 2 * nb * C, *sum_dy = sum_dy_xhat + C;
  // Column sums of dy x̂ and dy: dgamma and dbeta, and the batch-statistics terms of dx.
  Exec::for_n(nb * C, [=] WS_HD(int64_t i) {
    int64_t b = i / C, c = i % C, r1 = (b + 1) * kReduceBlockRows < R ? (b + 1) * kReduceBlockRows : R;
    float sg = 0.0f, sb = 0.0f, m = mean[c], rs = rstd[c];
    for (int64_t r = b * kReduceBlockRows; r < r1; ++r) {
      float g = dy[r * C + c];
      sg += g * norm_xhat(x[r * C + c], m, rs);
      sb += g;
    }
    partial[i] = sg;
    partial[nb * C + i] = sb;
  });
  sum_rows_finish<Exec>(partial, sum_dy_xhat, nb, C, false);
  sum_rows_finish<Exec>(partial + nb * C, sum_dy, nb, C, false);
  if (dx.ptr) {
    float inv_r = 1.0f / float(R);
    Exec::for_n(R * C, [=] WS_HD(int64_t i) {
      int64_t c = i % C;
      float g = gamma[c], v;
      if (training)  // per column: dx̂ = dy γ, group means of dx̂ and dx̂ x̂ over the R rows
        v = norm_dx(dy[i] * g, norm_xhat(x[i], mean[c], rstd[c]), sum_dy[c] * g * inv_r,
                    sum_dy_xhat[c] * g * inv_r, rstd[c]);
      else  // running stats are constants
        v = dy[i] * g * rstd[c];
      put_grad(dx.ptr, dx.accumulate, i, v);
    });
  }
  if (dgamma.ptr) Exec::for_n(C, [=] WS_HD(int64_t c) { put_grad(dgamma.ptr, dgamma.accumulate, c, sum_dy_xhat[c]); });
  if (dbeta.ptr) Exec::for_n(C, [=] WS_HD(int64_t c) { put_grad(dbeta.ptr, dbeta.accumulate, c, sum_dy[c]); });
}

}  // namespace ws
