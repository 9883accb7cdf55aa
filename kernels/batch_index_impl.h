// The bodies of batch_index.h, written once over the launcher (CPU in batch_index.cpp,
// CudaExec in batch_index.cu): docs/design.md §2.4.
#pragma once
#include "kernels/batch_index.h"

namespace ws {

template <class Exec>
void copy_add_i32_impl(const int32_t* src, int32_t* dst, int64_t n, int32_t add) {
  Exec::for_n(n, [=] WS_HD(int64_t i) { dst[i] = (src ? src[i] : 0) + add; });
}

template <class Exec>
void iota_div_i32_impl(int32_t* dst, int64_t n, int64_t div, int32_t mul, int32_t add) {
  Exec::for_n(n, [=] WS_HD(int64_t i) { dst[i] = int32_t(i / div) * mul + add; });
}

template <class Exec>
void inverse_counts_impl(const int32_t* offsets, float* out, int64_t G) {
  Exec::for_n(G, [=] WS_HD(int64_t g) {
    int32_t n = offsets[g + 1] - offsets[g];
    out[g] = n ? 1.0f / float(n) : 0.0f;
  });
}

template <class Exec>
void grouped_offsets_add_impl(int32_t* batch_off, int64_t K, const int32_t* part_off, int64_t U, int64_t key_base) {
  Exec::for_n(K + 1, [=] WS_HD(int64_t k) {
    int64_t u = k - key_base;
    u = u < 0 ? 0 : (u > U ? U : u);
    batch_off[k] += part_off[u];
  });
}

template <class Exec>
void grouped_place_impl(int32_t* perm, const int32_t* cursor, const int32_t* part_off, const int32_t* part_perm,
                        const int32_t* part_key, int64_t n, int64_t key_base, int32_t pos_base) {
  Exec::for_n(n, [=] WS_HD(int64_t p) {
    int32_t u = part_key[p];
    perm[cursor[key_base + u] + (p - part_off[u])] = pos_base + part_perm[p];
  });
}

template <class Exec>
void grouped_advance_impl(int32_t* cursor, const int32_t* part_off, int64_t U, int64_t key_base) {
  Exec::for_n(U, [=] WS_HD(int64_t u) { cursor[key_base + u] += part_off[u + 1] - part_off[u]; });
}

}  // namespace ws
