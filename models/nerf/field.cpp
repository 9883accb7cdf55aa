#include "models/nerf/field.h"

#include <cmath>

#include "kernels/random.h"

namespace ws {

FieldBatch make_field_batch(const ArchSpec& arch, int64_t B, Device d) {
  WS_CHECK(B >= 1, "make_field_batch: ", B, " NeRFs");
  FieldBatch f;
  f.arch = arch;
  f.B = B;
  if (arch.family != Family::Mlp) f.encoding = f.params.add("encoding", {B, arch.encoding_params()});
  f.mlp = f.params.add("mlp", {B, arch.mlp_params()});
  f.params.materialize(d);
  return f;
}

MlpActivation field_activation(const ArchSpec& arch) {
  return arch.family == Family::Tri ? MlpActivation::Sine : MlpActivation::Relu;
}

void init_field(FieldBatch& f, int64_t b, uint64_t seed, uint64_t stream) {
  WS_CHECK(b >= 0 && b < f.B, "init_field: NeRF ", b, " of a batch of ", f.B);
  const ArchSpec& a = f.arch;
  const Device d = f.device();
  const int64_t P = a.mlp_params();
  float* w = f.mlp.value().f32() + b * P;
  std::vector<int> widths = a.layer_widths();
  int64_t off = 0;  // draws: MLP at Philox indices [0, P), the encoding after it
  for (size_t k = 0; k + 1 < widths.size(); ++k) {
    const double in = widths[k], out = widths[k + 1];
    double bound = a.family == Family::Tri ? (k == 0 ? 30.0 / in : std::sqrt(6.0 / in)) : std::sqrt(6.0 / (in + out));
    const int64_t n = int64_t(in * out);
    fill_uniform(w + off, n, -float(bound), float(bound), seed, stream, uint64_t(off), d);
    off += n;
  }
  if (a.family == Family::Mlp) return;
  const int64_t E = a.encoding_params();
  float* e = f.encoding.value().f32() + b * E;
  if (a.family == Family::Tri)
    fill_normal(e, E, 0.0f, 1e-3f, seed, stream, uint64_t(P), d);
  else
    fill_uniform(e, E, -1e-4f, 1e-4f, seed, stream, uint64_t(P), d);
}

FieldBatch init_field_batch(const ArchSpec& arch, int64_t B, uint64_t seed, Device d) {
  FieldBatch f = make_field_batch(arch, B, d);
  for (int64_t b = 0; b < B; ++b) init_field(f, b, seed, uint64_t(b));
  return f;
}

Var field_raw(const ArchSpec& arch, const Var& mlp, const Var& encoding, const Tensor& x) {
  Var in = field_input(arch, x, encoding);
  const auto cols = encoding_columns(arch);
  Var o = batched_mlp(in, mlp, arch.layer_widths(), field_activation(arch), cols.first, cols.second);
  return nerf_heads(o, x);
}

}  // namespace ws
