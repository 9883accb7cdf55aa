#include <cmath>

#include "core/rng.h"
#include "kernels/random.h"
#include "tests/testing.h"

using namespace ws;
using ws::test::check_close;

TEST_CASE("random fills draw Philox element offset + i of (seed, stream)") {
  const int64_t n = 40000;  // above the parallel grain: several threads fill it
  const uint64_t seed = 1234, stream = 5, offset = 77;
  Tensor u = Tensor::empty({n}), z = Tensor::empty({n});
  fill_uniform(u.f32(), n, -2.0f, 3.0f, seed, stream, offset, Device::cpu());
  fill_normal(z.f32(), n, 0.5f, 2.0f, seed, stream, offset, Device::cpu());
  std::vector<float> want_u(n), want_z(n);
  for (int64_t i = 0; i < n; ++i) {
    want_u[size_t(i)] = -2.0f + 5.0f * philox_uniform(seed, uint64_t(offset + i), stream);
    want_z[size_t(i)] = 0.5f + 2.0f * philox_normal(seed, uint64_t(offset + i), stream);
  }
  check_close(u.to_vector(), want_u, 0, 0, "uniform fill");
  check_close(z.to_vector(), want_z, 0, 0, "normal fill");

  // The distributions are right: range, mean and spread.
  double su = 0, sz = 0, szz = 0;
  float lo = 1e9f, hi = -1e9f;
  for (float v : u.to_vector()) su += v, lo = std::min(lo, v), hi = std::max(hi, v);
  for (float v : z.to_vector()) sz += v, szz += double(v) * v;
  CHECK(lo >= -2.0f);
  CHECK(hi < 3.0f);
  CHECK(su / n == doctest::Approx(0.5).epsilon(0.02));
  double mz = sz / n;
  CHECK(mz == doctest::Approx(0.5).epsilon(0.05));
  CHECK(std::sqrt(szz / n - mz * mz) == doctest::Approx(2.0).epsilon(0.02));

  // Another stream or offset gives other numbers.
  Tensor other = Tensor::empty({n});
  fill_uniform(other.f32(), n, -2.0f, 3.0f, seed, stream + 1, offset, Device::cpu());
  CHECK(other.to_vector() != u.to_vector());
}

TEST_CASE("parity: random fills on CUDA draw the CPU's numbers") {
  if (!test::gpu_or_skip("random fills")) return;
  const int64_t n = 100003;  // not a multiple of any block size
  const uint64_t seed = 99, stream = 3, offset = 12345;
  Tensor uc = Tensor::empty({n}), zc = Tensor::empty({n});
  Tensor ug = Tensor::empty({n}, DType::F32, Device::cuda()), zg = Tensor::empty({n}, DType::F32, Device::cuda());
  fill_uniform(uc.f32(), n, -2.0f, 3.0f, seed, stream, offset, Device::cpu());
  fill_uniform(ug.f32(), n, -2.0f, 3.0f, seed, stream, offset, Device::cuda());
  fill_normal(zc.f32(), n, 0.5f, 2.0f, seed, stream, offset, Device::cpu());
  fill_normal(zg.f32(), n, 0.5f, 2.0f, seed, stream, offset, Device::cuda());
  // Uniform draws are rounded step by step (float_rn.h): the same bits on both devices.
  check_close(ug.to(Device::cpu()).to_vector(), uc.to_vector(), 0, 0, "uniform fill");
  // Normal draws go through log, sqrt and cos, whose device versions may differ in the last bits.
  check_close(zg.to(Device::cpu()).to_vector(), zc.to_vector(), 1e-5, 1e-5, "normal fill");
}
