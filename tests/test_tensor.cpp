#include "tests/testing.h"

using namespace ws;

TEST_CASE("tensor: views share storage, clone copies") {
  Tensor t = Tensor::from(std::vector<float>{1, 2, 3, 4, 5, 6}, {3, 2});
  Tensor mid = t.slice_rows(1, 2);
  CHECK(mid.shape() == Shape{1, 2});
  CHECK(mid.to_vector() == std::vector<float>{3, 4});
  mid.fill_(9);
  CHECK(t.to_vector() == std::vector<float>{1, 2, 9, 9, 5, 6});
  Tensor c = t.clone();
  c.zero_();
  CHECK(t.to_vector()[0] == 1);
  CHECK(t.reshape({6}).shape() == Shape{6});
  CHECK_THROWS_WITH_AS(t.reshape({4}), doctest::Contains("reshape"), Error);
  CHECK_THROWS_AS(t.slice_rows(2, 4), Error);
}

TEST_CASE("tensor: dtype checks and describe") {
  Tensor i = Tensor::from(std::vector<int32_t>{1, 2}, {2});
  CHECK_THROWS_WITH_AS(i.f32(), doctest::Contains("I32"), Error);
  CHECK(describe(i) == "I32[2] on cpu");
}

TEST_CASE("allocator: freed blocks are reused, no new system allocation once warm") {
  Allocator& a = Allocator::of(Device::cpu());
  { Tensor warm = Tensor::empty({1000, 37}); }
  size_t before = a.stats().system_allocs;
  for (int i = 0; i < 10; ++i) Tensor t = Tensor::empty({1000, 37});
  CHECK(a.stats().system_allocs == before);
}

TEST_CASE("allocator: an impossible request names the bytes") {
  CHECK_THROWS_WITH_AS(Allocator::of(Device::cpu()).allocate(size_t(1) << 62), doctest::Contains("out of memory"),
                       Error);
}

TEST_CASE("half floats round-trip") {
  for (float f : {0.0f, 1.0f, -2.5f, 65504.0f, 6.1035156e-05f, 5.9604645e-08f, 0.333251953125f}) {
    CHECK(half_to_float(float_to_half(f)) == f);
  }
  CHECK(half_to_float(float_to_half(1e6f)) == INFINITY);
  CHECK(half_to_float(float_to_half(1.0f + 1.0f / 4096)) == 1.0f);  // rounds to even
}
