// NeRF encodings: frequency features, tri-plane sampling, the multi-resolution hash grid.
#include <omp.h>

#include <array>
#include <cmath>

#include "core/rng.h"
#include "kernels/freq_encoding.h"
#include "models/nerf/field_ops.h"
#include "tests/nerf_reference.h"
#include "tests/testing.h"

using namespace ws;
using ws::test::box_positions;
using ws::test::check_close;
using ws::test::check_gradients;
using ws::test::random_tensor;

namespace {
// Points on the box's corners, edges and faces, on grid lines, and outside it.
const std::vector<std::array<float, 3>> kSpecial = {
    {0.0f, 0.0f, 0.0f},  {1.0f, 1.0f, 1.0f},   {0.0f, 1.0f, 0.5f}, {0.5f, 0.5f, 0.5f},  {1.0f, 0.25f, 0.75f},
    {-0.01f, 0.5f, 0.5f}, {1.02f, 0.3f, 0.7f}, {-5.0f, 7.0f, 0.5f}, {0.5f, -1e9f, 3e9f}, {0.999f, 0.001f, 0.5f},
    {1.0f / 31.0f, 2.0f / 31.0f, 30.0f / 31.0f}};

// The special points near the box (|x| <= 1.1): the frequency features of far-away points
// are rounding noise (arguments beyond 2^49, where ws_sinf's reduction is not accurate).
std::vector<std::array<float, 3>> near_special() {
  std::vector<std::array<float, 3>> out;
  for (const auto& p : kSpecial)
    if (std::fabs(p[0]) <= 1.1f && std::fabs(p[1]) <= 1.1f && std::fabs(p[2]) <= 1.1f) out.push_back(p);
  return out;
}
}  // namespace

// ---- frequency encoding ---------------------------------------------------------------

TEST_CASE("freq_encode: sin(2^k pi x + s pi/2) with the fixed float arithmetic, all 48 bands") {
  const int bands = 48;
  Tensor x = box_positions(2, 200, 1, -0.1f, 1.1f, near_special());
  Tensor f = freq_encode(x, bands);
  REQUIRE(f.shape() == Shape{2, x.size(1), 6 * bands});
  std::vector<float> xv = x.to_vector(), got = f.to_vector();
  const int64_t rows = x.rows();
  std::vector<float> exact_def, low_band_got, low_band_want;
  for (int64_t r = 0; r < rows; ++r)
    for (int d = 0; d < 3; ++d)
      for (int k = 0; k < bands; ++k)
        for (int s = 0; s < 2; ++s) {
          const float xd = xv[size_t(r * 3 + d)];
          const float g = got[size_t(r * 6 * bands + d * 2 * bands + 2 * k + s)];
          exact_def.push_back(float(ws::test::ref_freq(xd, k, s)));
          if (k < 10) {  // the real function, in double: the float argument is close for low bands
            low_band_got.push_back(g);
            low_band_want.push_back(float(std::sin(std::ldexp(1.0, k) * M_PI * xd + s * M_PI / 2)));
          }
        }
  // The definition (float argument, each step rounded; an accurate sine): within one ulp.
  check_close(got, exact_def, 1.2e-7, 0, "frequency features vs their float definition");
  // Low bands: the argument's rounding error is about |x| 2^k pi 2^-23 (2e-4 at k = 9).
  check_close(low_band_got, low_band_want, 3e-4, 0, "low bands vs sin in double");
}

TEST_CASE("freq_encode: the argument is rounded step by step, so high bands are not cos(arg)") {
  // At k = 40 the cos argument fl(arg + fl(pi/2)) rounds: the feature is sin of that float, not cos(arg).
  const float x = 0.7310585f;
  const int k = 40;
  const float arg = freq_arg(x, k, 0), arg_c = freq_arg(x, k, 1);
  CHECK(arg == (x * std::ldexp(1.0f, k)) * 3.14159265f);
  CHECK(arg_c == arg + 1.57079637f);
  CHECK(freq_feature(x, k, 1) == float(sinl((long double)arg_c)));
  CHECK(std::fabs(double(freq_feature(x, k, 1)) - double(cosl((long double)arg))) > 1e-3);
  CHECK(exp2_int(0) == 1.0f);
  CHECK(exp2_int(47) == std::ldexp(1.0f, 47));
}

TEST_CASE("freq_encode: writes its column block and the constant-1 padding, nothing else") {
  Tensor x = box_positions(1, 5, 2, 0.0f, 1.0f);
  const int64_t ld = 20;
  Tensor out = Tensor::full({5, ld}, -7.0f);
  freq_encode(x.f32(), 5, 2, out.f32(), ld, 15, 18, Device::cpu());  // 12 features, ones at [15, 18)
  std::vector<float> o = out.to_vector(), xv = x.to_vector();
  for (int64_t r = 0; r < 5; ++r)
    for (int64_t c = 0; c < ld; ++c) {
      float v = o[size_t(r * ld + c)];
      if (c < 12) {
        int d = int(c / 4), k = int(c % 4) / 2, s = int(c % 2);
        CHECK(v == float(ws::test::ref_freq(xv[size_t(r * 3 + d)], k, s)));
      } else {
        CHECK(v == (c >= 15 && c < 18 ? 1.0f : -7.0f));
      }
    }
  CHECK_THROWS_WITH_AS(freq_encode(Tensor::zeros({4, 2}), 3), doctest::Contains("freq_encode: positions must be [..., 3]"),
                       Error);
}

// ---- tri-plane ------------------------------------------------------------------------

TEST_CASE("triplane_sample: bilinear, aligned corners, zero outside, planes summed (naive loop)") {
  const int R = 7, C = 5;
  const int64_t B = 2;
  Tensor planes = random_tensor({B, 3LL * R * R * C}, 3);
  Tensor x = box_positions(B, 100, 4, -0.2f, 1.2f, kSpecial);
  Tensor y = triplane_sample(Var(planes), x, R, C).value();
  REQUIRE(y.shape() == Shape{B, x.size(1), C});
  std::vector<float> pv = planes.to_vector(), xv = x.to_vector(), want;
  for (int64_t i = 0; i < x.rows(); ++i) {
    std::vector<double> r = ws::test::ref_triplane(pv.data() + (i / x.size(1)) * 3 * R * R * C, xv.data() + i * 3, R, C);
    for (double v : r) want.push_back(float(v));
  }
  check_close(y.to_vector(), want, 1e-5, 1e-5, "triplane_sample");

  // Corners land exactly on the cells: x = 0 -> index 0, x = 1 -> index R-1, on every plane.
  std::vector<float> one = {1.0f, 0.0f, 1.0f};  // plane 0 cell (row 0, col R-1); plane 1 (row R-1, col R-1); plane 2 (row R-1, col 0)
  Tensor y1 = triplane_sample(Var(planes.slice_rows(0, 1)), Tensor::from(one, {1, 1, 3}), R, C).value();
  std::vector<float> got1 = y1.to_vector();
  for (int c = 0; c < C; ++c) {
    float w = pv[size_t((0 * R * R + 0 * R + (R - 1)) * C + c)] + pv[size_t((1 * R * R + (R - 1) * R + (R - 1)) * C + c)] +
              pv[size_t((2 * R * R + (R - 1) * R + 0) * C + c)];
    CHECK(got1[size_t(c)] == doctest::Approx(w).epsilon(1e-6));
  }
  // Far outside on every axis: zero.
  Tensor far = Tensor::from(std::vector<float>{-3.0f, 4.0f, 2.0f}, {1, 1, 3});
  for (float v : triplane_sample(Var(planes.slice_rows(0, 1)), far, R, C).value().to_vector()) CHECK(v == 0.0f);
}

// Finite-difference gradients and CPU/CUDA parity of the encodings: the op registry
// (tests/op_cases_models.cpp).
TEST_CASE("triplane_sample: errors name the shapes") {
  const int R = 4, C = 3;
  Tensor planes = random_tensor({2, 3LL * R * R * C}, 5);
  Tensor x = box_positions(2, 30, 6, -0.1f, 1.1f, kSpecial);
  CHECK_THROWS_WITH_AS(triplane_sample(Var(Tensor::zeros({2, 10})), x, R, C),
                       doctest::Contains("triplane_sample: planes must be [2, 144], got [2, 10]"), Error);
  CHECK_THROWS_WITH_AS(triplane_sample(Var(planes), Tensor::zeros({2, 5, 2}), R, C),
                       doctest::Contains("positions must be [B,S,3]"), Error);
}

// ---- hash grid --------------------------------------------------------------------------

TEST_CASE("hash grid: hand-checked corner entries on a dense and a hashed level") {
  // HASH: L = 4, b = 2 -> level 0 scale 15 (res 16, dense, 16^3 = 4096 entries), level 1 scale 31
  // (res 32: 32^3 > 2^12, hashed, 4096 entries).
  const ArchSpec a = find_arch("HASH");
  const auto lv = a.hash_level_table();
  REQUIRE(lv[0].scale == 15.0f);
  REQUIRE(lv[1].scale == 31.0f);
  HashGridLevels g = hash_grid_levels(a);
  HashCorners c;
  // x = 0.5: level 0 pos = 0.5*15 + 0.5 = 8 exactly -> corner 0 = (8,8,8), weight 1.
  const float mid[3] = {0.5f, 0.5f, 0.5f};
  hash_corners(g, 0, mid, c);
  CHECK(c.entry[0] == 8u + 8u * 16u + 8u * 256u);  // 2184
  CHECK(c.w[0] == 1.0f);
  CHECK(c.entry[7] == 9u + 9u * 16u + 9u * 256u);
  CHECK(c.w[7] == 0.0f);
  // level 1: pos = 0.5*31 + 0.5 = 16 -> corner (16,16,16) hashed:
  // 16 * 2654435761 = 42470972176 = 9 * 2^32 + 1816166928; 16 * 805459861 = 12887357776 = 3 * 2^32 + 2...
  const uint32_t hy = uint32_t(16ull * 2654435761ull), hz = uint32_t(16ull * 805459861ull);
  CHECK(hy == uint32_t(42470972176ull - 9ull * 4294967296ull));
  CHECK(hz == uint32_t(12887357776ull - 3ull * 4294967296ull));
  hash_corners(g, 1, mid, c);
  CHECK(c.entry[0] == ((16u ^ hy ^ hz) % 4096u));
  // corner 1 (c_x + 1 = 17): 17 ^ hy ^ hz
  CHECK(c.entry[1] == ((17u ^ hy ^ hz) % 4096u));
  // x = 1 on a dense level reaches c = res = 16, which wraps: (16,15,15) -> 16 + 15*16 + 15*256 = 4096 -> 0.
  const float top[3] = {1.0f, 1.0f, 1.0f};  // pos = 15.5: floor 15, frac 0.5
  hash_corners(g, 0, top, c);
  CHECK(c.entry[0] == 15u + 15u * 16u + 15u * 256u);
  CHECK(c.entry[1] == 0u);
  CHECK(c.w[1] == 0.125f);
  // HASH-11T level 0: 16^3 = 4096 entries do not fit 2^11, so it is hashed, mod 2048.
  HashGridLevels g11 = hash_grid_levels(find_arch("HASH-11T"));
  CHECK_FALSE(g11.dense[0]);
  hash_corners(g11, 0, mid, c);
  const uint32_t h8y = uint32_t(8ull * 2654435761ull), h8z = uint32_t(8ull * 805459861ull);
  CHECK(c.entry[0] == ((8u ^ h8y ^ h8z) % 2048u));
  // The encoded value at an exact corner is that entry's features.
  std::vector<float> tv(size_t(a.encoding_params()));
  for (size_t i = 0; i < tv.size(); ++i) tv[i] = float(i % 9973) * 0.001f;
  Tensor tables = Tensor::from(tv, {1, a.encoding_params()});
  std::vector<float> enc = hash_grid_encode(Var(tables), Tensor::from(std::vector<float>{0.5f, 0.5f, 0.5f}, {1, 1, 3}), a)
                               .value()
                               .to_vector();
  CHECK(enc[0] == tv[2184 * 2]);
  CHECK(enc[1] == tv[2184 * 2 + 1]);
  const uint32_t e1 = lv[1].offset + ((16u ^ hy ^ hz) % 4096u);
  CHECK(enc[2] == tv[e1 * 2]);
  CHECK(enc[3] == tv[e1 * 2 + 1]);
}

TEST_CASE("hash_grid_encode: trilinear over tcnn's corners (naive loop) for several architectures") {
  for (const char* name : {"HASH", "HASH-3N", "HASH-11T"}) {
    const ArchSpec a = find_arch(name);
    const int64_t B = 2;
    Tensor tables = random_tensor({B, a.encoding_params()}, 7);
    Tensor x = box_positions(B, 150, 8, -0.1f, 1.1f, kSpecial);
    Tensor y = hash_grid_encode(Var(tables), x, a).value();
    const int64_t W = int64_t(a.hash_levels) * a.hash_features;
    REQUIRE(y.shape() == Shape{B, x.size(1), W});
    std::vector<float> tv = tables.to_vector(), xv = x.to_vector(), want;
    for (int64_t i = 0; i < x.rows(); ++i) {
      std::vector<double> r = ws::test::ref_hash(a, tv.data() + (i / x.size(1)) * a.encoding_params(), xv.data() + i * 3);
      for (double v : r) want.push_back(float(v));
    }
    check_close(y.to_vector(), want, 2e-5, 1e-5, str_cat("hash_grid_encode ", name));
  }
}

TEST_CASE("hash_grid_encode: errors name the shapes") {
  ArchSpec a = find_arch("HASH");
  a.hash_log2_table = 6;  // small tables: collisions and many checked entries
  a.hash_finest_res = 24;
  a.hash_base_res = 4;
  Tensor tables = random_tensor({2, a.encoding_params()}, 9);
  Tensor x = box_positions(2, 60, 10, -0.05f, 1.05f, kSpecial);
  CHECK_THROWS_WITH_AS(hash_grid_encode(Var(Tensor::zeros({2, 5})), x, a),
                       doctest::Contains("hash_grid_encode: tables must be [2, "), Error);
  CHECK_THROWS_WITH_AS(hash_grid_levels(find_arch("TRI")), doctest::Contains("TRI is a tri architecture"), Error);
}

TEST_CASE("encoding gradients are bitwise the same for any thread count and run") {
  const ArchSpec a = find_arch("HASH");
  const int R = 32, C = 16;
  const int64_t B = 3, S = 6000;
  Tensor x = box_positions(B, S, 11, 0.0f, 1.0f);
  Tensor planes = random_tensor({B, 3LL * R * R * C}, 12), tables = random_tensor({B, a.encoding_params()}, 13);
  Tensor g_tri = random_tensor({B, S, C}, 14), g_hash = random_tensor({B, S, 8}, 15);
  auto run = [&] {
    Var p(planes, true), t(tables, true);
    Var yt = triplane_sample(p, x, R, C), yh = hash_grid_encode(t, x, a);
    backward(add(sum(mul(yt, Var(g_tri))), sum(mul(yh, Var(g_hash)))));
    return std::make_pair(p.grad().to_vector(), t.grad().to_vector());
  };
  const int threads = omp_get_max_threads();
  auto first = run(), second = run();
  omp_set_num_threads(1);
  auto single = run();
  omp_set_num_threads(threads);
  CHECK(first.first == second.first);
  CHECK(first.second == second.second);
  CHECK(first.first == single.first);
  CHECK(first.second == single.second);
}

