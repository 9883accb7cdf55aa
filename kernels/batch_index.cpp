#include "kernels/batch_index_impl.h"

namespace ws {

void copy_add_i32(const int32_t* src, int32_t* dst, int64_t n, int32_t add, Device d) {
  WS_DISPATCH_CUDA(d, cuda::copy_add_i32(src, dst, n, add));
  copy_add_i32_impl<CpuExec>(src, dst, n, add);
}

void iota_div_i32(int32_t* dst, int64_t n, int64_t div, int32_t mul, int32_t add, Device d) {
  WS_CHECK(div > 0, "iota_div_i32: div must be positive, got ", div);
  WS_DISPATCH_CUDA(d, cuda::iota_div_i32(dst, n, div, mul, add));
  iota_div_i32_impl<CpuExec>(dst, n, div, mul, add);
}

void inverse_counts(const int32_t* offsets, float* out, int64_t G, Device d) {
  WS_DISPATCH_CUDA(d, cuda::inverse_counts(offsets, out, G));
  inverse_counts_impl<CpuExec>(offsets, out, G);
}

void grouped_offsets_add(int32_t* batch_off, int64_t K, const int32_t* part_off, int64_t U, int64_t key_base,
                         Device d) {
  WS_DISPATCH_CUDA(d, cuda::grouped_offsets_add(batch_off, K, part_off, U, key_base));
  grouped_offsets_add_impl<CpuExec>(batch_off, K, part_off, U, key_base);
}

void grouped_place(int32_t* perm, const int32_t* cursor, const int32_t* part_off, const int32_t* part_perm,
                   const int32_t* part_key, int64_t n, int64_t key_base, int32_t pos_base, Device d) {
  WS_DISPATCH_CUDA(d, cuda::grouped_place(perm, cursor, part_off, part_perm, part_key, n, key_base, pos_base));
  grouped_place_impl<CpuExec>(perm, cursor, part_off, part_perm, part_key, n, key_base, pos_base);
}

void grouped_advance(int32_t* cursor, const int32_t* part_off, int64_t U, int64_t key_base, Device d) {
  WS_DISPATCH_CUDA(d, cuda::grouped_advance(cursor, part_off, U, key_base));
  grouped_advance_impl<CpuExec>(cursor, part_off, U, key_base);
}

}  // namespace ws
