// Occupancy grids: a ball of density 100 after warm-up (inside occupied, outside not), the
// EMA, the cells chosen after warm-up (uniform + occupied, each decayed once), chunked
// density calls, determinism, bits for files, marching through a fitted grid, parity.
#include <algorithm>
#include <cmath>

#include "models/render/march.h"
#include "models/render/occupancy_grid.h"
#include "tests/render_testing.h"
#include "tests/testing.h"

using namespace ws;
using ws::test::check_close;

namespace {
struct Ball {
  float c[3], r, density;
};

// Density of ball b for NeRF b at unit-box points x [B, S, 3]; records the points per NeRF.
OccupancyGrid::DensityFn ball_density(std::vector<Ball> balls, std::vector<std::vector<float>>* seen = nullptr) {
  return [balls, seen](const Tensor& x) {
    int64_t B = x.size(0), S = x.size(1);
    std::vector<float> xv = x.to_vector(), out(size_t(B * S));
    for (int64_t b = 0; b < B; ++b)
      for (int64_t s = 0; s < S; ++s) {
        const float* p = &xv[size_t(3 * (b * S + s))];
        float d2 = 0;
        for (int a = 0; a < 3; ++a) d2 += (p[a] - balls[b].c[a]) * (p[a] - balls[b].c[a]);
        out[size_t(b * S + s)] = d2 < balls[b].r * balls[b].r ? balls[b].density : 0.0f;
        if (seen) (*seen)[size_t(b)].insert((*seen)[size_t(b)].end(), p, p + 3);
      }
    return Tensor::from(out, {B, S}, x.device());
  };
}

// Whether cell (i, j, k) of a res grid lies wholly inside (+1), wholly outside (-1) the
// ball, or straddles it (0).
int cell_vs_ball(int64_t cell, int res, const Ball& ball) {
  int64_t idx[3] = {cell / (int64_t(res) * res), (cell / res) % res, cell % res};
  double near2 = 0, far2 = 0;
  for (int a = 0; a < 3; ++a) {
    double lo = double(idx[a]) / res, hi = double(idx[a] + 1) / res, c = ball.c[a];
    double n = c < lo ? lo - c : (c > hi ? c - hi : 0), f = std::max(std::fabs(c - lo), std::fabs(c - hi));
    near2 += n * n;
    far2 += f * f;
  }
  double r2 = double(ball.r) * ball.r;
  return far2 < r2 ? 1 : (near2 > r2 ? -1 : 0);
}

std::vector<uint8_t> flags_of(const OccupancyGrid& g, int64_t b) {
  return unpack_occupancy(g.get_bits(b), int64_t(g.res()) * g.res() * g.res());
}

std::vector<float> values_of(const OccupancyGrid& g, int64_t b) {
  return g.values().slice_rows(b, b + 1).to_vector();
}

const std::vector<Ball> kBalls = {{{0.5f, 0.5f, 0.5f}, 0.25f, 100.0f}, {{0.5f, 0.48f, 0.52f}, 0.45f, 100.0f}};
}  // namespace

TEST_CASE("occupancy: after warm-up a ball of density 100 is occupied and the rest is not") {
  OccupancyOptions opt;
  opt.res = 32;
  opt.max_points = 20000;  // several density calls per update
  OccupancyGrid grid(2, Device::cpu(), opt);
  CHECK(grid.occupied_fraction() == std::vector<float>{0.0f, 0.0f});  // starts empty, as nerfacc's
  int calls = 0;
  auto density = ball_density(kBalls);
  CHECK(grid.update(0, [&](const Tensor& x) {
    ++calls;
    CHECK(x.size(0) == 2);
    CHECK(x.numel() <= 3 * opt.max_points);
    return density(x);
  }));
  CHECK(calls == int((32768 + 9999) / 10000));
  for (int64_t b = 0; b < 2; ++b) {
    std::vector<uint8_t> f = flags_of(grid, b);
    std::vector<float> v = values_of(grid, b);
    int inside = 0, outside = 0;
    for (int64_t c = 0; c < int64_t(f.size()); ++c) {
      int where = cell_vs_ball(c, 32, kBalls[b]);
      if (where > 0) {
        ++inside;
        CHECK(f[c] == 1);
        CHECK(v[c] == doctest::Approx(100.0f * opt.step));
      } else if (where < 0) {
        ++outside;
        CHECK(f[c] == 0);
        CHECK(v[c] == 0.0f);
      }
    }
    CHECK(inside > 1000);
    CHECK(outside > 1000);
  }
  std::vector<float> frac = grid.occupied_fraction();
  CHECK(frac[0] == doctest::Approx(4.0 / 3 * M_PI * 0.25 * 0.25 * 0.25).epsilon(0.1));
  CHECK(frac[1] > frac[0]);
}

TEST_CASE("occupancy: every update_every steps, value = max(value * decay, new)") {
  OccupancyOptions opt;
  opt.res = 16;
  OccupancyGrid grid(2, Device::cpu(), opt);
  grid.update(0, ball_density(kBalls));
  std::vector<float> before = grid.values().to_vector();
  std::vector<uint8_t> bits_before = grid.get_bits(0);
  auto dense = ball_density({{{0, 0, 0}, 9, 1e3f}, {{0, 0, 0}, 9, 1e3f}});
  for (int step = 1; step < 16; ++step) CHECK(!grid.update(step, dense));
  CHECK(grid.values().to_vector() == before);
  // Step 16 is still warm-up: every cell gets density 0, so every value decays once.
  CHECK(grid.update(16, ball_density({{{0, 0, 0}, 0, 0}, {{0, 0, 0}, 0, 0}})));
  std::vector<float> after = grid.values().to_vector();
  for (size_t i = 0; i < after.size(); ++i) CHECK(after[i] == before[i] * 0.95f);
  CHECK(grid.get_bits(0) == bits_before);  // the ball is still above min(mean, 0.01)
  // A reading above the decayed value wins: cells wholly in a ball are back at 100 * step;
  // a cell on a ball's surface holds whichever is larger, its new reading or its decayed value.
  grid.update(32, ball_density(kBalls));
  std::vector<float> again = grid.values().to_vector();
  for (size_t i = 0; i < again.size(); ++i) {
    int where = cell_vs_ball(int64_t(i % 4096), 16, kBalls[i / 4096]);
    if (where > 0) CHECK(again[i] == 100.0f * opt.step);
    if (where < 0) CHECK(again[i] == 0.0f);
    if (where == 0) CHECK((again[i] == 100.0f * opt.step || again[i] == after[i] * 0.95f));
  }
}

TEST_CASE("occupancy after warm-up: N uniform cells plus the occupied ones, each decayed once") {
  OccupancyOptions opt;
  opt.res = 16;  // 4096 cells, N = 1024
  opt.warmup_steps = 16;
  OccupancyGrid grid(2, Device::cpu(), opt);
  grid.update(0, ball_density(kBalls));
  std::vector<float> v0 = grid.values().to_vector();
  std::vector<std::vector<uint8_t>> occ = {flags_of(grid, 0), flags_of(grid, 1)};
  int64_t n_occ[2] = {std::count(occ[0].begin(), occ[0].end(), 1), std::count(occ[1].begin(), occ[1].end(), 1)};
  REQUIRE(n_occ[0] < 1024);  // all occupied cells, in order, then padding
  REQUIRE(n_occ[1] > 1024);  // 1024 drawn from the occupied cells

  std::vector<std::vector<float>> seen(2);
  grid.update(16, ball_density({{{0, 0, 0}, 0, 0}, {{0, 0, 0}, 0, 0}}, &seen));  // density 0: chosen cells decay
  std::vector<float> v1 = grid.values().to_vector();
  for (int b = 0; b < 2; ++b) {
    REQUIRE(seen[b].size() == 3 * 2048);
    // The cell of a point (x = (cell + u) / res can round up onto the next cell's wall).
    auto cell_of = [&](int64_t s) {
      const float* p = &seen[b][size_t(3 * s)];
      int64_t c = 0;
      for (int a = 0; a < 3; ++a) c = c * 16 + std::min<int64_t>(int64_t(std::floor(p[a] * 16 - 1e-4f)), 15);
      return c;
    };
    std::vector<bool> chosen(4096, false);
    for (int64_t s = 0; s < 2048; ++s) {
      const float* p = &seen[b][size_t(3 * s)];
      if (s >= 1024 + n_occ[b] && n_occ[b] < 1024) {
        CHECK(p[0] == kPaddingX);  // unused slot
        continue;
      }
      for (int a = 0; a < 3; ++a) CHECK((p[a] >= 0 && p[a] <= 1));
      chosen[size_t(cell_of(s))] = true;
      if (s >= 1024) CHECK(occ[b][size_t(cell_of(s))] == 1);
    }
    if (n_occ[b] < 1024) {  // the occupied cells in order
      int64_t k = 1024;
      for (int64_t c = 0; c < 4096; ++c)
        if (occ[b][size_t(c)]) CHECK(cell_of(k++) == c);
    }
    // Chosen cells decayed exactly once (however often drawn), the others kept their value.
    for (int64_t c = 0; c < 4096; ++c) {
      float old = v0[size_t(b * 4096 + c)], now = v1[size_t(b * 4096 + c)];
      CHECK(now == (chosen[size_t(c)] ? old * 0.95f : old));
    }
  }
  // Threshold: bits = value > min(mean, 0.01) per NeRF.
  for (int b = 0; b < 2; ++b) {
    double mean = 0;
    for (int64_t c = 0; c < 4096; ++c) mean += v1[size_t(b * 4096 + c)];
    mean /= 4096;
    std::vector<uint8_t> expect(4096);
    for (int64_t c = 0; c < 4096; ++c) expect[size_t(c)] = v1[size_t(b * 4096 + c)] > std::min(mean, 0.01);
    CHECK(flags_of(grid, b) == expect);
  }
}

TEST_CASE("occupancy: updates are deterministic for a seed") {
  OccupancyOptions opt;
  opt.res = 16;
  opt.warmup_steps = 16;
  auto run = [&](uint64_t seed) {
    opt.seed = seed;
    OccupancyGrid g(2, Device::cpu(), opt);
    g.update(0, ball_density(kBalls));
    g.update(16, ball_density({{{0.4f, 0.5f, 0.5f}, 0.3f, 50}, {{0.5f, 0.5f, 0.4f}, 0.2f, 5}}));
    return g.values().to_vector();
  };
  std::vector<float> a = run(1);
  CHECK(run(1) == a);
  CHECK(run(2) != a);
}

TEST_CASE("occupancy: mark_all, bits for files and their round trip") {
  OccupancyOptions opt;
  opt.res = 3;  // 27 cells: the last byte is partly padding
  OccupancyGrid grid(3, Device::cpu(), opt);
  grid.mark_all();
  CHECK(grid.occupied_fraction() == std::vector<float>{1.0f, 1.0f, 1.0f});
  CHECK(grid.get_bits(1) == std::vector<uint8_t>{0xff, 0xff, 0xff, 0x07});
  std::vector<uint8_t> flags(27, 0);
  flags[0] = flags[5] = flags[26] = 1;
  grid.set_bits(2, pack_occupancy(flags));
  CHECK(grid.get_bits(2) == pack_occupancy(flags));
  CHECK(unpack_occupancy(grid.get_bits(2), 27) == flags);
  CHECK(grid.occupied_fraction()[2] == doctest::Approx(3.0 / 27));
  grid.set_bits(0, {0xff, 0xff, 0xff, 0xff});  // bits past the last cell are dropped
  CHECK(grid.get_bits(0) == std::vector<uint8_t>{0xff, 0xff, 0xff, 0x07});
  CHECK_THROWS_WITH_AS(grid.set_bits(0, {1, 2}), doctest::Contains("a 3^3 grid needs 4"), Error);
  CHECK_THROWS_WITH_AS(grid.get_bits(3), doctest::Contains("NeRF 3 is outside [0, 3)"), Error);
  CHECK_THROWS_WITH_AS(grid.update(0, [](const Tensor&) { return Tensor::zeros({2}); }),
                       doctest::Contains("must return F32 [3, 27]"), Error);
}

TEST_CASE("occupancy: marching through a fitted grid samples only occupied cells") {
  OccupancyOptions opt;
  opt.res = 32;
  OccupancyGrid grid(2, Device::cpu(), opt);
  grid.update(0, ball_density(kBalls));
  test::TestRays r = test::random_rays({200, 200}, 2);
  MarchOptions mo;
  mo.max_samples = 1 << 18;
  SampleBatch s = march(r.origins_t(), r.dirs_t(), r.nerf_t(), 2, grid.bits(), grid.res(), mo);
  std::vector<float> x = s.x.to_vector();
  for (int b = 0; b < 2; ++b) {
    std::vector<uint8_t> f = flags_of(grid, b);
    CHECK(s.samples[b] > 1000);
    for (int64_t k = b * mo.max_samples; k < b * mo.max_samples + s.samples[b]; ++k)
      CHECK(f[size_t(occupancy_cell(x[3 * k], x[3 * k + 1], x[3 * k + 2], 32))] == 1);
  }
}
