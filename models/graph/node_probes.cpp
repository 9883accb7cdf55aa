#include "models/graph/node_probes.h"

#include <algorithm>
#include <cmath>

#include "engine/autograd.h"
#include "engine/ops.h"
#include "models/nerf/field.h"
#include "models/nerf/field_ops.h"

namespace ws {

Tensor node_probe_features(const GraphTemplate& t, const float* params, const Tensor& points) {
  WS_CHECK(points.ndim() == 2 && points.size(1) == 3, "node probes: points must be [K, 3]");
  WS_CHECK(t.mlp_nodes.size() == t.layer_widths.size(), "node probes: the template of ", t.arch.name,
           " has no MLP node map");
  NoGradGuard ng;
  const ArchSpec& a = t.arch;
  const int64_t K = points.size(0), E = a.encoding_params();
  WS_CHECK(points.device().is_cpu(), "node probes: points must be on the CPU");
  // Host tensors filled in place: nothing here crosses devices (engine/transfers.h).
  auto host_copy = [](const float* p, int64_t n) {
    Tensor t = Tensor::empty({1, n});
    std::copy(p, p + n, t.f32());
    return t;
  };
  const Tensor x = points.reshape({1, K, 3});
  Var enc = E ? Var(host_copy(params, E)) : Var();
  Var h = field_input(a, x, enc);  // [1, K, widths[0]]
  Tensor out = Tensor::zeros({t.nodes, K});
  float* o = out.f32();
  auto store = [&](const Tensor& v, const std::vector<int32_t>& nodes) {  // v [1, K, width]
    const int64_t w = int64_t(nodes.size());
    const float* p = v.f32();
    for (int64_t c = 0; c < w; ++c)
      for (int64_t k = 0; k < K; ++k) {
        const float v_kc = p[k * w + c];
        o[int64_t(nodes[size_t(c)]) * K + k] = std::copysign(std::log1p(std::fabs(v_kc)), v_kc);
      }
  };
  store(h.value(), t.mlp_nodes[0]);
  const std::vector<int>& widths = t.layer_widths;
  const MlpActivation act = field_activation(a);
  int64_t off = E;
  for (size_t l = 0; l + 1 < widths.size(); ++l) {
    const int64_t n = int64_t(widths[l]) * widths[l + 1];
    Var w(host_copy(params + off, n));
    off += n;
    h = batched_mlp(h, w, {widths[l], widths[l + 1]}, act);  // one layer: linear
    if (l + 2 < widths.size()) h = act == MlpActivation::Sine ? sin(h) : relu(h);
    store(h.value(), t.mlp_nodes[l + 1]);
  }
  WS_CHECK(off == t.edges, "node probes: ", off, " parameters read of ", t.edges);
  return out;
}

}  // namespace ws
