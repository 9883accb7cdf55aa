// The bodies of gmn.h, written once over the launcher (CPU in gmn.cpp,
// CudaExec in gmn.cu): docs/design.md §2.4.
#pragma once
#include "kernels/gmn.h"

namespace ws {

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
