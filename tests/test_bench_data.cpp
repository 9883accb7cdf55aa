// `wsnerf bench data` (tools/bench_data.h) at tiny sizes, through the binary: the JSON it
// prints, and that it cleans up after itself.
#include <filesystem>

#include <nlohmann/json.hpp>

#include "tests/testing.h"

TEST_CASE("bench data: peak RSS and steps/s per loader and size as JSON, its temporary folder removed") {
  ws::test::CliRun r = ws::test::run_wsnerf("bench data --device cpu --sizes 40,20 --steps 2");
  REQUIRE_MESSAGE(r.status == 0, r.err);
  const nlohmann::json j = nlohmann::json::parse(r.out);
  CHECK(j["suite"] == "data");
  const nlohmann::json& res = j.at("results");
  CHECK(res["steps"] == 2);
  const nlohmann::json& cases = res.at("cases");
  REQUIRE(cases.size() == 3);  // memory at the smallest size, then stream at each size in order
  CHECK(cases[0]["loader"] == "memory");
  CHECK(cases[0]["nerf_files"] == 20);  // 10 objects in 2 architectures, 4 of them val
  CHECK(cases[0]["train_objects"] == 6);
  CHECK(cases[1]["loader"] == "stream");
  CHECK(cases[1]["nerf_files"] == 40);
  CHECK(cases[2]["nerf_files"] == 20);
  auto check_run = [](const nlohmann::json& c) {
    CHECK(c["peak_rss_mb"].get<double>() > 10.0);
    CHECK(c["tensor_peak_mb"].get<double>() > 0.0);
    CHECK(c["peak_rss_mb"].get<double>() >= c["tensor_peak_mb"].get<double>());
    CHECK(c["steps_per_second"].get<double>() > 0.0);
  };
  for (const nlohmann::json& c : cases) {
    CHECK(c["steps"] == 2);
    check_run(c);
    CHECK(c.contains("cold") == (c["loader"] == "stream"));  // streaming runs cold, then with its caches
    if (c.contains("cold")) check_run(c["cold"]);
  }
  // Growth is measured from the smallest streamed size to the largest.
  CHECK(res["rss_growth"].get<double>() ==
        doctest::Approx(cases[1]["peak_rss_mb"].get<double>() / cases[2]["peak_rss_mb"].get<double>() - 1.0));
  CHECK(res["stream_vs_memory_speed"].get<double>() ==
        doctest::Approx(cases[2]["steps_per_second"].get<double>() / cases[0]["steps_per_second"].get<double>()));
  CHECK(res["rss_growth_cold"].get<double>() ==
        doctest::Approx(cases[1]["cold"]["peak_rss_mb"].get<double>() / cases[2]["cold"]["peak_rss_mb"].get<double>() - 1.0));
  const std::string marker = "fitting the base NeRFs in ";
  const size_t at = r.err.find(marker);
  REQUIRE(at != std::string::npos);
  const std::string dir = r.err.substr(at + marker.size(), r.err.find('\n', at) - at - marker.size());
  CHECK_MESSAGE(!std::filesystem::exists(dir), dir);

  ws::test::CliRun bad = ws::test::run_wsnerf("bench data --sizes 20 --steps 1");
  CHECK(bad.status != 0);
  CHECK(bad.err.find("--steps") != std::string::npos);
}
