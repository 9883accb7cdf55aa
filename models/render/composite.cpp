#include "models/render/composite.h"

#include <vector>

#include "engine/ops.h"
#include "engine/trace.h"

namespace ws {

namespace {
// Checks sigma, delta and rays; returns N. `op` names the caller.
int64_t check_samples(const char* op, const Tensor& sigma, const Tensor& delta, const Tensor& rays) {
  check_f32(op, sigma, "sigma");
  check_f32(op, delta, "delta");
  int64_t N = sigma.numel();
  WS_CHECK(delta.numel() == N, op, ": delta ", delta.shape().str(), " must have one value per sample of sigma ",
           sigma.shape().str());
  WS_CHECK(rays.defined() && rays.dtype() == DType::I32 && rays.ndim() == 2 && rays.size(1) == 2, op,
           ": rays must be I32 [R, 2] (first sample, count), got ", rays.defined() ? describe(rays) : "undefined");
  if (rays.device().is_cpu()) {
    const int32_t* r = rays.i32();
    for (int64_t i = 0; i < rays.size(0); ++i)
      WS_CHECK(r[2 * i] >= 0 && r[2 * i + 1] >= 0 && int64_t(r[2 * i]) + r[2 * i + 1] <= N, op, ": ray ", i,
               " has samples [", r[2 * i], ", ", int64_t(r[2 * i]) + r[2 * i + 1], ") outside the ", N,
               " samples of sigma ", sigma.shape().str());
  }
  WS_CHECK(N <= INT32_MAX, op, ": ", N, " samples exceed the I32 ray layout");
  return N;
}

// A fresh gradient starts at zero: the kernel adds, and samples on no ray get nothing.
float* zeroed_grad(const Var& v) {
  if (!v.requires_grad()) return nullptr;
  GradSlot s = v.grad_slot();
  if (!s.accumulate) s.t.zero_();
  return s.t.f32();
}
}  // namespace

Composited composite(const Var& rgb, const Var& sigma, const Tensor& delta, const Tensor& rays, const Var& background,
                     float early_stop) {
  WS_OP("composite");
  const Tensor &C = rgb.value(), &BG = background.value();
  int64_t N = check_samples("composite", sigma.value(), delta, rays);
  check_f32("composite", C, "rgb");
  check_f32("composite", BG, "background");
  WS_CHECK(C.cols() == 3 && C.numel() == 3 * N, "composite: rgb ", C.shape().str(),
           " must be [N, 3] or [B, S, 3] with N = ", N, " samples (sigma ", sigma.value().shape().str(), ")");
  int64_t R = rays.size(0);
  WS_CHECK(BG.ndim() == 2 && BG.size(0) == R && BG.size(1) == 3, "composite: background must be [", R,
           ", 3] (one colour per ray), got ", BG.shape().str());
  Device d = common_device("composite", {&C, &sigma.value(), &delta, &rays, &BG});

  bool grad = needs_grad({&rgb, &sigma, &background});
  Composited out{Var(Tensor::empty({R, 3}, DType::F32, d), grad), Var(Tensor::empty({R}, DType::F32, d), grad)};
  Tensor trans, active;  // saved for the backward
  if (grad) {
    trans = Tensor::empty({N}, DType::F32, d);
    active = Tensor::empty({R}, DType::I32, d);
  }
  CompositeRays in{C.f32(), sigma.value().f32(), delta.f32(), rays.i32(), BG.f32(), R, early_stop};
  composite_forward(in, out.color.value().f32(), out.opacity.value().f32(), grad ? trans.f32() : nullptr, nullptr,
                    grad ? active.i32() : nullptr, d);
  if (grad)
    record([rgb, sigma, delta, rays, background, trans, active, out, early_stop, d] {
      bool gc = out.color.has_grad(), go = out.opacity.has_grad();
      if (!gc && !go) return;
      CompositeRays in{rgb.value().f32(), sigma.value().f32(), delta.f32(), rays.i32(), background.value().f32(),
                       rays.size(0), early_stop};
      composite_backward(in, trans.f32(), active.i32(), out.opacity.value().f32(),
                         gc ? out.color.grad().f32() : nullptr, go ? out.opacity.grad().f32() : nullptr,
                         zeroed_grad(rgb), zeroed_grad(sigma), zeroed_grad(background), d);
    });
  return out;
}

Tensor composite_weights(const Tensor& sigma, const Tensor& delta, const Tensor& rays, float early_stop) {
  WS_OP("composite_weights");
  int64_t N = check_samples("composite_weights", sigma, delta, rays);
  Device d = common_device("composite_weights", {&sigma, &delta, &rays});
  Tensor w = Tensor::zeros({N}, DType::F32, d);  // samples on no ray keep 0
  CompositeRays in{nullptr, sigma.f32(), delta.f32(), rays.i32(), nullptr, rays.size(0), early_stop};
  composite_forward(in, nullptr, nullptr, nullptr, w.f32(), nullptr, d);
  return w;
}

}  // namespace ws
