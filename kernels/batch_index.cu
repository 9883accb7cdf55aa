#include "kernels/batch_index_impl.h"
#include "kernels/launch_cuda.cuh"

namespace ws::cuda {

void copy_add_i32(const int32_t* src, int32_t* dst, int64_t n, int32_t add) {
  copy_add_i32_impl<CudaExec>(src, dst, n, add);
}
void iota_div_i32(int32_t* dst, int64_t n, int64_t div, int32_t mul, int32_t add) {
  iota_div_i32_impl<CudaExec>(dst, n, div, mul, add);
}
void inverse_counts(const int32_t* offsets, float* out, int64_t G) { inverse_counts_impl<CudaExec>(offsets, out, G); }
void grouped_offsets_add(int32_t* batch_off, int64_t K, const int32_t* part_off, int64_t U, int64_t key_base) {
  grouped_offsets_add_impl<CudaExec>(batch_off, K, part_off, U, key_base);
}
void grouped_place(int32_t* perm, const int32_t* cursor, const int32_t* part_off, const int32_t* part_perm,
                   const int32_t* part_key, int64_t n, int64_t key_base, int32_t pos_base) {
  grouped_place_impl<CudaExec>(perm, cursor, part_off, part_perm, part_key, n, key_base, pos_base);
}
void grouped_advance(int32_t* cursor, const int32_t* part_off, int64_t U, int64_t key_base) {
  grouped_advance_impl<CudaExec>(cursor, part_off, U, key_base);
}

}  // namespace ws::cuda
