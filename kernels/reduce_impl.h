// The bodies of reduce.h, written once over the launcher (CPU in reduce.cpp,
// CudaExec in reduce.cu): docs/design.md §2.4.
#pragma once
#include "kernels/reduce.h"

namespace ws {

// Phase 1: partial[b, c] = sum of rows [b*B, (b+1)*B) of column c.
template <class Exec>
void sum_rows_partials(const float* x, float* partial, int64_t R, int64_t C) {
  int64_t nb = (R + kReduceBlockRows - 1) / kReduceBlockRows;
  Exec::for_n(nb * C, [=] WS_HD(int64_t i) {
    int64_t b = i / C, c = i % C, r1 = (b + 1) * kReduceBlockRows < R ? (b + 1) * kReduceBlockRows : R;
    float s = 0.0f;
    for (int64_t r = b * kReduceBlockRows; r < r1; ++r) s += x[r * C + c];
    partial[i] = s;
  });
}

// Phase 2: out[c] (+)= sum over blocks in order.
template <class Exec>
void sum_rows_finish(const float* partial, float* out, int64_t nb, int64_t C, bool acc) {
  Exec::for_n(C, [=] WS_HD(int64_t c) {
    float s = 0.0f;
    for (int64_t b = 0; b < nb; ++b) s += partial[b * C + c];
    out[c] = acc ? out[c] + s : s;
  });
}

template <class Exec>
void sum_cols_impl(const float* x, float* out, int64_t R, int64_t C, float scale, bool acc) {
  Exec::for_n(R, [=] WS_HD(int64_t r) {
    float s = 0.0f;
    for (int64_t c = 0; c < C; ++c) s += x[r * C + c];
    out[r] = acc ? out[r] + scale * s : scale * s;
  });
}

template <class Exec>
void broadcast_cols_impl(const float* g, float* x, int64_t R, int64_t C, float scale, bool acc) {
  Exec::for_2d(R, C, [=] WS_HD(int64_t r, int64_t c) {
    float v = scale * g[r];
    x[r * C + c] = acc ? x[r * C + c] + v : v;
  });
}

template <class Exec>
void broadcast_rows_impl(const float* g, float* x, int64_t R, int64_t C, bool acc) {
  Exec::for_2d(R, C, [=] WS_HD(int64_t r, int64_t c) { x[r * C + c] = acc ? x[r * C + c] + g[c] : g[c]; });
}

}  // namespace ws
