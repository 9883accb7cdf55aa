#include "models/train/siglip.h"

namespace ws {

Var siglip_loss(const Var& a, const Var& b, const Var& log_t, const Var& bias) {
  WS_CHECK(a.value().ndim() == 2 && a.shape() == b.shape(), "siglip_loss: a ", a.shape().str(), " and b ",
           b.shape().str(), " must both be [n, D]");
  const int64_t n = a.shape()[0];
  std::vector<float> signs(size_t(n * n), -1.0f);
  for (int64_t i = 0; i < n; ++i) signs[size_t(i * n + i)] = 1.0f;
  Var z(Tensor::from(signs, {n, n}, a.device()));
  Var logits = add(mul(matmul(l2_normalize(a), l2_normalize(b), false, true), exp(log_t)), bias);
  return mul_scalar(sum(log_sigmoid(mul(logits, z))), -1.0f / float(n));
}

}  // namespace ws
