#include "models/train/teacher.h"

#include <algorithm>

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
// of at most kRound, and fills their pools. Each NeRF draws its rays from its own stream, so
// a pool does not depend on how many rounds it took or which NeRFs shared its group.
void render_candidates(const std::vector<NerfFile>& nerfs, const std::vector<std::vector<PinholeCamera>>& cameras,
                       size_t first, size_t B, int64_t candidates, int64_t pool_size, uint64_t seed, Device d,
                       std::vector<TeacherPool>& pools) {
  std::vector<NerfFile> group(nerfs.begin() + int64_t(first), nerfs.begin() + int64_t(first + B));
  const int res = group[0].occupancy_res;
  const float step = group[0].render_step > 0 ? group[0].render_step : kDefaultRenderStep;
  std::vector<uint8_t> occ;
  std::vector<Rng> rngs;
  for (size_t b = 0; b < B; ++b) {
    const NerfFile& n = group[b];
    WS_CHECK(n.occupancy_res == res, "teacher: NeRFs of one batch must share the occupancy resolution (",
             n.object, ": ", n.occupancy_res, " vs ", res, ")");
    WS_CHECK(!cameras[first + b].empty(), "teacher: no training cameras for ", n.object);
    occ.insert(occ.end(), n.occupancy.u8(), n.occupancy.u8() + n.occupancy.numel());
    rngs.emplace_back(seed, first + b);
  }
  const Tensor occ_t = Tensor::from(occ, {int64_t(B), int64_t(occ.size() / B)}, d);
  NoGradGuard ng;
  const FieldBatch f = field_batch_from(group, d);
  std::vector<std::vector<float>> po(B), pd(B), pc(B), pa(B);
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
      size_t b = size_t(which[size_t(in)]);
      if (alpha[size_t(k)] <= 0.01f || int64_t(pa[b].size()) >= pool_size) continue;
      po[b].insert(po[b].end(), o.begin() + 3 * in, o.begin() + 3 * in + 3);
      pd[b].insert(pd[b].end(), dir.begin() + 3 * in, dir.begin() + 3 * in + 3);
      pc[b].insert(pc[b].end(), color.begin() + 3 * k, color.begin() + 3 * k + 3);
      pa[b].push_back(alpha[size_t(k)]);
    }
    bool all_full = true;
    for (size_t b = 0; b < B; ++b) all_full = all_full && int64_t(pa[b].size()) >= pool_size;
    if (all_full) break;
  }
  for (size_t b = 0; b < B; ++b) {
    TeacherPool& p = pools[first + b];
    int64_t q = int64_t(pa[b].size());
    p.origins = Tensor::from(po[b], {q, 3}, d);
    p.dirs = Tensor::from(pd[b], {q, 3}, d);
    p.color = Tensor::from(pc[b], {q, 3}, d);
    p.opacity = Tensor::from(pa[b], {q}, d);
    p.occupancy = group[b].occupancy.to(d);
    p.occupancy_res = res;
    p.render_step = step;
    const uint8_t* bits = group[b].occupancy.u8();
    std::vector<int32_t> empty;
    for (int64_t cell = 0; cell < int64_t(res) * res * res; ++cell)
      if (!occupancy_bit(bits, cell)) empty.push_back(int32_t(cell));
    p.empty_cells = Tensor::from(empty, {int64_t(empty.size())}, d);
  }
}
}  // namespace

std::vector<TeacherPool> build_teacher_pools(const std::vector<NerfFile>& nerfs,
                                             const std::vector<std::vector<PinholeCamera>>& cameras,
                                             int64_t pool_size, uint64_t seed, Device d) {
  WS_CHECK(nerfs.size() == cameras.size(), "teacher: ", nerfs.size(), " NeRFs for ", cameras.size(), " camera sets");
  std::vector<TeacherPool> pools(nerfs.size());
  constexpr size_t kGroup = 8;  // NeRFs rendered together
  for (size_t first = 0; first < nerfs.size(); first += kGroup)
    render_candidates(nerfs, cameras, first, std::min(kGroup, nerfs.size() - first), 4 * pool_size, pool_size, seed,
                      d, pools);
  return pools;
}

}  // namespace ws
