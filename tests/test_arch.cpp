#include "models/nerf/arch.h"
#include "tests/testing.h"

using namespace ws;

TEST_CASE("arch: parameter counts of the training architectures (docs/design.md §3.6)") {
  CHECK(find_arch("MLP").total_params() == 18432);
  CHECK(find_arch("TRI").mlp_params() == 28672);
  CHECK(find_arch("TRI").encoding_params() == 49152);
  CHECK(find_arch("TRI").total_params() == 77824);
  CHECK(find_arch("HASH").mlp_params() == 10240);
  CHECK(find_arch("HASH").encoding_params() == 32768);
  CHECK(find_arch("HASH").total_params() == 43008);
  CHECK(builtin_archs().size() == 13);
}

TEST_CASE("arch: padding and hash levels follow tcnn's arithmetic") {
  CHECK(find_arch("TRI-8C").encoded_dim() == 296);
  CHECK(find_arch("TRI-8C").mlp_input_dim() == 304);
  CHECK(find_arch("HASH").mlp_input_dim() == 16);
  auto levels = find_arch("HASH").hash_level_table();
  REQUIRE(levels.size() == 4);
  // b = 2: scales 15, 31, 63, 127; the coarsest level (16^3 = 4096 entries) is dense
  CHECK(levels[0].res == 16);
  CHECK(levels[0].dense);
  CHECK(levels[3].res == 128);
  CHECK_FALSE(levels[3].dense);
  CHECK(levels[3].size == 4096);
  auto l11 = find_arch("HASH-11T").hash_level_table();
  CHECK(l11[0].size == 2048);  // 16^3 no longer fits 2^11: hashed
  CHECK_FALSE(l11[0].dense);
  CHECK(find_arch("HASH-11T").encoding_params() == 4 * 2048 * 2);
}

TEST_CASE("arch: JSON round trip and clear errors") {
  for (const ArchSpec& a : builtin_archs()) {
    ArchSpec b = ArchSpec::from_json(a.to_json(), "test");
    CHECK(b.same_shape(a));
    CHECK(b.name == a.name);
  }
  CHECK_THROWS_WITH_AS(ArchSpec::from_json(nlohmann::json{{"family", "conv"}}, "x.json"),
                       doctest::Contains("x.json: unknown family 'conv'"), Error);
  CHECK_THROWS_WITH_AS(ArchSpec::from_json(nlohmann::json{{"family", "mlp"}, {"hidden_dim", -3}}, "y.json"),
                       doctest::Contains("'hidden_dim' = -3"), Error);
  CHECK_THROWS_WITH_AS(find_arch("NOPE"), doctest::Contains("built in: MLP, TRI, HASH"), Error);
}
