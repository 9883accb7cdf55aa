#include "models/render/occupancy_grid.h"

#include <algorithm>

#include "engine/ops.h"
#include "kernels/reduce.h"
#include "models/render/occupancy_kernels.h"
#include "engine/trace.h"

namespace ws {

OccupancyGrid::OccupancyGrid(int64_t nerfs, Device device, const OccupancyOptions& opt) : nerfs_(nerfs), opt_(opt) {
  WS_CHECK(nerfs >= 1, "OccupancyGrid: needs at least one NeRF, got ", nerfs);
  WS_CHECK(opt.res >= 1 && opt.res <= 1024, "OccupancyGrid: resolution must be in [1, 1024], got ", opt.res);
  WS_CHECK(opt.update_every >= 1, "OccupancyGrid: update_every must be >= 1, got ", opt.update_every);
  WS_CHECK(opt.max_points >= nerfs, "OccupancyGrid: max_points ", opt.max_points, " is below one point per NeRF (",
           nerfs, ")");
  cells_ = int64_t(opt.res) * opt.res * opt.res;
  bytes_ = occupancy_bytes(opt.res);
  blocks_ = (bytes_ + kOccBlockBytes - 1) / kOccBlockBytes;
  values_ = Tensor::zeros({nerfs, cells_}, DType::F32, device);
  bits_ = Tensor::zeros({nerfs, bytes_}, DType::U8, device);
}

bool OccupancyGrid::update(int64_t step, const DensityFn& density) {
  WS_TRACE("occupancy_update");
  if (step % opt_.update_every != 0) return false;
  Device d = device();
  int64_t B = nerfs_;
  OccSampling p{opt_.res, cells_, bytes_, blocks_, step < opt_.warmup_steps, cells_ / 4, opt_.seed, uint64_t(step),
                bits_.u8(), nullptr, nullptr};
  // Occupied cells are drawn from the bits as they were before this update.
  ScratchBuffer rank(size_t(B * blocks_) * sizeof(int32_t), d), occupied(size_t(B) * sizeof(int64_t), d);
  if (!p.all) {
    occ_rank(bits_.u8(), B, bytes_, blocks_, rank.as<int32_t>(), occupied.as<int64_t>(), d);
    p.block_rank = rank.as<int32_t>();
    p.occupied = occupied.as<int64_t>();
    // Decay each chosen cell once, however often it was drawn; then take the max of its readings.
    int64_t mark_bytes = B * ((cells_ + 31) / 32) * int64_t(sizeof(uint32_t));
    ScratchBuffer mark(size_t(mark_bytes), d);
    zero_bytes(mark.as<void>(), d, size_t(mark_bytes));
    occ_mark(p, B, mark.as<uint32_t>(), d);
    occ_decay(values_.f32(), mark.as<uint32_t>(), B, cells_, opt_.decay, d);
  } else {
    occ_decay(values_.f32(), nullptr, B, cells_, opt_.decay, d);
  }

  int64_t slots = p.slots(), chunk = std::max<int64_t>(1, opt_.max_points / B);
  for (int64_t s0 = 0; s0 < slots; s0 += chunk) {
    int64_t n = std::min(chunk, slots - s0);
    Tensor x = Tensor::empty({B, n, 3}, DType::F32, d);
    occ_points(p, B, s0, n, x.f32(), d);
    Tensor sigma = density(x);
    WS_CHECK(sigma.defined() && sigma.dtype() == DType::F32 && sigma.numel() == B * n && sigma.device() == d,
             "OccupancyGrid::update: the density function must return F32 [", B, ", ", n, "] on ", d.str(),
             " for points ", x.shape().str(), ", got ", sigma.defined() ? describe(sigma) : "undefined");
    occ_scatter_max(p, B, s0, n, sigma.f32(), opt_.step, values_.f32(), d);
  }

  // Threshold per NeRF: min(mean of its grid, opt.threshold). The mean sums fixed blocks
  // (rows of res^2 cells, then the res rows) so it does not depend on the device.
  int64_t r = opt_.res, r2 = r * r;
  Tensor row_sums = Tensor::empty({B * r}, DType::F32, d), mean = Tensor::empty({B}, DType::F32, d);
  sum_cols(values_.f32(), row_sums.f32(), B * r, r2, 1.0f, false, d);
  sum_cols(row_sums.f32(), mean.f32(), B, r, 1.0f / float(cells_), false, d);
  occ_binarize(values_.f32(), mean.f32(), B, cells_, bytes_, opt_.threshold, bits_.u8(), d);
  return true;
}

void OccupancyGrid::mark_all() {
  std::vector<uint8_t> flags(size_t(cells_), 1);
  Tensor one = Tensor::from(pack_occupancy(flags), {1, bytes_}, device());
  for (int64_t b = 0; b < nerfs_; ++b) bits_.slice_rows(b, b + 1).copy_from(one);
}

std::vector<float> OccupancyGrid::occupied_fraction() const {
  Device d = device();
  ScratchBuffer rank(size_t(nerfs_ * blocks_) * sizeof(int32_t), d), occupied(size_t(nerfs_) * sizeof(int64_t), d);
  occ_rank(bits_.u8(), nerfs_, bytes_, blocks_, rank.as<int32_t>(), occupied.as<int64_t>(), d);
  std::vector<int64_t> n(static_cast<size_t>(nerfs_));
  copy_bytes(n.data(), Device::cpu(), occupied.as<int64_t>(), d, n.size() * sizeof(int64_t));
  std::vector<float> f(n.size());
  for (size_t b = 0; b < n.size(); ++b) f[b] = float(double(n[b]) / double(cells_));
  return f;
}

void OccupancyGrid::check_nerf(const char* what, int64_t nerf) const {
  WS_CHECK(nerf >= 0 && nerf < nerfs_, "OccupancyGrid::", what, ": NeRF ", nerf, " is outside [0, ", nerfs_, ")");
}

std::vector<uint8_t> OccupancyGrid::get_bits(int64_t nerf) const {
  check_nerf("get_bits", nerf);
  std::vector<uint8_t> v(static_cast<size_t>(bytes_));
  copy_bytes(v.data(), Device::cpu(), bits_.u8() + nerf * bytes_, device(), v.size());
  return v;
}

void OccupancyGrid::set_bits(int64_t nerf, const std::vector<uint8_t>& bits) {
  check_nerf("set_bits", nerf);
  WS_CHECK(int64_t(bits.size()) == bytes_, "OccupancyGrid::set_bits: got ", bits.size(), " bytes, a ", opt_.res,
           "^3 grid needs ", bytes_);
  std::vector<uint8_t> clean = bits;
  if (cells_ % 8) clean.back() &= uint8_t((1u << (cells_ % 8)) - 1);  // no bits past the last cell
  copy_bytes(bits_.u8() + nerf * bytes_, device(), clean.data(), Device::cpu(), clean.size());
  values_.slice_rows(nerf, nerf + 1).zero_();
}

}  // namespace ws
