#include "models/train/teacher.h"

#include <algorithm>

#include "core/hash.h"
#include "core/rng.h"
#include "models/render/composite.h"
#include "models/render/march.h"
#include "models/nerf/occupancy_bits.h"

namespace ws {

namespace {
// Rays rendered per NeRF in one march: bounds the sample buffer (B x kRound x 96 samples) so
// that a large pool is rendered in rounds instead of in one allocation of many GB.
constexpr int64_t kRound = 1024;

// Renders `candidates` rays per NeRF of NeRFs [first, first + B) (one architecture), in rounds
// of at most kRound, and fills their pools. Each NeRF draws its rays from a stream named by its
// object, so a pool does not depend on how many rounds it took, which NeRFs shared its group
// or where the object sits in its split: a pool computed alone (or cached) equals it.
void render_candidates(const std::vector<NerfFile>& nerfs, const std::vector<std::vector<PinholeCamera>>& cameras,
                       const std::vector<std::string>& objects, size_t first, size_t B, int64_t candidates,
                       int64_t pool_size, uint64_t seed, Device d, std::vector<TeacherRays>& out) {
  std::vector<NerfFile> group(nerfs.begin() + int64_t(first), nerfs.begin() + int64_t(first + B));
  const int res = group[0].occupancy_res;
  const float step = teacher_step(group[0]);
  std::vector<uint8_t> occ;
  std::vector<Rng> rngs;
  for (size_t b = 0; b < B; ++b) {
    const NerfFile& n = group[b];
    WS_CHECK(n.occupancy_res == res && teacher_step(n) == step,
             "teacher: NeRFs rendered together must share the occupancy resolution and step (", n.object, ")");
    WS_CHECK(!cameras[first + b].empty(), "teacher: no training cameras for ", n.object);
    occ.insert(occ.end(), n.occupancy.u8(), n.occupancy.u8() + n.occupancy.numel());
    rngs.emplace_back(seed, fnv1a(objects[first + b]));
  }
  const Tensor occ_t = Tensor::from(occ, {int64_t(B), int64_t(occ.size() / B)}, d);
  NoGradGuard ng;
  const FieldBatch f = field_batch_from(group, d);
  std::vector<TeacherRays> rays(B);
  for (int64_t done = 0; done < candidates; done += kRound) {
    const int64_t n_round = std::min(kRound, candidates - done);
    std::vector<float> o, dir;
    std::vector<int32_t> which;
    for (size_t b = 0; b < B; ++b) {
      const std::vector<PinholeCamera>& cams = cameras[first + b];
      for (int64_t k = 0; k < n_round; ++k) {
        const PinholeCamera& c = cams[size_t(rngs[b].below(int64_t(cams.size())))];
        Ray r = camera_ray(c, rngs[b].uniform(0.0f, float(c.width)), rngs[b].uniform(0.0f, float(c.height)));
        o.insert(o.end(), {r.origin.x, r.origin.y, r.origin.z});
        dir.insert(dir.end(), {r.dir.x, r.dir.y, r.dir.z});
        which.push_back(int32_t(b));
      }
    }
    const int64_t R = int64_t(which.size());
    MarchOptions opt;
    opt.step = step;
    opt.max_samples = n_round * 96;  // ample: rays over budget are simply not pooled
    SampleBatch s = march(Tensor::from(o, {R, 3}, d), Tensor::from(dir, {R, 3}, d), Tensor::from(which, {R}, d),
                          int64_t(B), occ_t, res, opt);
    const int64_t N = int64_t(B) * s.max_samples;
    std::vector<Var> parts = split_last(reshape(field_raw(f, s.x), {N, 4}), {3, 1});
    Composited c = composite(parts[0], reshape(parts[1], {N}), s.delta, s.rays,
                             Var(Tensor::zeros({s.kept(), 3}, DType::F32, d)));
    std::vector<float> color = c.color.value().to_vector(), alpha = c.opacity.value().to_vector();
    std::vector<int32_t> index = s.ray_index.to_vector_i32();
    for (int64_t k = 0; k < s.kept(); ++k) {
      int32_t in = index[size_t(k)];
      TeacherRays& p = rays[size_t(which[size_t(in)])];
      if (alpha[size_t(k)] <= 0.01f || p.count() >= pool_size) continue;
      p.origins.insert(p.origins.end(), o.begin() + 3 * in, o.begin() + 3 * in + 3);
      p.dirs.insert(p.dirs.end(), dir.begin() + 3 * in, dir.begin() + 3 * in + 3);
      p.color.insert(p.color.end(), color.begin() + 3 * k, color.begin() + 3 * k + 3);
      p.opacity.push_back(alpha[size_t(k)]);
    }
    bool all_full = true;
    for (const TeacherRays& p : rays) all_full = all_full && p.count() >= pool_size;
    if (all_full) break;
  }
  for (size_t b = 0; b < B; ++b) out[first + b] = std::move(rays[b]);
}
}  // namespace

float teacher_step(const NerfFile& nerf) { return nerf.render_step > 0 ? nerf.render_step : kDefaultRenderStep; }

std::vector<TeacherRays> render_teacher_rays(const std::vector<NerfFile>& nerfs,
                                             const std::vector<std::vector<PinholeCamera>>& cameras,
                                             const std::vector<std::string>& objects, int64_t pool_size,
                                             uint64_t seed, Device d) {
  WS_CHECK(nerfs.size() == cameras.size() && nerfs.size() == objects.size(), "teacher: ", nerfs.size(), " NeRFs for ",
           cameras.size(), " camera sets and ", objects.size(), " object names");
  std::vector<TeacherRays> rays(nerfs.size());
  constexpr size_t kGroup = 8;  // NeRFs rendered together (those that march alike)
  for (size_t first = 0, end; first < nerfs.size(); first = end) {
    for (end = first + 1; end < nerfs.size() && end - first < kGroup &&
                          nerfs[end].occupancy_res == nerfs[first].occupancy_res &&
                          teacher_step(nerfs[end]) == teacher_step(nerfs[first]);
         ++end) {
    }
    render_candidates(nerfs, cameras, objects, first, end - first, 4 * pool_size, pool_size, seed, d, rays);
  }
  return rays;
}

TeacherPool make_teacher_pool(const NerfFile& nerf, const TeacherRays& rays, Device d) {
  const int64_t q = rays.count();
  WS_CHECK(int64_t(rays.origins.size()) == 3 * q && int64_t(rays.dirs.size()) == 3 * q &&
               int64_t(rays.color.size()) == 3 * q,
           "teacher: rays of ", nerf.object, " have ", rays.origins.size(), " origin, ", rays.dirs.size(),
           " direction and ", rays.color.size(), " colour values for ", q, " opacities");
  TeacherPool p;
  p.origins = Tensor::from(rays.origins, {q, 3}, d);
  p.dirs = Tensor::from(rays.dirs, {q, 3}, d);
  p.color = Tensor::from(rays.color, {q, 3}, d);
  p.opacity = Tensor::from(rays.opacity, {q}, d);
  p.occupancy = nerf.occupancy.to(d);
  p.occupancy_res = nerf.occupancy_res;
  p.render_step = teacher_step(nerf);
  const int64_t cells = int64_t(p.occupancy_res) * p.occupancy_res * p.occupancy_res;
  const uint8_t* bits = nerf.occupancy.u8();
  std::vector<int32_t> empty;
  for (int64_t cell = 0; cell < cells; ++cell)
    if (!occupancy_bit(bits, cell)) empty.push_back(int32_t(cell));
  p.empty_cells = Tensor::from(empty, {int64_t(empty.size())}, d);
  return p;
}

std::vector<TeacherPool> build_teacher_pools(const std::vector<NerfFile>& nerfs,
                                             const std::vector<std::vector<PinholeCamera>>& cameras,
                                             const std::vector<std::string>& objects, int64_t pool_size,
                                             uint64_t seed, Device d) {
  std::vector<TeacherRays> rays = render_teacher_rays(nerfs, cameras, objects, pool_size, seed, d);
  std::vector<TeacherPool> pools;
  for (size_t i = 0; i < nerfs.size(); ++i) pools.push_back(make_teacher_pool(nerfs[i], rays[i], d));
  return pools;
}

}  // namespace ws
