// Losses, computed per element (smooth L1) or per row (cross-entropy) here; the op
// layer reduces those with the deterministic sums of kernels/reduce.h. Backward kernels
// read the loss gradient g [1] on the device, so no host sync is needed.
#pragma once
#include <cmath>

#include "kernels/grad_out.h"

namespace ws {

// PyTorch's smooth_l1_loss of one difference d = pred - target (beta == 0: plain L1).
WS_HD inline float smooth_l1_item(float d, float beta) {
  float a = fabsf(d);
  return a < beta ? 0.5f * d * d / beta : a - 0.5f * beta;
}
WS_HD inline float smooth_l1_grad(float d, float beta) {
  if (fabsf(d) < beta) return d / beta;
  return d > 0.0f ? 1.0f : (d < 0.0f ? -1.0f : 0.0f);
}

// pred, target [n] as rows of C, w [n / C] or null -> l [n] = w_r smooth_l1(pred - target)
void smooth_l1_elements(const float* pred, const float* target, const float* w, float* l, int64_t n, int64_t C,
                        float beta, Device d);
// dpred (+)= k w_r smooth_l1'(pred - target) and dtarget (+)= -that, k = scale * g[0]
void smooth_l1_backward(const float* pred, const float* target, const float* w, const float* g, float scale,
                        GradOut dpred, GradOut dtarget, int64_t n, int64_t C, float beta, Device d);

// Means over a row count held on the device (smooth_l1_prefix): w [R] = 1 for rows
// r < count[0], else 0; out[0] = x[0] * (1 / (count[0] * C)), 0 when the count is 0.
void prefix_row_weights(const int32_t* count, float* w, int64_t R, Device d);
void divide_by_count(const float* x, const int32_t* count, int64_t C, float* out, Device d);

// logits [N,K], labels [N] (checked by the caller) -> loss [N] = lse - logit[label],
// lse [N] = log sum_k exp(logit_k), taken around the row max so it cannot overflow
void cross_entropy_rows(const float* logits, const int32_t* labels, float* loss, float* lse, int64_t N, int64_t K,
                        Device d);
// dlogits [N,K] (+)= scale g[0] (softmax(logits) - onehot(label))
void cross_entropy_backward(const float* logits, const int32_t* labels, const float* lse, const float* g, float scale,
                            GradOut dlogits, int64_t N, int64_t K, Device d);

#ifdef WS_CUDA
namespace cuda {
void smooth_l1_elements(const float* pred, const float* target, const float* w, float* l, int64_t n, int64_t C,
                        float beta);
void smooth_l1_backward(const float* pred, const float* target, const float* w, const float* g, float scale,
                        GradOut dpred, GradOut dtarget, int64_t n, int64_t C, float beta);
void prefix_row_weights(const int32_t* count, float* w, int64_t R);
void divide_by_count(const float* x, const int32_t* count, int64_t C, float* out);
void cross_entropy_rows(const float* logits, const int32_t* labels, float* loss, float* lse, int64_t N, int64_t K);
void cross_entropy_backward(const float* logits, const int32_t* labels, const float* lse, const float* g, float scale,
                            GradOut dlogits, int64_t N, int64_t K);
}  // namespace cuda
#endif

}  // namespace ws
