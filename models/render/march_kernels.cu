// CUDA marching: the shared per-ray bodies plus a CUB scan over the ray counts.
#include <cub/device/device_scan.cuh>

#include "core/allocator.h"
#include "engine/transfers.h"
#include "kernels/launch_cuda.cuh"
#include "models/render/march_kernels_impl.h"

namespace ws::cuda {

void march_count(const MarchRays& r, const MarchParams& p, int64_t* counts) {
  march_count_impl<CudaExec>(r, p, counts);
}

void march_scan(const int64_t* counts, int64_t* incl, int64_t R) {
  if (R <= 0) return;
  // 64-bit integer sums (counts are int64 so CUB accumulates in 64 bits): exact, in any order.
  size_t temp_bytes = 0;
  WS_CUDA_CHECK(cub::DeviceScan::InclusiveSum(nullptr, temp_bytes, counts, incl, R));
  ScratchBuffer temp(temp_bytes, current_cuda_device());
  WS_CUDA_CHECK(cub::DeviceScan::InclusiveSum(temp.as<void>(), temp_bytes, counts, incl, R));
}

void march_groups(const int32_t* nerf, int64_t R, const int64_t* counts, const int64_t* incl, int64_t B,
                  int64_t max_samples, MarchGroup* groups) {
  march_groups_impl<CudaExec>(nerf, R, counts, incl, B, max_samples, groups);
}

void march_bases(MarchGroup* groups, int64_t B, int32_t* kept) { march_bases_impl<CudaExec>(groups, B, kept); }

void march_padding(const MarchGroup* groups, int64_t B, int64_t max_samples, float* x, float* t, float* delta) {
  march_padding_impl<CudaExec>(groups, B, max_samples, x, t, delta);
}

void march_fill(const MarchRays& r, const MarchParams& p, const int64_t* counts, const int64_t* incl,
                const MarchGroup* groups, const int32_t* kept, int64_t max_samples, float* x, float* t, float* delta,
                int32_t* rays, int32_t* ray_index) {
  march_fill_impl<CudaExec>(r, p, counts, incl, groups, kept, max_samples, x, t, delta, rays, ray_index);
}

int64_t march_check_order(const int32_t* nerf, int64_t R, int64_t B) {
  if (R <= 0) return -1;
  ScratchBuffer first_bad(sizeof(unsigned long long), current_cuda_device());
  unsigned long long* fb = first_bad.as<unsigned long long>();
  unsigned long long none = (unsigned long long)R;
  count_upload(sizeof(none));
  copy_bytes(fb, current_cuda_device(), &none, Device::cpu(), sizeof(none));
  // atomicMin: which thread finds a bad ray is data-dependent; the minimum is not.
  CudaExec::for_n(R, [=] __device__(int64_t i) {
    if (nerf[i] < 0 || nerf[i] >= B || (i > 0 && nerf[i] < nerf[i - 1])) atomicMin(fb, (unsigned long long)i);
  });
  unsigned long long bad = 0;
  count_host_read(sizeof(bad));
  copy_bytes(&bad, Device::cpu(), fb, current_cuda_device(), sizeof(bad));
  return bad == none ? -1 : int64_t(bad);
}

}  // namespace ws::cuda
