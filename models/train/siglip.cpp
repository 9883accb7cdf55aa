#include "models/train/siglip.h"

#include "kernels/fill.h"
#include "engine/trace.h"

namespace ws {

Var siglip_loss(const Var& a, const Var& b, const Var& log_t, const Var& bias) {
  WS_OP("siglip_loss");
  WS_CHECK(a.value().ndim() == 2 && a.shape() == b.shape(), "siglip_loss: a ", a.shape().str(), " and b ",
           b.shape().str(), " must both be [n, D]");
  const int64_t n = a.shape()[0];
  Var z(Tensor::empty({n, n}, DType::F32, a.device()));  // +1 on the diagonal, -1 elsewhere
  fill_eye(z.value().f32(), n, 1.0f, -1.0f, a.device());
  Var logits = add(mul(matmul(l2_normalize(a), l2_normalize(b), false, true), exp(log_t)), bias);
  return mul_scalar(sum(log_sigmoid(mul(logits, z))), -1.0f / float(n));
}

Var centre_by_group(const Var& z, const std::vector<std::string>& group) {
  WS_OP("centre_by_group");
  const int64_t B = int64_t(group.size());
  WS_CHECK(z.value().ndim() == 2 && z.shape()[0] == B, "centre_by_group: z ", z.shape().str(), " must be [", B,
           ", D]");
  // (I - A) z with A_ij = 1/n_g when rows i and j share group g: one small GEMM.
  std::vector<float> c(size_t(B * B), 0.0f);
  for (int64_t i = 0; i < B; ++i) {
    int64_t n = 0;
    for (int64_t j = 0; j < B; ++j) n += group[size_t(j)] == group[size_t(i)];
    for (int64_t j = 0; j < B; ++j)
      c[size_t(i * B + j)] = float(i == j) - (group[size_t(j)] == group[size_t(i)] ? 1.0f / float(n) : 0.0f);
  }
  return matmul(Var(Tensor::from(c, {B, B}, z.device())), z);
}

}  // namespace ws
