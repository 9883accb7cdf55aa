// The nf2vec decoder and the rendering loss built on it: the forward pass against the
// MLP written out point by point, the loss's fg/bg weighting against hand-computed
// values, and finite-difference gradients through decoder + compositing + loss.
#include <cmath>

#include "engine/ops.h"
#include "models/decoder/decoder.h"
#include "models/nerf/field_ops.h"
#include "models/render/composite.h"
#include "models/train/render_loss.h"
#include "tests/testing.h"

using namespace ws;
using ws::test::check_close;
using ws::test::check_gradients;
using ws::test::random_tensor;

namespace {
struct SmallDecoder {
  ParamSet ps;
  Decoder dec;
  explicit SmallDecoder(uint64_t seed) : dec(DecoderConfig{3, 5, 2}, ps) {
    ps.materialize(Device::cpu());
    dec.init(seed);
  }
  std::vector<float> w(const std::string& name) const { return ps.get("dec." + name).value().to_vector(); }
};

// y [out] = W [out, in] u + b.
std::vector<double> affine_naive(const std::vector<float>& W, const std::vector<float>& b, const std::vector<double>& u,
                                 bool relu) {
  std::vector<double> y(b.size());
  for (size_t o = 0; o < b.size(); ++o) {
    double s = b[o];
    for (size_t i = 0; i < u.size(); ++i) s += double(W[o * u.size() + i]) * u[i];
    y[o] = relu ? std::max(s, 0.0) : s;
  }
  return y;
}

// Two NeRFs (rows of z), points NeRF-major: 5 of NeRF 0 then 4 of NeRF 1, inside the unit box.
struct Points {
  Tensor x = random_tensor({9, 3}, 3, 0.05f, 0.95f);
  Tensor nerf = Tensor::from(std::vector<int32_t>{0, 0, 0, 0, 0, 1, 1, 1, 1}, {9});
  Csr by_nerf{Tensor::from(std::vector<int32_t>{0, 5, 9}, {3}), Tensor()};
};
}  // namespace

TEST_CASE("decoder: the forward pass equals the nf2vec MLP on [z, freq(x)], point by point") {
  SmallDecoder m(4);
  Points pts;
  Tensor z = random_tensor({2, 3}, 5);
  std::vector<float> got = m.dec.forward(Var(z), pts.x, pts.nerf, pts.by_nerf).value().to_vector();
  std::vector<float> fx = freq_encode(pts.x, 2).to_vector(), zv = z.to_vector();
  std::vector<int32_t> nerf = pts.nerf.to_vector_i32();
  std::vector<float> want;
  for (int p = 0; p < 9; ++p) {
    std::vector<double> u(zv.begin() + 3 * nerf[size_t(p)], zv.begin() + 3 * nerf[size_t(p)] + 3);
    u.insert(u.end(), fx.begin() + 12 * p, fx.begin() + 12 * p + 12);
    std::vector<double> a = affine_naive(m.w("inp.weight"), m.w("inp.bias"), u, true);
    a = affine_naive(m.w("pre.0.weight"), m.w("pre.0.bias"), a, true);
    a = affine_naive(m.w("pre.2.weight"), m.w("pre.2.bias"), a, true);
    std::vector<double> skip = affine_naive(m.w("skip.weight"), m.w("skip.bias"), u, true);
    for (size_t i = 0; i < a.size(); ++i) a[i] += skip[i];
    a = affine_naive(m.w("post.0.weight"), m.w("post.0.bias"), a, true);
    a = affine_naive(m.w("post.2.weight"), m.w("post.2.bias"), a, true);
    std::vector<double> o = affine_naive(m.w("head.weight"), m.w("head.bias"), a, false);
    for (int c = 0; c < 3; ++c) want.push_back(float(1 / (1 + std::exp(-o[size_t(c)]))));
    want.push_back(float(std::exp(o[3] - 1)));
  }
  check_close(got, want, 1e-5, 1e-4, "decoder forward");
  // z matters: the second NeRF's points change when only its row of z changes.
  std::vector<float> z2 = zv;
  z2[3] += 0.5f;
  std::vector<float> moved = m.dec.forward(Var(Tensor::from(z2, {2, 3})), pts.x, pts.nerf, pts.by_nerf).value().to_vector();
  check_close(std::vector<float>(moved.begin(), moved.begin() + 20), std::vector<float>(got.begin(), got.begin() + 20),
              0, 0, "NeRF 0's points do not depend on NeRF 1's z");
  double change = 0;
  for (size_t i = 20; i < moved.size(); ++i) change += std::fabs(moved[i] - got[i]);
  CHECK(change > 1e-4);
}

TEST_CASE("render loss: fg 0.8 / bg 0.2 smooth-L1 against hand-computed values") {
  // Pixels: one difference on each side of beta = 1. Background points: opacity 1 - exp(-sigma delta).
  Var pixels(Tensor::from(std::vector<float>{0.2f, 0.4f, 0.6f, 0.9f, 0.1f, 0.5f}, {2, 3}));
  Var target(Tensor::from(std::vector<float>{0.0f, 0.4f, 2.1f, 0.9f, 0.3f, 0.5f}, {2, 3}));
  Var rgb(Tensor::from(std::vector<float>{1, 0, 0, 0, 1, 0}, {2, 3})), sigma(Tensor::from(std::vector<float>{2, 30}, {2, 1}));
  Var bg(Tensor::from(std::vector<float>{0.5f, 0.5f, 0.5f, 0, 0, 1}, {2, 3}));
  const float delta = 0.05f;
  auto huber = [](double d) { return std::fabs(d) < 1 ? 0.5 * d * d : std::fabs(d) - 0.5; };
  double fg = (huber(0.2) + huber(-1.5) + huber(-0.2)) / 6, bgl = 0;
  const double sig[2] = {2, 30}, rgbv[2][3] = {{1, 0, 0}, {0, 1, 0}}, bgv[2][3] = {{0.5, 0.5, 0.5}, {0, 0, 1}};
  for (int m = 0; m < 2; ++m) {
    double alpha = 1 - std::exp(-sig[m] * delta);
    for (int c = 0; c < 3; ++c) bgl += huber(alpha * (rgbv[m][c] - bgv[m][c])) / 6;
  }
  RenderLossConfig cfg;
  CHECK(render_loss_terms(pixels, target, rgb, sigma, bg, delta, cfg).value().item() ==
        doctest::Approx(0.8 * fg + 0.2 * bgl).epsilon(1e-6));
  CHECK(render_loss_terms(pixels, target, Var(), Var(), Var(), delta, cfg).value().item() ==
        doctest::Approx(0.8 * fg).epsilon(1e-6));
  cfg.fg_weight = 0.5f;
  cfg.bg_weight = 2.0f;
  CHECK(render_loss_terms(pixels, target, rgb, sigma, bg, delta, cfg).value().item() ==
        doctest::Approx(0.5 * fg + 2.0 * bgl).epsilon(1e-6));
}

TEST_CASE("decoder + renderer: finite-difference gradients of the rendering loss for z and the targets") {
  // NeRF 0: one ray over its first 3 points, background points 3-4; NeRF 1: a ray over 5-7, background point 8.
  SmallDecoder m(6);
  Points pts;
  Tensor rays = Tensor::from(std::vector<int32_t>{0, 3, 5, 3}, {2, 2});
  Tensor delta = Tensor::from(std::vector<float>{0.3f, 0.3f, 0.3f, 0, 0, 0.4f, 0.4f, 0.4f, 0}, {9});
  Tensor bg_rows = Tensor::from(std::vector<int32_t>{3, 4, 8}, {3});
  Tensor ray_bg = Tensor::from(std::vector<float>{0.2f, 0.7f, 0.1f, 0.9f, 0.9f, 0.3f}, {2, 3});
  Tensor bg_col = Tensor::from(std::vector<float>{0.2f, 0.7f, 0.1f, 0.2f, 0.7f, 0.1f, 0.9f, 0.9f, 0.3f}, {3, 3});
  auto loss = [&](const std::vector<Var>& v) {
    std::vector<Var> parts = split_last(m.dec.forward(v[0], pts.x, pts.nerf, pts.by_nerf), {3, 1});
    Composited c = composite(parts[0], reshape(parts[1], {9}), delta, rays, Var(ray_bg));
    return render_loss_terms(c.color, v[1], gather_rows(parts[0], bg_rows), gather_rows(parts[1], bg_rows),
                             Var(bg_col), 0.3f, RenderLossConfig{});
  };
  test::GradCheck opt;
  opt.eps = 1e-2;  // z moves the loss through five layers; a larger step keeps float noise small
  check_gradients("decoder + composite + render loss", loss, {random_tensor({2, 3}, 7, -2, 2), random_tensor({2, 3}, 8, 0, 1)},
                  opt);
  // The decoder's parameters get gradients too (every layer is on the path).
  m.ps.zero_grad();
  backward(loss({Var(random_tensor({2, 3}, 7, -2, 2)), Var(random_tensor({2, 3}, 8, 0, 1))}));
  for (const Param& p : m.ps.params()) {
    double norm = 0;
    for (float g : p.var.grad().to_vector()) norm += std::fabs(g);
    CHECK_MESSAGE(norm > 0, p.name, " got no gradient");
  }
}
