// The bodies of march_kernels.h, written once over the launcher (CPU in march_kernels.cpp,
// CudaExec in march_kernels.cu): docs/design.md §2.4.
#pragma once
#include "models/render/march_kernels.h"

namespace ws {

// counts [R] = samples of each ray (int64: their scan may pass 2^31)
template <class Exec>
void march_count_impl(MarchRays r, MarchParams p, int64_t* counts) {
  Exec::for_n(r.n, [=] WS_HD(int64_t i) {
    float t0, t_far;
    int64_t c = 0;
    if (march_interval(r, p, i, t0, t_far))
      c = march_ray(r.origins + 3 * i, r.dirs + 3 * i, t0, t_far, p.step, march_bits(p, r.nerf[i]), p.res,
                    MarchNoVisit());
    counts[i] = c;
  });
}

// groups [B] from the NeRF indices (sorted), counts [R] and their inclusive scan incl [R].
// A NeRF keeps its rays in order while their running sample total stays <= max_samples.
template <class Exec>
void march_groups_impl(const int32_t* nerf, int64_t R, const int64_t* counts, const int64_t* incl, int64_t B,
                       int64_t max_samples, MarchGroup* groups) {
  Exec::for_n(B, [=] WS_HD(int64_t b) {
    MarchGroup g;
    g.first = march_lower_bound(nerf, R, int32_t(b));
    g.end = march_lower_bound(nerf, R, int32_t(b + 1));
    g.base = g.first < g.end ? incl[g.first] - counts[g.first] : 0;
    int64_t lo = g.first, hi = g.end;  // running totals incl - base are non-decreasing
    while (lo < hi) {
      int64_t mid = (lo + hi) / 2;
      if (incl[mid] - g.base <= max_samples) lo = mid + 1;
      else hi = mid;
    }
    g.kept = lo - g.first;
    g.used = g.kept > 0 ? incl[lo - 1] - g.base : 0;
    g.out_base = 0;
    groups[b] = g;
  });
}

// Unused slots of each NeRF's block: x = kPaddingX, t = delta = 0.
template <class Exec>
void march_padding_impl(const MarchGroup* groups, int64_t B, int64_t max_samples, float* x, float* t, float* delta) {
  Exec::for_n(B * max_samples, [=] WS_HD(int64_t s) {
    int64_t b = s / max_samples;
    if (s - b * max_samples < groups[b].used) return;
    x[3 * s] = x[3 * s + 1] = x[3 * s + 2] = kPaddingX;
    t[s] = 0.0f;
    delta[s] = 0.0f;
  });
}

// out_base of every group (a scan over the B groups, on one thread: B is small) and the
// total of kept rays into kept [1]: where each NeRF's kept rays go in the output.
template <class Exec>
void march_bases_impl(MarchGroup* groups, int64_t B, int32_t* kept) {
  Exec::for_n(1, [=] WS_HD(int64_t) {
    int64_t s = 0;
    for (int64_t b = 0; b < B; ++b) {
      groups[b].out_base = s;
      s += groups[b].kept;
    }
    kept[0] = int32_t(s);
  });
}

// Kept rays write their samples (x [B*S,3], t, delta [B*S]), their (first slot, count)
// into rows [0, kept) of rays [R,2] and their input index into ray_index [R]; dropped
// rays follow in input order, as (0, 0) with their input index.
template <class Exec>
void march_fill_impl(MarchRays r, MarchParams p, const int64_t* counts, const int64_t* incl,
                     const MarchGroup* groups, const int32_t* kept, int64_t max_samples, float* x, float* t,
                     float* delta, int32_t* rays, int32_t* ray_index) {
  Exec::for_n(r.n, [=] WS_HD(int64_t i) {
    int32_t b = r.nerf[i];
    const MarchGroup& g = groups[b];
    int64_t k = i - g.first;
    if (k >= g.kept) {  // over the budget: dropped, after every kept ray (g.first - g.out_base drop before b)
      int64_t j = kept[0] + (g.first - g.out_base) + (k - g.kept);
      rays[2 * j] = 0;
      rays[2 * j + 1] = 0;
      ray_index[j] = int32_t(i);
      return;
    }
    int64_t j = g.out_base + k, start = int64_t(b) * max_samples + incl[i] - counts[i] - g.base;
    rays[2 * j] = int32_t(start);
    rays[2 * j + 1] = int32_t(counts[i]);  // <= max_samples
    ray_index[j] = int32_t(i);
    float t0, t_far;
    if (counts[i] == 0 || !march_interval(r, p, i, t0, t_far)) return;
    march_ray(r.origins + 3 * i, r.dirs + 3 * i, t0, t_far, p.step, march_bits(p, b), p.res,
              MarchWriter{x + 3 * start, t + start, delta + start, p.step});
  });
}

}  // namespace ws
