// Integer bookkeeping for batches assembled on the device (graph batches, the rendering
// loss): offset copies, inverse segment sizes, and the concatenation of per-part CSRs
// that group positions by a key into one CSR over a shared key space. All I32.
#pragma once
#include "kernels/launch.h"

namespace ws {

// dst[i] = (src ? src[i] : 0) + add for i < n.
void copy_add_i32(const int32_t* src, int32_t* dst, int64_t n, int32_t add, Device d);
// dst[i] = i / div * mul + add for i < n (row -> block index maps and block offsets).
void iota_div_i32(int32_t* dst, int64_t n, int64_t div, int32_t mul, int32_t add, Device d);
// out[g] = 1 / (offsets[g+1] - offsets[g]), 0 for an empty segment; g < G.
void inverse_counts(const int32_t* offsets, float* out, int64_t G, Device d);

// Concatenating grouped CSRs. Part j groups its positions p < n_j by a local key
// u < U_j (offsets part_off [U_j+1], perm part_perm [n_j] in stable order, part_key [n_j]
// = the key of the p-th listed position); in the batch its key is key_base_j + u and its
// positions are pos_base_j + part_perm[p]. The batch CSR lists, per key, the parts'
// positions part after part: the stable grouping of the concatenated key array.
// 1. batch_off [K+1] = 0, then per part: batch_off[k] += part_off[clamp(k - key_base, 0, U)].
void grouped_offsets_add(int32_t* batch_off, int64_t K, const int32_t* part_off, int64_t U, int64_t key_base,
                         Device d);
// 2. cursor [K] = batch_off[0..K), then per part in order: place, then advance.
void grouped_place(int32_t* perm, const int32_t* cursor, const int32_t* part_off, const int32_t* part_perm,
                   const int32_t* part_key, int64_t n, int64_t key_base, int32_t pos_base, Device d);
void grouped_advance(int32_t* cursor, const int32_t* part_off, int64_t U, int64_t key_base, Device d);

#ifdef WS_CUDA
namespace cuda {
void copy_add_i32(const int32_t* src, int32_t* dst, int64_t n, int32_t add);
void iota_div_i32(int32_t* dst, int64_t n, int64_t div, int32_t mul, int32_t add);
void inverse_counts(const int32_t* offsets, float* out, int64_t G);
void grouped_offsets_add(int32_t* batch_off, int64_t K, const int32_t* part_off, int64_t U, int64_t key_base);
void grouped_place(int32_t* perm, const int32_t* cursor, const int32_t* part_off, const int32_t* part_perm,
                   const int32_t* part_key, int64_t n, int64_t key_base, int32_t pos_base);
void grouped_advance(int32_t* cursor, const int32_t* part_off, int64_t U, int64_t key_base);
}  // namespace cuda
#endif

}  // namespace ws
