// Bodies of the loss entry points, shared by the CPU and CUDA launchers.
#pragma once
#include "kernels/loss.h"

namespace ws {

template <class Exec>
void smooth_l1_elements_impl(const float* pred, const float* target, const float* w, float* l, int64_t n, int64_t C,
                             float beta) {
  Exec::for_n(n, [=] WS_HD(int64_t i) {
    float v = smooth_l1_item(pred[i] - target[i], beta);
    l[i] = w ? w[i / C] * v : v;
  });
}

template <class Exec>
void smooth_l1_backward_impl(const float* pred, const float* target, const float* w, const float* g, float scale,
                             GradOut dpred, GradOut dtarget, int64_t n, int64_t C, float beta) {
  Exec::for_n(n, [=] WS_HD(int64_t i) {
    float v = scale * g[0] * smooth_l1_grad(pred[i] - target[i], beta);
    if (w) v *= w[i / C];
    if (dpred.ptr) put_grad(dpred.ptr, dpred.accumulate, i, v);
    if (dtarget.ptr) put_grad(dtarget.ptr, dtarget.accumulate, i, -v);
  });
}

template <class Exec>
void prefix_row_weights_impl(const int32_t* count, float* w, int64_t R) {
  Exec::for_n(R, [=] WS_HD(int64_t r) { w[r] = r < count[0] ? 1.0f : 0.0f; });
}

template <class Exec>
void divide_by_count_impl(const float* x, const int32_t* count, int64_t C, float* out) {
  Exec::for_n(1, [=] WS_HD(int64_t) {
    int64_t n = int64_t(count[0]) * C;
    out[0] = n > 0 ? x[0] * (1.0f / float(n)) : 0.0f;
  });
}

template <class Exec>
void cross_entropy_rows_impl(const float* logits, const int32_t* labels, float* loss, float* lse, int64_t N,
                             int64_t K) {
  Exec::for_n(N, [=] WS_HD(int64_t r) {
    const float* xr = logits + r * K;
    float m = xr[0];
    for (int64_t k = 1; k < K; ++k) m = fmaxf(m, xr[k]);
    float s = 0.0f;
    for (int64_t k = 0; k < K; ++k) s += expf(xr[k] - m);
    float l = m + logf(s);
    lse[r] = l;
    loss[r] = l - xr[labels[r]];
  });
}

template <class Exec>
void cross_entropy_backward_impl(const float* logits, const int32_t* labels, const float* lse, const float* g,
                                 float scale, GradOut dlogits, int64_t N, int64_t K) {
  Exec::for_n(N * K, [=] WS_HD(int64_t i) {
    int64_t r = i / K, k = i % K;
    float p = expf(logits[i] - lse[r]) - (k == labels[r] ? 1.0f : 0.0f);
    put_grad(dlogits.ptr, dlogits.accumulate, i, scale * g[0] * p);
  });
}

}  // namespace ws
