#include "models/nerf/field_ops.h"

#include <algorithm>

#include "core/allocator.h"
#include "engine/ops/grad_out.h"
#include "kernels/elementwise.h"
#include "kernels/freq_encoding.h"
#include "kernels/gemm.h"
#include "kernels/nerf_heads.h"
#include "kernels/triplane.h"
#include "engine/trace.h"

namespace ws {

namespace {
// x must be F32 [B,S,3]; `batch` (when >= 0) is the B the other inputs have.
void check_positions(const char* op, const Tensor& x, int64_t batch = -1) {
  check_f32(op, x, "x");
  WS_CHECK(x.ndim() == 3 && x.size(2) == 3, op, ": positions must be [B,S,3], got ", x.shape().str());
  if (batch >= 0)
    WS_CHECK(x.size(0) == batch, op, ": positions ", x.shape().str(), " for ", batch, " NeRFs");
}

// A [B, n] parameter tensor of the given width.
void check_params(const char* op, const Var& p, const char* what, int64_t B, int64_t n) {
  check_f32(op, p.value(), what);
  WS_CHECK(p.value().ndim() == 2 && p.shape()[0] == B && p.shape()[1] == n, op, ": ", what, " must be [", B, ", ",
           n, "], got ", p.shape().str());
}
}  // namespace

Tensor freq_encode(const Tensor& x, int bands) {
  WS_OP("freq_encode");
  check_f32("freq_encode", x, "x");
  WS_CHECK(x.ndim() >= 1 && x.cols() == 3, "freq_encode: positions must be [..., 3], got ", x.shape().str());
  Shape os = x.shape();
  os.dims[os.ndim - 1] = 6 * int64_t(bands);
  Tensor out = Tensor::empty(os, DType::F32, x.device());
  freq_encode(x.f32(), x.rows(), bands, out.f32(), 6 * int64_t(bands), 0, 0, x.device());
  return out;
}

Var triplane_sample(const Var& planes, const Tensor& x, int R, int C) {
  WS_OP("triplane_sample");
  const char* op = "triplane_sample";
  check_positions(op, x);
  WS_CHECK(R >= 2 && C >= 1, op, ": resolution ", R, " and channels ", C, " (need R >= 2, C >= 1)");
  const int64_t B = x.size(0), S = x.size(1);
  check_params(op, planes, "planes", B, 3LL * R * R * C);
  Device d = common_device(op, {&planes.value(), &x});
  Var out(Tensor::empty({B, S, C}, DType::F32, d), needs_grad({&planes}));
  triplane_forward(planes.value().f32(), x.f32(), B, S, R, C, out.value().f32(), C, d);
  if (out.requires_grad())
    record([planes, x, out, B, S, R, C, d] {
      if (!out.has_grad()) return;
      GradOut g = grad_out(planes);
      triplane_backward(x.f32(), out.grad().f32(), C, B, S, R, C, g.ptr, g.accumulate, d);
    });
  return out;
}

HashGridLevels hash_grid_levels(const ArchSpec& arch) {
  WS_CHECK(arch.family == Family::Hash, "hash_grid_levels: ", arch.name, " is a ", family_name(arch.family),
           " architecture");
  std::vector<ArchSpec::HashLevel> table = arch.hash_level_table();
  WS_CHECK(int(table.size()) <= kMaxHashLevels, "hash_grid_levels: ", table.size(), " levels (at most ",
           kMaxHashLevels, ")");
  HashGridLevels g;
  g.levels = int(table.size());
  g.features = arch.hash_features;
  for (int l = 0; l < g.levels; ++l) {
    const ArchSpec::HashLevel& lv = table[size_t(l)];
    g.scale[l] = lv.scale;
    g.res[l] = lv.res;
    g.size[l] = lv.size;
    g.offset[l] = lv.offset;
    g.dense[l] = lv.dense;
    g.entries += lv.size;
  }
  return g;
}

Var hash_grid_encode(const Var& tables, const Tensor& x, const ArchSpec& arch) {
  WS_OP("hash_grid_encode");
  const char* op = "hash_grid_encode";
  check_positions(op, x);
  const HashGridLevels g = hash_grid_levels(arch);
  const int64_t B = x.size(0), S = x.size(1), P = arch.encoding_params(), W = int64_t(g.levels) * g.features;
  check_params(op, tables, "tables", B, P);
  Device d = common_device(op, {&tables.value(), &x});
  Var out(Tensor::empty({B, S, W}, DType::F32, d), needs_grad({&tables}));
  hash_grid_forward(g, tables.value().f32(), P, x.f32(), B, S, out.value().f32(), W, d);
  if (out.requires_grad())
    record([tables, x, out, g, B, S, P, W, d] {
      if (!out.has_grad()) return;
      GradOut t = grad_out(tables);
      hash_grid_backward(g, x.f32(), out.grad().f32(), W, B, S, t.ptr, P, t.accumulate, d);
    });
  return out;
}

std::pair<int64_t, int64_t> encoding_columns(const ArchSpec& a) {
  switch (a.family) {
    case Family::Mlp: return {0, 0};
    case Family::Tri: return {6LL * a.freq_bands, 6LL * a.freq_bands + a.tri_channels};
    case Family::Hash: return {0, int64_t(a.hash_levels) * a.hash_features};
  }
  return {0, 0};
}

Var field_input(const ArchSpec& a, const Tensor& x, const Var& encoding) {
  WS_OP("field_input");
  const char* op = "field_input";
  check_positions(op, x);
  const int64_t B = x.size(0), S = x.size(1), W = a.mlp_input_dim(), P = a.encoding_params();
  const bool has_enc = a.family != Family::Mlp;
  WS_CHECK(has_enc == encoding.defined(), op, ": ", a.name, " (", family_name(a.family), ") ",
           has_enc ? "needs encoding parameters" : "has no encoding parameters, but some were given");
  if (has_enc) check_params(op, encoding, "encoding", B, P);
  Device d = common_device(op, {&x, has_enc ? &encoding.value() : nullptr});
  Var out(Tensor::empty({B, S, W}, DType::F32, d), needs_grad({&encoding}));
  float* X = out.value().f32();
  const int bands = a.family == Family::Hash ? 0 : a.freq_bands;
  freq_encode(x.f32(), B * S, bands, X, W, a.encoded_dim(), W, d);  // also the constant-1 padding
  const auto cols = encoding_columns(a);
  if (a.family == Family::Tri)
    triplane_forward(encoding.value().f32(), x.f32(), B, S, a.tri_res, a.tri_channels, X + cols.first, W, d);
  HashGridLevels g;
  if (a.family == Family::Hash) {
    g = hash_grid_levels(a);
    hash_grid_forward(g, encoding.value().f32(), P, x.f32(), B, S, X + cols.first, W, d);
  }
  if (out.requires_grad())
    record([a, x, encoding, out, g, cols, B, S, W, P, d] {
      if (!out.has_grad()) return;
      GradOut e = grad_out(encoding);
      const float* G = out.grad().f32() + cols.first;
      if (a.family == Family::Tri)
        triplane_backward(x.f32(), G, W, B, S, a.tri_res, a.tri_channels, e.ptr, e.accumulate, d);
      else
        hash_grid_backward(g, x.f32(), G, W, B, S, e.ptr, P, e.accumulate, d);
    });
  return out;
}

namespace {
// Sizes and offsets of a bias-free MLP, fixed-size so the op's closure holds no heap memory.
constexpr int kMaxMlpLayers = 24;
struct MlpLayout {
  int layers = 0;
  int64_t in[kMaxMlpLayers], out[kMaxMlpLayers];
  int64_t w_off[kMaxMlpLayers];  // first weight of layer k within one NeRF's P
  int64_t h_off[kMaxMlpLayers];  // hidden layer k's activations start at h_off[k] * B * S
  int64_t params = 0, hidden_total = 0, max_hidden = 0;
};

MlpLayout mlp_layout(const char* op, const std::vector<int>& widths) {
  MlpLayout m;
  m.layers = int(widths.size()) - 1;
  WS_CHECK(m.layers >= 1 && m.layers <= kMaxMlpLayers, op, ": ", widths.size(), " widths (2 to ", kMaxMlpLayers + 1,
           ")");
  for (int k = 0; k < m.layers; ++k) {
    m.in[k] = widths[size_t(k)];
    m.out[k] = widths[size_t(k + 1)];
    WS_CHECK(m.in[k] >= 1 && m.out[k] >= 1, op, ": widths must be positive");
    m.w_off[k] = m.params;
    m.h_off[k] = m.hidden_total;
    m.params += m.in[k] * m.out[k];
    if (k + 1 < m.layers) {
      m.hidden_total += m.out[k];
      m.max_hidden = std::max(m.max_hidden, m.out[k]);
    }
  }
  return m;
}
}  // namespace

Var batched_mlp(const Var& x, const Var& weights, const std::vector<int>& widths, MlpActivation act,
                int64_t x_grad_begin, int64_t x_grad_end) {
  WS_OP("batched_mlp");
  const char* op = "batched_mlp";
  const Tensor &X = x.value(), &Wt = weights.value();
  check_f32(op, X, "x");
  check_f32(op, Wt, "weights");
  Device d = common_device(op, {&X, &Wt});
  const MlpLayout m = mlp_layout(op, widths);
  const int nl = m.layers;
  const int64_t P = m.params;
  WS_CHECK(X.ndim() == 3 && X.size(2) == m.in[0], op, ": x must be [B,S,", m.in[0], "], got ", X.shape().str());
  const int64_t B = X.size(0), S = X.size(1), BS = B * S;
  WS_CHECK(Wt.ndim() == 2 && Wt.size(0) == B && Wt.size(1) == P, op, ": weights must be [", B, ", ", P,
           "] for widths of ", nl, " layers, got ", Wt.shape().str());
  if (x_grad_end < 0) x_grad_end = m.in[0];
  WS_CHECK(0 <= x_grad_begin && x_grad_begin <= x_grad_end && x_grad_end <= m.in[0], op, ": x gradient columns [",
           x_grad_begin, ", ", x_grad_end, ") outside [0, ", m.in[0], ")");

  // Hidden activations, saved for backward: post (inputs of the next layer) and, for the
  // sine, pre-activations (its derivative needs z).
  Tensor post = Tensor::empty({BS * m.hidden_total}, DType::F32, d);
  Tensor pre = act == MlpActivation::Sine ? Tensor::empty({BS * m.hidden_total}, DType::F32, d) : Tensor();
  Var out(Tensor::empty({B, S, m.out[nl - 1]}, DType::F32, d), needs_grad({&x, &weights}));
  const float* W = Wt.f32();
  for (int k = 0; k < nl; ++k) {
    const int64_t in = m.in[k], ow = m.out[k];
    const float* H = k == 0 ? X.f32() : post.f32() + m.h_off[k - 1] * BS;
    const bool last = k + 1 == nl;
    float* Z = last ? out.value().f32() : (pre.defined() ? pre.f32() : post.f32()) + m.h_off[k] * BS;
    // Z[S,ow] = H[S,in] W_k^T for every NeRF
    gemm_batched(false, true, S, ow, in, 1.0f, H, in, S * in, W + m.w_off[k], in, P, 0.0f, Z, ow, S * ow, B, d);
    if (!last)
      unary_forward(act == MlpActivation::Sine ? Unary::Sin : Unary::Relu, Z, post.f32() + m.h_off[k] * BS, BS * ow,
                    d);
  }
  if (out.requires_grad())
    record([x, weights, out, m, act, post, pre, x_grad_begin, x_grad_end, B, S, d] {
      if (!out.has_grad()) return;
      const int64_t BS = B * S, P = m.params;
      const float* W = weights.value().f32();
      GradOut gw = grad_out(weights);
      ScratchBuffer buf(size_t(2 * BS * std::max<int64_t>(m.max_hidden, 1)) * sizeof(float), d);
      float* ping[2] = {buf.as<float>(), buf.as<float>() + BS * m.max_hidden};
      const float* G = out.grad().f32();  // gradient w.r.t. layer k's output (pre-activation)
      for (int k = m.layers - 1; k >= 0; --k) {
        const int64_t in = m.in[k], ow = m.out[k];
        const float* H = k == 0 ? x.value().f32() : post.f32() + m.h_off[k - 1] * BS;
        if (gw.ptr)  // dW_k[ow,in] = G^T H, summed over the S samples of each NeRF
          gemm_batched(true, false, ow, in, S, 1.0f, G, ow, S * ow, H, in, S * in, gw.accumulate ? 1.0f : 0.0f,
                       gw.ptr + m.w_off[k], in, P, B, d);
        if (k > 0) {  // dH[S,in] = G W_k, then through the activation of hidden layer k-1
          float* dH = ping[k & 1];
          gemm_batched(false, false, S, in, ow, 1.0f, G, ow, S * ow, W + m.w_off[k], in, P, 0.0f, dH, in, S * in, B,
                       d);
          if (act == MlpActivation::Sine)
            unary_backward(Unary::Sin, pre.f32() + m.h_off[k - 1] * BS, nullptr, dH, dH, BS * in, false, d);
          else  // relu'(z) = [z > 0] = [relu(z) > 0]
            unary_backward(Unary::Relu, post.f32() + m.h_off[k - 1] * BS, nullptr, dH, dH, BS * in, false, d);
          G = dH;
        } else if (x.requires_grad() && x_grad_end > x_grad_begin) {
          GradSlot s = x.grad_slot();
          if (!s.accumulate && x_grad_end - x_grad_begin < in) s.t.zero_();
          // dX[:, begin:end] = G W_0[:, begin:end]
          gemm_batched(false, false, S, x_grad_end - x_grad_begin, ow, 1.0f, G, ow, S * ow, W + x_grad_begin, in, P,
                       s.accumulate ? 1.0f : 0.0f, s.t.f32() + x_grad_begin, in, S * in, B, d);
        }
      }
    });
  return out;
}

Var nerf_heads(const Var& o, const Tensor& x) {
  WS_OP("nerf_heads");
  const char* op = "nerf_heads";
  const Tensor& O = o.value();
  check_f32(op, O, "o");
  check_positions(op, x);
  WS_CHECK(O.ndim() == 3 && O.size(0) == x.size(0) && O.size(1) == x.size(1) && O.size(2) >= 4, op,
           ": raw outputs must be [B,S,K >= 4] matching positions ", x.shape().str(), ", got ", O.shape().str());
  Device d = common_device(op, {&O, &x});
  const int64_t n = x.size(0) * x.size(1), K = O.size(2);
  Var out(Tensor::empty({x.size(0), x.size(1), 4}, DType::F32, d), needs_grad({&o}));
  nerf_heads_forward(O.f32(), K, x.f32(), n, out.value().f32(), d);
  if (out.requires_grad())
    record([o, x, out, n, K, d] {
      if (!out.has_grad()) return;
      GradOut g = grad_out(o);
      nerf_heads_backward(o.value().f32(), K, x.f32(), out.value().f32(), out.grad().f32(), n, g.ptr, g.accumulate,
                          d);
    });
  return out;
}

}  // namespace ws
