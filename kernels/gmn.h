// Kernels behind the graph network's fused ops (models/gmn/): the per-edge sum of
// gathered node projections, bias and residual that a decomposed concat-linear needs,
// and the masked row expansion of the readout's backward.
#pragma once
#include "kernels/launch.h"

namespace ws {

// Up to two row gathers: out[e, :] += table[idx[e], :].
struct RowGather {
  const float* table = nullptr;  // [T, C]
  const int32_t* idx = nullptr;  // [E]
};

// out[E,C] = bias[c] + g0.table[g0.idx[e], c] + g1.table[...] + residual[e, c]
// (absent terms are null pointers and contribute nothing).
void edge_terms(float* out, int64_t E, int64_t C, const float* bias, RowGather g0, RowGather g1,
                const float* residual, Device d);

// Readout forward, one tile of rows: y[R,C] = relu(y) in place, bits[R, ceil(C/8)] of
// y > 0 written (the backward's mask).
void relu_mask_bits(float* y, uint8_t* bits, int64_t R, int64_t C, Device d);
// Readout backward, one tile: g[r, c] = mask(r, c) ? gz[graph[r], c] * inv_count[graph[r]] : 0.
void masked_graph_rows(const uint8_t* bits, const float* gz, const int32_t* graph, const float* inv_count,
                       float* g, int64_t R, int64_t C, Device d);

#ifdef WS_CUDA
namespace cuda {
void edge_terms(float* out, int64_t E, int64_t C, const float* bias, RowGather g0, RowGather g1, const float* residual);
void relu_mask_bits(float* y, uint8_t* bits, int64_t R, int64_t C);
void masked_graph_rows(const uint8_t* bits, const float* gz, const int32_t* graph, const float* inv_count, float* g,
                       int64_t R, int64_t C);
}  // namespace cuda
#endif

// ---- shared bodies --------------------------------------------------------------------
template <class Exec>
void edge_terms_impl(float* out, int64_t E, int64_t C, const float* bias, RowGather g0, RowGather g1,
                     const float* residual) {
  Exec::for_2d(E, C, [=] WS_HD(int64_t e, int64_t c) {
    float v = bias ? bias[c] : 0.0f;
    if (g0.table) v += g0.table[int64_t(g0.idx[e]) * C + c];
    if (g1.table) v += g1.table[int64_t(g1.idx[e]) * C + c];
    if (residual) v += residual[e * C + c];
    out[e * C + c] = v;
  });
}

// One item per (row, byte of 8 columns).
template <class Exec>
void relu_mask_bits_impl(float* y, uint8_t* bits, int64_t R, int64_t C) {
  int64_t nb = (C + 7) / 8;
  Exec::for_n(R * nb, [=] WS_HD(int64_t i) {
    int64_t r = i / nb, c0 = (i % nb) * 8;
    uint8_t m = 0;
    for (int k = 0; k < 8 && c0 + k < C; ++k) {
      float v = y[r * C + c0 + k];
      if (v > 0.0f) m |= uint8_t(1u << k);
      else y[r * C + c0 + k] = 0.0f;
    }
    bits[i] = m;
  });
}

template <class Exec>
void masked_graph_rows_impl(const uint8_t* bits, const float* gz, const int32_t* graph, const float* inv_count,
                            float* g, int64_t R, int64_t C) {
  int64_t nb = (C + 7) / 8;
  // Row-wise so the CPU looks the row's graph up once and walks its columns contiguously.
  Exec::for_rows(R, C, [=] WS_HD(int64_t r, int64_t c0, int64_t nc) {
    const int32_t k = graph[r];
    const float scale = inv_count[k];
    const float* src = gz + int64_t(k) * C;
    const uint8_t* row_bits = bits + r * nb;
    float* out = g + r * C;
    int64_t c = c0;
    if (c % 8 == 0)  // whole bytes: 8 columns per mask byte, a loop the compiler vectorises
      for (; c + 8 <= c0 + nc; c += 8) {
        const unsigned m = row_bits[c / 8];
        for (int b = 0; b < 8; ++b) out[c + b] = (m >> b) & 1u ? src[c + b] * scale : 0.0f;
      }
    for (; c < c0 + nc; ++c) {
      const bool on = (row_bits[c / 8] >> (c % 8)) & 1;
      out[c] = on ? src[c] * scale : 0.0f;
    }
  });
}

}  // namespace ws
