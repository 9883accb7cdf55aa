// matmul and linear: forward and backward are GEMMs (kernels/gemm.h).
#include "engine/ops.h"
#include "kernels/gemm.h"
#include "kernels/gemm_tall.h"
#include "kernels/reduce.h"
#include "engine/trace.h"

namespace ws {

Var matmul(const Var& a, const Var& b, bool ta, bool tb) {
  WS_OP("matmul");
  const Tensor &A = a.value(), &B = b.value();
  check_f32("matmul", A, "a");
  check_f32("matmul", B, "b");
  Device d = common_device("matmul", {&A, &B});
  WS_CHECK(A.ndim() == 2 && B.ndim() == 2, "matmul: 2-d operands expected, got ", A.shape().str(), " and ",
           B.shape().str());
  int64_t M = ta ? A.size(1) : A.size(0), K = ta ? A.size(0) : A.size(1);
  int64_t Kb = tb ? B.size(1) : B.size(0), N = tb ? B.size(0) : B.size(1);
  WS_CHECK(K == Kb, "matmul: inner sizes differ: a ", A.shape().str(), (ta ? "^T" : ""), " x b ", B.shape().str(),
           (tb ? "^T" : ""));
  Var out(Tensor::empty({M, N}, DType::F32, d), needs_grad({&a, &b}));
  gemm(ta, tb, M, N, K, 1.0f, A.f32(), A.size(1), B.f32(), B.size(1), 0.0f, out.value().f32(), N, d);
  if (out.requires_grad())
    record([a, b, out, ta, tb, M, N, K, d] {
      if (!out.has_grad()) return;
      const float* G = out.grad().f32();
      const Tensor &A = a.value(), &B = b.value();
      int64_t lda = A.size(1), ldb = B.size(1);
      if (a.requires_grad()) {
        GradSlot s = a.grad_slot();
        float beta = s.accumulate ? 1.0f : 0.0f;
        if (!ta)  // dA[M,K] = G op(B)^T
          gemm(false, !tb, M, K, N, 1.0f, G, N, B.f32(), ldb, beta, s.t.f32(), K, d);
        else  // dA stored [K,M] = op(B) G^T
          gemm(tb, true, K, M, N, 1.0f, B.f32(), ldb, G, N, beta, s.t.f32(), M, d);
      }
      if (b.requires_grad()) {
        GradSlot s = b.grad_slot();
        float beta = s.accumulate ? 1.0f : 0.0f;
        if (!tb)  // dB[K,N] = op(A)^T G
          gemm(!ta, false, K, N, M, 1.0f, A.f32(), lda, G, N, beta, s.t.f32(), N, d);
        else  // dB stored [N,K] = G^T op(A)
          gemm(true, ta, N, K, M, 1.0f, G, N, A.f32(), lda, beta, s.t.f32(), K, d);
      }
    });
  return out;
}

Var linear(const Var& x, const Var& w, const Var& b) {
  WS_OP("linear");
  const Tensor &X = x.value(), &W = w.value();
  check_f32("linear", X, "x");
  check_f32("linear", W, "weight");
  Device d = common_device("linear", {&X, &W, b.defined() ? &b.value() : nullptr});
  WS_CHECK(W.ndim() == 2 && X.ndim() >= 1 && X.cols() == W.size(1), "linear: x ", X.shape().str(),
           " does not match weight ", W.shape().str(), " (expected [..., ", W.ndim() == 2 ? W.size(1) : -1, "])");
  int64_t M = X.rows(), K = W.size(1), N = W.size(0);
  if (b.defined())
    WS_CHECK(b.value().numel() == N, "linear: bias ", b.value().shape().str(), " for ", N, " outputs");
  Shape os = X.shape();
  os.dims[os.ndim - 1] = N;
  Var out(Tensor::empty(os, DType::F32, d), needs_grad({&x, &w, &b}));
  float* Y = out.value().f32();
  RowEpilogue ep;  // on the CPU the bias joins the GEMM's store (one pass over y)
  ep.bias = b.defined() ? b.value().f32() : nullptr;
  if (!(d.is_cpu() && gemm_rows_fused_cpu(true, M, N, K, X.f32(), K, W.f32(), K, Y, N, ep))) {
    if (b.defined()) broadcast_rows(b.value().f32(), Y, M, N, false, d);
    gemm(false, true, M, N, K, 1.0f, X.f32(), K, W.f32(), K, b.defined() ? 1.0f : 0.0f, Y, N, d);
  }
  if (out.requires_grad())
    record([x, w, b, out, M, N, K, d] {
      if (!out.has_grad()) return;
      float* G = out.grad().f32();
      GradSlot sx = x.grad_slot_if_required(), sw = w.grad_slot_if_required(), sb = b.grad_slot_if_required();
      if (d.is_cpu() && gemm_precision() == GemmPrecision::Bf16x3) {  // all three in one pass over G
        if (linear_backward_fused_cpu({M, N, K, G, nullptr, x.value().f32(), w.value().f32(), sx.f32_or_null(),
                                       sw.f32_or_null(), sb.f32_or_null(), sx.accumulate, sw.accumulate, sb.accumulate}))
          return;
      }
      if (sx.t.defined())  // dX[M,K] = G W
        gemm(false, false, M, K, N, 1.0f, G, N, w.value().f32(), K, sx.accumulate ? 1.0f : 0.0f, sx.t.f32(), K, d);
      // dW[N,K] = G^T X and db = G's column sums, in one pass over G where both are wanted
      weight_bias_grads(M, N, K, G, x.value().f32(), sw.f32_or_null(), sw.accumulate, sb.f32_or_null(), sb.accumulate,
                        d);
    });
  return out;
}

}  // namespace ws
