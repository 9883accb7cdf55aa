// Host side of marching: checks, the passes of march_kernels.h, and one small read-back
// (the per-NeRF groups) to size the outputs.
#include "models/render/march.h"

#include <cmath>

#include "engine/ops.h"
#include "engine/trace.h"

namespace ws {

int64_t SampleBatch::dropped() const {
  int64_t n = 0;
  for (size_t b = 0; b < rays_in.size(); ++b) n += rays_in[b] - rays_kept[b];
  return n;
}

namespace {
void check_inputs(const Tensor& origins, const Tensor& dirs, const Tensor& nerf, int64_t B, const Tensor& occupancy,
                  int res, const MarchOptions& opt) {
  check_f32("march", origins, "origins");
  check_f32("march", dirs, "dirs");
  WS_CHECK(origins.ndim() == 2 && origins.size(1) == 3, "march: origins must be [R, 3], got ", origins.shape().str());
  WS_CHECK(dirs.shape() == origins.shape(), "march: dirs ", dirs.shape().str(), " must match origins ",
           origins.shape().str());
  WS_CHECK(nerf.defined() && nerf.dtype() == DType::I32 && nerf.ndim() == 1 && nerf.size(0) == origins.size(0),
           "march: nerf must be I32 [", origins.size(0), "] (one NeRF index per ray), got ",
           nerf.defined() ? describe(nerf) : "undefined");
  WS_CHECK(B >= 1, "march: needs at least one NeRF, got ", B);
  WS_CHECK(std::isfinite(opt.step) && opt.step > 0.0f, "march: step must be positive, got ", opt.step);
  WS_CHECK(opt.max_samples >= 1, "march: max_samples must be >= 1, got ", opt.max_samples);
  WS_CHECK(B * opt.max_samples <= INT32_MAX, "march: ", B, " NeRFs x ", opt.max_samples,
           " samples exceed the I32 slot indices");
  if (occupancy.defined()) {
    WS_CHECK(res >= 1, "march: occupancy resolution must be >= 1, got ", res);
    WS_CHECK(occupancy.dtype() == DType::U8 && occupancy.numel() == B * occupancy_bytes(res),
             "march: occupancy must be U8 [", B, ", ", occupancy_bytes(res), "] (", res, "^3 bits per NeRF), got ",
             describe(occupancy));
  }
}
}  // namespace

PackedSamples march_packed(const Tensor& origins, const Tensor& dirs, const Tensor& nerf, int64_t B,
                           const Tensor& occupancy, int res, const MarchOptions& opt) {
  WS_OP("march");
  check_inputs(origins, dirs, nerf, B, occupancy, res, opt);
  Device d = common_device("march", {&origins, &dirs, &nerf, &occupancy});
  int64_t R = origins.size(0), S = opt.max_samples;
  int64_t bad = opt.trust_order ? -1 : march_check_order(nerf.i32(), R, B, d);
  if (bad >= 0) {
    std::vector<int32_t> v = nerf.slice_rows(bad > 0 ? bad - 1 : 0, bad + 1).to_vector_i32();
    fail(str_cat("march: ray ", bad, " has NeRF index ", v.back(),
                 bad > 0 ? str_cat(" after ", v.front()) : std::string(), "; indices must be non-decreasing in [0, ",
                 B, ")"));
  }

  MarchRays rays{origins.f32(), dirs.f32(), nerf.i32(), R};
  MarchParams params{opt.step, opt.jitter, opt.seed, occupancy.defined() ? occupancy.u8() : nullptr,
                     occupancy.defined() ? occupancy_bytes(res) : 0, occupancy.defined() ? res : 1};
  ScratchBuffer counts(size_t(R) * sizeof(int64_t), d), incl(size_t(R) * sizeof(int64_t), d);
  PackedSamples out;
  out.nerfs = B;
  out.max_samples = S;
  out.groups = Tensor::empty({B * int64_t(sizeof(MarchGroup))}, DType::U8, d);
  out.kept = Tensor::empty({1}, DType::I32, d);
  MarchGroup* groups = reinterpret_cast<MarchGroup*>(out.groups.u8());
  march_count(rays, params, counts.as<int64_t>(), d);
  march_scan(counts.as<int64_t>(), incl.as<int64_t>(), R, d);
  march_groups(nerf.i32(), R, counts.as<int64_t>(), incl.as<int64_t>(), B, S, groups, d);
  march_bases(groups, B, out.kept.i32(), d);

  out.x = Tensor::empty({B, S, 3}, DType::F32, d);
  out.t = Tensor::empty({B * S}, DType::F32, d);
  out.delta = Tensor::empty({B * S}, DType::F32, d);
  out.rays = Tensor::empty({R, 2}, DType::I32, d);
  out.ray_index = Tensor::empty({R}, DType::I32, d);
  march_padding(groups, B, S, out.x.f32(), out.t.f32(), out.delta.f32(), d);
  march_fill(rays, params, counts.as<int64_t>(), incl.as<int64_t>(), groups, out.kept.i32(), S, out.x.f32(),
             out.t.f32(), out.delta.f32(), out.rays.i32(), out.ray_index.i32(), d);
  return out;
}

SampleBatch march(const Tensor& origins, const Tensor& dirs, const Tensor& nerf, int64_t B, const Tensor& occupancy,
                  int res, const MarchOptions& opt) {
  PackedSamples p = march_packed(origins, dirs, nerf, B, occupancy, res, opt);
  std::vector<MarchGroup> g(static_cast<size_t>(B));
  p.groups.copy_to_host(g.data(), g.size() * sizeof(MarchGroup));
  SampleBatch out;
  out.nerfs = B;
  out.max_samples = p.max_samples;
  out.samples.resize(size_t(B));
  out.rays_in.resize(size_t(B));
  out.rays_kept.resize(size_t(B));
  int64_t kept = 0;
  for (size_t b = 0; b < g.size(); ++b) {
    kept += g[b].kept;
    out.samples[b] = g[b].used;
    out.rays_in[b] = g[b].end - g[b].first;
    out.rays_kept[b] = g[b].kept;
  }
  out.x = p.x;
  out.t = p.t;
  out.delta = p.delta;
  out.rays = p.rays.slice_rows(0, kept);
  out.ray_index = p.ray_index.slice_rows(0, kept);
  return out;
}

}  // namespace ws
