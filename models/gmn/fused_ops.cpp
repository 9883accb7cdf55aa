#include "models/gmn/fused_ops.h"

#include "kernels/gemm.h"
#include "kernels/gemm_tall.h"
#include "kernels/gather.h"
#include "kernels/gmn.h"
#include "kernels/reduce.h"
#include "kernels/segment.h"
#include "engine/trace.h"

namespace ws {

namespace {
float beta_of(const GradSlot& s) { return s.accumulate ? 1.0f : 0.0f; }
}  // namespace

Var edge_linear(const Var& x, const Var& w, const Var& b, const std::vector<EdgeGather>& gathers,
                const Var& residual, bool relu) {
  WS_OP("edge_linear");
  const Tensor &X = x.value(), &W = w.value();
  check_f32("edge_linear", X, "x");
  check_f32("edge_linear", W, "weight");
  Device d = common_device("edge_linear", {&X, &W, b.defined() ? &b.value() : nullptr,
                                            residual.defined() ? &residual.value() : nullptr});
  WS_CHECK(X.ndim() == 2 && W.ndim() == 2 && X.size(1) == W.size(1), "edge_linear: x ", X.shape().str(),
           " does not match weight ", W.shape().str());
  WS_CHECK(gathers.size() <= 2, "edge_linear: at most two gathers, got ", gathers.size());
  const int64_t E = X.size(0), K = X.size(1), C = W.size(0);
  if (b.defined()) WS_CHECK(b.numel() == C, "edge_linear: bias ", b.shape().str(), " for ", C, " outputs");
  if (residual.defined())
    WS_CHECK(residual.shape() == Shape({E, C}), "edge_linear: residual ", residual.shape().str(), ", expected [",
             E, ", ", C, "]");
  RowGather rg[2];
  bool grad = needs_grad({&x, &w, &b, &residual});
  for (size_t i = 0; i < gathers.size(); ++i) {
    const EdgeGather& g = gathers[i];
    WS_CHECK(g.table.value().ndim() == 2 && g.table.value().size(1) == C && g.index.numel() == E &&
                 g.index.dtype() == DType::I32,
             "edge_linear: gather ", i, " table ", g.table.value().shape().str(), " index ", describe(g.index),
             " for ", E, " edges x ", C, " outputs");
    common_device("edge_linear", {&X, &g.table.value(), &g.index});
    rg[i] = {g.table.value().f32(), g.index.i32()};
    grad = grad || needs_grad({&g.table});
  }
  Var out(Tensor::empty({E, C}, DType::F32, d), grad);
  float* Y = out.value().f32();
  const float* bias = b.defined() ? b.value().f32() : nullptr;
  const float* res = residual.defined() ? residual.value().f32() : nullptr;
  RowEpilogue ep{bias, {rg[0].table, rg[1].table}, {rg[0].idx, rg[1].idx}, res, relu, nullptr};
  if (!(d.is_cpu() && gemm_rows_fused_cpu(true, E, C, K, X.f32(), K, W.f32(), K, Y, C, ep))) {
    edge_terms(Y, E, C, bias, rg[0], rg[1], res, d);  // the terms first, then the GEMM adds into them
    gemm(false, true, E, C, K, 1.0f, X.f32(), K, W.f32(), K, 1.0f, Y, C, d);
    if (relu) unary_forward(Unary::Relu, Y, Y, E * C, d);
  }
  if (!grad) return out;
  record([x, w, b, gathers, residual, out, relu, E, K, C, d] {
    if (!out.has_grad()) return;
    Tensor G = out.grad();
    // ReLU's gradient is applied to G in place: out's gradient has no reader after this
    // backward (the tape runs it after every consumer of out), and a masked copy would cost
    // a second [E, C] buffer. out > 0 exactly where the input was.
    GradSlot sx = x.grad_slot_if_required(), sw = w.grad_slot_if_required(), sb = b.grad_slot_if_required();
    bool fused = false;
    if (d.is_cpu() && gemm_precision() == GemmPrecision::Bf16x3) {  // all of it in one pass over G
      WS_TRACE("edge_linear backward: relu, input, weight and bias");
      fused = linear_backward_fused_cpu({E, C, K, G.f32(), relu ? out.value().f32() : nullptr, x.value().f32(),
                                         w.value().f32(), sx.f32_or_null(), sw.f32_or_null(), sb.f32_or_null(),
                                         sx.accumulate, sw.accumulate, sb.accumulate});
    }
    const float* g = G.f32();
    if (!fused) {  // the same, pass by pass (fp32, CUDA, or shapes the fused kernel refuses)
      if (relu) {
        WS_TRACE("edge_linear backward: relu");
        unary_backward(Unary::Relu, out.value().f32(), nullptr, G.f32(), G.f32(), E * C, false, d);
      }
      if (sx.t.defined()) {
        WS_TRACE("edge_linear backward: input");
        gemm(false, false, E, K, C, 1.0f, g, C, w.value().f32(), K, beta_of(sx), sx.t.f32(), K, d);
      }
      if (sw.t.defined() || sb.t.defined()) {  // one pass over g for both
        WS_TRACE("edge_linear backward: weight and bias");
        weight_bias_grads(E, C, K, g, x.value().f32(), sw.f32_or_null(), sw.accumulate, sb.f32_or_null(),
                          sb.accumulate, d);
      }
    }
    for (const EdgeGather& ga : gathers) {
      if (!ga.table.requires_grad()) continue;
      WS_TRACE("edge_linear backward: gathered rows");
      GradSlot s = ga.table.grad_slot();
      int64_t T = ga.table.value().size(0);
      if (ga.grouped.offsets.defined()) {
        WS_CHECK(ga.grouped.segments() == T, "edge_linear: grouping CSR has ", ga.grouped.segments(),
                 " segments for a table of ", T, " rows");
        segment_sum(g, ga.grouped.offsets.i32(), ga.grouped.perm.defined() ? ga.grouped.perm.i32() : nullptr,
                    s.t.f32(), T, C, false, s.accumulate, d);
      } else {
        scatter_add_rows(g, ga.index.i32(), s.t.f32(), E, C, T, s.accumulate, d);
      }
    }
    // Last: the residual may take the gradient buffer over (out is done with it).
    if (residual.requires_grad()) residual.add_grad(G, true);
  });
  return out;
}

Var readout_relu_mean(const Var& x, const Var& w, const Var& b, const Csr& graphs, const Tensor& edge_graph,
                      const Tensor& inv_count) {
  WS_OP("readout_relu_mean");
  const Tensor &X = x.value(), &W = w.value(), &B = b.value();
  check_f32("readout_relu_mean", X, "x");
  Device d = common_device("readout_relu_mean", {&X, &W, &B, &edge_graph, &inv_count, &graphs.offsets});
  WS_CHECK(X.ndim() == 2 && W.ndim() == 2 && X.size(1) == W.size(1) && B.numel() == W.size(0),
           "readout_relu_mean: x ", X.shape().str(), ", weight ", W.shape().str(), ", bias ", B.shape().str());
  const int64_t E = X.size(0), K = X.size(1), C = W.size(0), G = graphs.segments();
  WS_CHECK(edge_graph.numel() == E && inv_count.numel() == G, "readout_relu_mean: edge_graph ",
           describe(edge_graph), " / inv_count ", describe(inv_count), " for ", E, " rows and ", G, " graphs");
  // Graph boundaries on the host (the tile loop below splits rows by graph): the batch's
  // host copy when it has one, else read from the device.
  std::vector<int32_t> read;
  if (!graphs.host_offsets) read = graphs.offsets.to_vector_i32();
  const std::vector<int32_t>& offs = graphs.host_offsets ? *graphs.host_offsets : read;
  WS_CHECK(int64_t(offs.size()) == G + 1, "readout_relu_mean: ", offs.size(), " host offsets for ", G, " graphs");
  WS_CHECK(offs.front() == 0 && offs.back() == E, "readout_relu_mean: graph offsets end at ", offs.back(),
           " for ", E, " rows");
  const int64_t nb = (C + 7) / 8, tile = d.is_cuda() ? 65536 : 4096;
  Tensor bits = Tensor::empty({E, nb}, DType::U8, d);
  Var z(Tensor::zeros({G, C}, DType::F32, d), needs_grad({&x, &w, &b}));
  {
    Tensor buf = Tensor::empty({std::min(tile, E), C}, DType::F32, d);
    for (int64_t r0 = 0; r0 < E; r0 += tile) {
      int64_t R = std::min(tile, E - r0);
      float* y = buf.f32();
      RowEpilogue ep;
      ep.bias = B.f32();
      ep.relu = true;
      ep.relu_bits = bits.u8() + r0 * nb;
      if (!(d.is_cpu() && gemm_rows_fused_cpu(true, R, C, K, X.f32() + r0 * K, K, W.f32(), K, y, C, ep))) {
        broadcast_rows(B.f32(), y, R, C, false, d);
        gemm(false, true, R, C, K, 1.0f, X.f32() + r0 * K, K, W.f32(), K, 1.0f, y, C, d);
        relu_mask_bits(y, bits.u8() + r0 * nb, R, C, d);
      }
      for (int64_t g = 0; g < G; ++g) {  // the graphs this tile overlaps, in order
        int64_t a = std::max<int64_t>(offs[size_t(g)], r0), e = std::min<int64_t>(offs[size_t(g + 1)], r0 + R);
        if (a < e) sum_rows(y + (a - r0) * C, z.value().f32() + g * C, e - a, C, true, d);
      }
    }
    broadcast_cols(inv_count.f32(), buf.f32(), G, C, 1.0f, false, d);  // buf[:G] = inv_count per row
    binary_forward(Binary::Mul, z.value().f32(), G * C, buf.f32(), G * C, z.value().f32(), d);
  }
  if (z.requires_grad())
    record([x, w, b, z, bits, edge_graph, inv_count, E, K, C, nb, tile, d] {
      if (!z.has_grad()) return;
      Tensor buf = Tensor::empty({std::min(tile, E), C}, DType::F32, d);
      GradSlot sx = x.grad_slot_if_required(), sw = w.grad_slot_if_required(), sb = b.grad_slot_if_required();
      for (int64_t r0 = 0; r0 < E; r0 += tile) {
        int64_t R = std::min(tile, E - r0);
        bool first = r0 == 0;
        float* g = buf.f32();
        {
          WS_TRACE("readout_relu_mean backward: rows");
          masked_graph_rows(bits.u8() + r0 * nb, z.grad().f32(), edge_graph.i32() + r0, inv_count.f32(), g, R, C, d);
        }
        const bool acc_w = first ? sw.accumulate : true, acc_b = first ? sb.accumulate : true;
        if (d.is_cpu() && gemm_precision() == GemmPrecision::Bf16x3) {  // all three in one pass over the tile
          WS_TRACE("readout_relu_mean backward: input, weight and bias");
          if (linear_backward_fused_cpu({R, C, K, g, nullptr, x.value().f32() + r0 * K, w.value().f32(),
                                         x.requires_grad() ? sx.t.f32() + r0 * K : nullptr, sw.f32_or_null(),
                                         sb.f32_or_null(), sx.accumulate, acc_w, acc_b}))
            continue;
        }
        if (x.requires_grad()) {
          WS_TRACE("readout_relu_mean backward: input");
          gemm(false, false, R, K, C, 1.0f, g, C, w.value().f32(), K, beta_of(sx), sx.t.f32() + r0 * K, K, d);
        }
        if (w.requires_grad() || b.requires_grad()) {  // one pass over the tile for both
          WS_TRACE("readout_relu_mean backward: weight and bias");
          weight_bias_grads(R, C, K, g, x.value().f32() + r0 * K, sw.f32_or_null(), acc_w, sb.f32_or_null(), acc_b, d);
        }
      }
    });
  return z;
}

}  // namespace ws
