#include "kernels/elementwise_impl.h"
#include "kernels/launch_cuda.cuh"

namespace ws::cuda {

void unary_forward(Unary op, const float* x, float* y, int64_t n) { unary_forward_impl<CudaExec>(op, x, y, n); }

void unary_backward(Unary op, const float* x, const float* y, const float* g, float* gx, int64_t n,
                    bool accumulate) {
  unary_backward_impl<CudaExec>(op, x, y, g, gx, n, accumulate);
}

void binary_forward(Binary op, const float* a, int64_t na, const float* b, int64_t nb, float* out) {
  binary_forward_impl<CudaExec>(op, a, na, b, nb, out);
}

void binary_backward_full(Binary op, bool wrt_b, const float* a, int64_t na, const float* b, int64_t nb,
                          const float* g, float* gout, int64_t n, bool accumulate) {
  binary_backward_full_impl<CudaExec>(op, wrt_b, a, na, b, nb, g, gout, n, accumulate);
}

void axpby(float* y, const float* x, float alpha, float beta, int64_t n) { axpby_impl<CudaExec>(y, x, alpha, beta, n); }

void affine(const float* x, float* y, float scale, float shift, int64_t n) {
  affine_impl<CudaExec>(x, y, scale, shift, n);
}

}  // namespace ws::cuda
