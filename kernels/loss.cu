#include "kernels/launch_cuda.cuh"
#include "kernels/loss_impl.h"

namespace ws::cuda {

void smooth_l1_elements(const float* pred, const float* target, const float* w, float* l, int64_t n, int64_t C,
                        float beta) {
  smooth_l1_elements_impl<CudaExec>(pred, target, w, l, n, C, beta);
}

void smooth_l1_backward(const float* pred, const float* target, const float* w, const float* g, float scale,
                        GradOut dpred, GradOut dtarget, int64_t n, int64_t C, float beta) {
  smooth_l1_backward_impl<CudaExec>(pred, target, w, g, scale, dpred, dtarget, n, C, beta);
}

void prefix_row_weights(const int32_t* count, float* w, int64_t R) { prefix_row_weights_impl<CudaExec>(count, w, R); }

void divide_by_count(const float* x, const int32_t* count, int64_t C, float* out) {
  divide_by_count_impl<CudaExec>(x, count, C, out);
}

void cross_entropy_rows(const float* logits, const int32_t* labels, float* loss, float* lse, int64_t N, int64_t K) {
  cross_entropy_rows_impl<CudaExec>(logits, labels, loss, lse, N, K);
}

void cross_entropy_backward(const float* logits, const int32_t* labels, const float* lse, const float* g, float scale,
                            GradOut dlogits, int64_t N, int64_t K) {
  cross_entropy_backward_impl<CudaExec>(logits, labels, lse, g, scale, dlogits, N, K);
}

}  // namespace ws::cuda
