#include "models/render/march_kernels_impl.h"

#include "engine/transfers.h"
#include "models/render/ray_exec.h"

namespace ws {

void march_count(const MarchRays& r, const MarchParams& p, int64_t* counts, Device d) {
  WS_DISPATCH_CUDA(d, cuda::march_count(r, p, counts));
  march_count_impl<CpuRayExec>(r, p, counts);
}

void march_scan(const int64_t* counts, int64_t* incl, int64_t R, Device d) {
  WS_DISPATCH_CUDA(d, cuda::march_scan(counts, incl, R));
  int64_t s = 0;  // one pass of adds: far cheaper than the marching around it
  for (int64_t i = 0; i < R; ++i) incl[i] = s += counts[i];
}

void march_groups(const int32_t* nerf, int64_t R, const int64_t* counts, const int64_t* incl, int64_t B,
                  int64_t max_samples, MarchGroup* groups, Device d) {
  WS_DISPATCH_CUDA(d, cuda::march_groups(nerf, R, counts, incl, B, max_samples, groups));
  march_groups_impl<CpuExec>(nerf, R, counts, incl, B, max_samples, groups);
}

void march_bases(MarchGroup* groups, int64_t B, int32_t* kept, Device d) {
  WS_DISPATCH_CUDA(d, cuda::march_bases(groups, B, kept));
  march_bases_impl<CpuExec>(groups, B, kept);
}

void march_padding(const MarchGroup* groups, int64_t B, int64_t max_samples, float* x, float* t, float* delta,
                   Device d) {
  WS_DISPATCH_CUDA(d, cuda::march_padding(groups, B, max_samples, x, t, delta));
  march_padding_impl<CpuExec>(groups, B, max_samples, x, t, delta);
}

void march_fill(const MarchRays& r, const MarchParams& p, const int64_t* counts, const int64_t* incl,
                const MarchGroup* groups, const int32_t* kept, int64_t max_samples, float* x, float* t, float* delta,
                int32_t* rays, int32_t* ray_index, Device d) {
  WS_DISPATCH_CUDA(d, cuda::march_fill(r, p, counts, incl, groups, kept, max_samples, x, t, delta, rays, ray_index));
  march_fill_impl<CpuRayExec>(r, p, counts, incl, groups, kept, max_samples, x, t, delta, rays, ray_index);
}

int64_t march_check_order(const int32_t* nerf, int64_t R, int64_t B, Device d) {
  if (d.is_cuda()) {
#ifdef WS_CUDA
    use_device(d);
    return cuda::march_check_order(nerf, R, B);
#else
    fail_no_cuda("march_check_order");
#endif
  }
  count_host_read(sizeof(int64_t));  // the GPU path reads its answer back: count the same here
  for (int64_t i = 0; i < R; ++i)
    if (nerf[i] < 0 || nerf[i] >= B || (i > 0 && nerf[i] < nerf[i - 1])) return i;
  return -1;
}

}  // namespace ws
