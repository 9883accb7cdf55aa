#include <cublas_v2.h>

#include <vector>

#include "core/cuda_check.h"
#include "kernels/gemm.h"

namespace ws::cuda {

namespace {
// One cuBLAS handle per (host thread, GPU): a handle is not safe to share between threads
// (fit --workers), and it belongs to the device that was current when it was made.
struct Handles {
  std::vector<cublasHandle_t> by_device;
  std::vector<int> tf32;  // the math mode set on each (-1: not yet)
  ~Handles() {
    for (cublasHandle_t h : by_device)
      if (h) cublasDestroy(h);  // status ignored: at exit the driver may already be gone
  }
};

// The current device's handle for this thread, in the math mode gemm_precision() asks for.
cublasHandle_t handle() {
  static thread_local Handles hs;
  const int dev = current_cuda_device().index;
  if (int(hs.by_device.size()) <= dev) {
    hs.by_device.resize(size_t(dev) + 1, nullptr);
    hs.tf32.resize(size_t(dev) + 1, -1);
  }
  cublasHandle_t& h = hs.by_device[size_t(dev)];
  if (!h) {
    cublasStatus_t s = cublasCreate(&h);
    WS_CHECK(s == CUBLAS_STATUS_SUCCESS, "cublasCreate on cuda:", dev, " failed with status ", int(s));
  }
  const int tf32 = gemm_precision() == GemmPrecision::Tf32;
  if (hs.tf32[size_t(dev)] != tf32) {
    cublasStatus_t s = cublasSetMathMode(h, tf32 ? CUBLAS_TF32_TENSOR_OP_MATH : CUBLAS_DEFAULT_MATH);
    WS_CHECK(s == CUBLAS_STATUS_SUCCESS, "cublasSetMathMode failed with status ", int(s));
    hs.tf32[size_t(dev)] = tf32;
  }
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
