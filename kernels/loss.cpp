#include "kernels/loss_impl.h"

namespace ws {

void smooth_l1_elements(const float* pred, const float* target, const float* w, float* l, int64_t n, int64_t C,
                        float beta, Device d) {
  WS_DISPATCH_CUDA(d, cuda::smooth_l1_elements(pred, target, w, l, n, C, beta));
  smooth_l1_elements_impl<CpuExec>(pred, target, w, l, n, C, beta);
}

void smooth_l1_backward(const float* pred, const float* target, const float* w, const float* g, float scale,
                        GradOut dpred, GradOut dtarget, int64_t n, int64_t C, float beta, Device d) {
  WS_DISPATCH_CUDA(d, cuda::smooth_l1_backward(pred, target, w, g, scale, dpred, dtarget, n, C, beta));
  smooth_l1_backward_impl<CpuExec>(pred, target, w, g, scale, dpred, dtarget, n, C, beta);
}

void prefix_row_weights(const int32_t* count, float* w, int64_t R, Device d) {
  WS_DISPATCH_CUDA(d, cuda::prefix_row_weights(count, w, R));
  prefix_row_weights_impl<CpuExec>(count, w, R);
}

void divide_by_count(const float* x, const int32_t* count, int64_t C, float* out, Device d) {
  WS_DISPATCH_CUDA(d, cuda::divide_by_count(x, count, C, out));
  divide_by_count_impl<CpuExec>(x, count, C, out);
}

void cross_entropy_rows(const float* logits, const int32_t* labels, float* loss, float* lse, int64_t N, int64_t K,
                        Device d) {
  WS_DISPATCH_CUDA(d, cuda::cross_entropy_rows(logits, labels, loss, lse, N, K));
  cross_entropy_rows_impl<CpuExec>(logits, labels, loss, lse, N, K);
}

void cross_entropy_backward(const float* logits, const int32_t* labels, const float* lse, const float* g, float scale,
                            GradOut dlogits, int64_t N, int64_t K, Device d) {
  WS_DISPATCH_CUDA(d, cuda::cross_entropy_backward(logits, labels, lse, g, scale, dlogits, N, K));
  cross_entropy_backward_impl<CpuExec>(logits, labels, lse, g, scale, dlogits, N, K);
}

}  // namespace ws
