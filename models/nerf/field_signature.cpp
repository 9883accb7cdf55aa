#include "models/nerf/field_signature.h"

#include <algorithm>
#include <cmath>

#include "engine/autograd.h"

namespace ws {

Tensor field_signature_points(int g) {
  WS_CHECK(g >= 1 && g <= 64, "field signature: grid size ", g, " outside [1, 64]");
  const int64_t K = int64_t(g) * g * g;
  Tensor x = Tensor::empty({K, 3});
  float* p = x.f32();
  for (int i = 0; i < g; ++i)
    for (int j = 0; j < g; ++j)
      for (int k = 0; k < g; ++k) {
        float* q = p + 3 * ((int64_t(i) * g + j) * g + k);
        q[0] = (float(i) + 0.5f) / float(g);
        q[1] = (float(j) + 0.5f) / float(g);
        q[2] = (float(k) + 0.5f) / float(g);
      }
  return x;
}

Tensor field_signature(const ArchSpec& a, const std::vector<const float*>& flat_params, int g, Device d) {
  WS_CHECK(!flat_params.empty(), "field signature: no NeRFs");
  NoGradGuard ng;
  const int64_t B = int64_t(flat_params.size());
  const Tensor pts = field_signature_points(g);
  const int64_t K = pts.size(0);
  const int64_t P = a.mlp_params(), E = a.encoding_params();
  Tensor mlp = Tensor::empty({B, P}), enc = E ? Tensor::empty({B, E}) : Tensor();
  for (int64_t b = 0; b < B; ++b) {
    const float* p = flat_params[size_t(b)];
    std::copy(p + E, p + E + P, mlp.f32() + b * P);
    if (E) std::copy(p, p + E, enc.f32() + b * E);
  }
  FieldBatch f = make_field_batch(a, B, d);
  f.mlp.value().copy_from(mlp);
  if (E) f.encoding.value().copy_from(enc);
  Tensor x = Tensor::empty({B, K, 3});
  for (int64_t b = 0; b < B; ++b) x.view_at(b * K * 3, {K, 3}).copy_from(pts);
  // On the CPU nothing crosses devices: no to() (it counts as a host read, engine/transfers.h).
  const bool cpu = d.is_cpu();
  const Tensor out_d = field_raw(f, cpu ? x : x.to(d)).value();
  const Tensor raw = cpu ? out_d : out_d.to(Device::cpu());  // [B, K, 4] = (rgb, sigma)
  const float cell = 1.4f / float(g);
  Tensor out = Tensor::empty({B, 4 * K});
  const float* r = raw.f32();
  float* o = out.f32();
  for (int64_t i = 0; i < B * K; ++i) {
    const float* v = r + 4 * i;
    const float alpha = 1.0f - std::exp(-v[3] * cell);
    o[4 * i] = alpha;
    for (int c = 0; c < 3; ++c) o[4 * i + 1 + c] = alpha * v[c];
  }
  return out;
}

Tensor field_signature(const std::vector<NerfFile>& nerfs, int g, Device d) {
  WS_CHECK(!nerfs.empty(), "field signature: no NeRFs");
  std::vector<std::vector<float>> flat;
  std::vector<const float*> ptrs;
  for (const NerfFile& n : nerfs) {
    WS_CHECK(n.arch.same_shape(nerfs[0].arch), "field signature: ", n.arch.name, " and ", nerfs[0].arch.name,
             " in one batch");
    flat.push_back(n.flat_params());
  }
  for (const auto& v : flat) ptrs.push_back(v.data());
  return field_signature(nerfs[0].arch, ptrs, g, d);
}

}  // namespace ws
