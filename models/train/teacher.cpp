#include "models/train/teacher.h"

#include "engine/rng.h"
#include "models/render/composite.h"
#include "models/render/march.h"
#include "models/render/occupancy_bits.h"

namespace ws {

namespace {
// Renders candidate rays of NeRFs [first, first + B) (one architecture) and fills their pools.
void render_candidates(const std::vector<NerfFile>& nerfs, const std::vector<std::vector<PinholeCamera>>& cameras,
                       size_t first, size_t B, int64_t candidates, int64_t pool_size, uint64_t seed, Device d,
                       std::vector<TeacherPool>& pools) {
  std::vector<NerfFile> group(nerfs.begin() + int64_t(first), nerfs.begin() + int64_t(first + B));
  const int res = group[0].occupancy_res;
  const float step = group[0].render_step > 0 ? group[0].render_step : kDefaultRenderStep;
  std::vector<float> o, dir;
  std::vector<int32_t> which;
  std::vector<uint8_t> occ;
  for (size_t b = 0; b < B; ++b) {
    const NerfFile& n = group[b];
    WS_CHECK(n.occupancy_res == res, "teacher: NeRFs of one batch must share the occupancy resolution (",
             n.object, ": ", n.occupancy_res, " vs ", res, ")");
    std::vector<uint8_t> bits(size_t(n.occupancy.numel()));
    std::copy(n.occupancy.u8(), n.occupancy.u8() + bits.size(), bits.begin());
    occ.insert(occ.end(), bits.begin(), bits.end());
    const std::vector<PinholeCamera>& cams = cameras[first + b];
    WS_CHECK(!cams.empty(), "teacher: no training cameras for ", n.object);
    Rng rng(seed, first + b);
    for (int64_t k = 0; k < candidates; ++k) {
      const PinholeCamera& c = cams[size_t(rng.below(int64_t(cams.size())))];
      Ray r = camera_ray(c, rng.uniform(0.0f, float(c.width)), rng.uniform(0.0f, float(c.height)));
      o.insert(o.end(), {r.origin.x, r.origin.y, r.origin.z});
      dir.insert(dir.end(), {r.dir.x, r.dir.y, r.dir.z});
      which.push_back(int32_t(b));
    }
  }
  const int64_t R = int64_t(which.size());
  MarchOptions opt;
  opt.step = step;
  opt.max_samples = candidates * 96;  // ample: rays over budget are simply not pooled
  SampleBatch s = march(Tensor::from(o, {R, 3}, d), Tensor::from(dir, {R, 3}, d), Tensor::from(which, {R}, d),
                        int64_t(B), Tensor::from(occ, {int64_t(B), int64_t(occ.size() / B)}, d), res, opt);
  NoGradGuard ng;
  FieldBatch f = field_batch_from(group, d);
  const int64_t N = int64_t(B) * s.max_samples;
  std::vector<Var> parts = split_last(reshape(field_raw(f, s.x), {N, 4}), {3, 1});
  Composited c = composite(parts[0], reshape(parts[1], {N}), s.delta, s.rays,
                           Var(Tensor::zeros({s.kept(), 3}, DType::F32, d)));
  std::vector<float> color = c.color.value().to_vector(), alpha = c.opacity.value().to_vector();
  std::vector<int32_t> index = s.ray_index.to_vector_i32();
  std::vector<std::vector<float>> po(B), pd(B), pc(B), pa(B);
  for (int64_t k = 0; k < s.kept(); ++k) {
    int32_t in = index[size_t(k)];
    size_t b = size_t(which[size_t(in)]);
    if (alpha[size_t(k)] <= 0.01f || int64_t(pa[b].size()) >= pool_size) continue;
    po[b].insert(po[b].end(), o.begin() + 3 * in, o.begin() + 3 * in + 3);
    pd[b].insert(pd[b].end(), dir.begin() + 3 * in, dir.begin() + 3 * in + 3);
    pc[b].insert(pc[b].end(), color.begin() + 3 * k, color.begin() + 3 * k + 3);
    pa[b].push_back(alpha[size_t(k)]);
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
