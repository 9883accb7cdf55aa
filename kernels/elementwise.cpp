#include "kernels/elementwise_impl.h"

namespace ws {

const char* unary_name(Unary op) {
  switch (op) {
#define WS_CASE(name) case Unary::name: return #name;
    WS_UNARY_OPS(WS_CASE)
#undef WS_CASE
  }
  return "?";
}

void unary_forward(Unary op, const float* x, float* y, int64_t n, Device d) {
  WS_DISPATCH_CUDA(d, cuda::unary_forward(op, x, y, n));
  unary_forward_impl<CpuExec>(op, x, y, n);
}

void unary_backward(Unary op, const float* x, const float* y, const float* g, float* gx, int64_t n,
                    bool accumulate, Device d) {
  WS_DISPATCH_CUDA(d, cuda::unary_backward(op, x, y, g, gx, n, accumulate));
  unary_backward_impl<CpuExec>(op, x, y, g, gx, n, accumulate);
}

void binary_forward(Binary op, const float* a, int64_t na, const float* b, int64_t nb, float* out, Device d) {
  WS_DISPATCH_CUDA(d, cuda::binary_forward(op, a, na, b, nb, out));
  binary_forward_impl<CpuExec>(op, a, na, b, nb, out);
}

void binary_backward_full(Binary op, bool wrt_b, const float* a, int64_t na, const float* b, int64_t nb,
                          const float* g, float* gout, int64_t n, bool accumulate, Device d) {
  WS_DISPATCH_CUDA(d, cuda::binary_backward_full(op, wrt_b, a, na, b, nb, g, gout, n, accumulate));
  binary_backward_full_impl<CpuExec>(op, wrt_b, a, na, b, nb, g, gout, n, accumulate);
}

void axpby(float* y, const float* x, float alpha, float beta, int64_t n, Device d) {
  WS_DISPATCH_CUDA(d, cuda::axpby(y, x, alpha, beta, n));
  axpby_impl<CpuExec>(y, x, alpha, beta, n);
}

void affine(const float* x, float* y, float scale, float shift, int64_t n, Device d) {
  WS_DISPATCH_CUDA(d, cuda::affine(x, y, scale, shift, n));
  affine_impl<CpuExec>(x, y, scale, shift, n);
}

}  // namespace ws
