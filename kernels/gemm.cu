#include <cublas_v2.h>

#include "engine/cuda_check.h"
#include "kernels/gemm.h"

namespace ws::cuda {

namespace {
cublasHandle_t handle() {
  static cublasHandle_t h = [] {
    cublasHandle_t r = nullptr;
    cublasStatus_t s = cublasCreate(&r);
    WS_CHECK(s == CUBLAS_STATUS_SUCCESS, "cublasCreate failed with status ", int(s));
    return r;
  }();
  return h;
}
}  // namespace

// cuBLAS is column-major: a row-major C = op(A) op(B) is the column-major C^T = op(B)^T op(A)^T,
// so the operands swap and M, N swap; the transpose flags stay as given.
void gemm_batched(bool ta, bool tb, int64_t M, int64_t N, int64_t K, float alpha, const float* A, int64_t lda,
                  int64_t sa, const float* B, int64_t ldb, int64_t sb, float beta, float* C, int64_t ldc,
                  int64_t sc, int64_t batch) {
  cublasOperation_t opa = ta ? CUBLAS_OP_T : CUBLAS_OP_N, opb = tb ? CUBLAS_OP_T : CUBLAS_OP_N;
  cublasStatus_t s;
  if (batch == 1)
    s = cublasSgemm(handle(), opb, opa, int(N), int(M), int(K), &alpha, B, int(ldb), A, int(lda), &beta, C,
                    int(ldc));
  else
    s = cublasSgemmStridedBatched(handle(), opb, opa, int(N), int(M), int(K), &alpha, B, int(ldb), sb, A,
                                  int(lda), sa, &beta, C, int(ldc), sc, int(batch));
  WS_CHECK(s == CUBLAS_STATUS_SUCCESS, "cuBLAS sgemm (M=", M, " N=", N, " K=", K, ") failed with status ", int(s));
}

}  // namespace ws::cuda
