#include <cmath>

#include "data/chart.h"
#include "tests/testing.h"

using namespace ws;

namespace {
bool is(const uint8_t* p, Rgb c) { return p[0] == c.r && p[1] == c.g && p[2] == c.b; }
int count_colour(const Image& img, Rgb c) {
  int n = 0;
  for (int y = 0; y < img.height; ++y)
    for (int x = 0; x < img.width; ++x) n += is(img.at(x, y), c);
  return n;
}
}  // namespace

TEST_CASE("chart: round tick values, linear and logarithmic") {
  std::vector<double> unit = chart_ticks(0, 1, false);
  REQUIRE(unit.size() == 6);
  for (size_t i = 0; i < unit.size(); ++i) CHECK(unit[i] == doctest::Approx(0.2 * double(i)));
  std::vector<double> t = chart_ticks(3, 97, false);
  CHECK(t.front() == doctest::Approx(20));
  CHECK(t.back() == doctest::Approx(80));
  CHECK(chart_ticks(2e-5, 0.3, true) == std::vector<double>{1e-4, 1e-3, 1e-2, 1e-1});
  CHECK(chart_ticks(5, 5, false) == std::vector<double>{5});
  CHECK(chart_ticks(1, 0, false).empty());
  CHECK_THROWS_AS(chart_ticks(0, 1, true), Error);
}

TEST_CASE("chart: a series is drawn in its colour where its points are, a gap where they are not") {
  const Rgb red{220, 20, 20}, blue{20, 20, 220};
  Chart c{"t", "x", "y", {}};
  c.y_min = 0.0;
  c.y_max = 1.0;
  c.series.push_back({"rising", {0, 1, 2}, {0.0, 0.5, 1.0}, red});
  c.series.push_back({"empty", {0, 1}, {NAN, NAN}, blue});
  Image img = draw_chart(c, 400, 300);
  REQUIRE(img.width == 400);
  REQUIRE(img.height == 300);
  CHECK(count_colour(img, red) > 150);  // the line (and its legend swatch)
  CHECK(count_colour(img, blue) > 0);   // legend only
  CHECK(count_colour(img, blue) < 60);
  // The plot spans x in [58, 386), y in [26, 264): the middle point (1, 0.5) is at its centre.
  bool near_middle = false;
  for (int dy = -2; dy <= 2; ++dy)
    for (int dx = -2; dx <= 2; ++dx) near_middle |= is(img.at(222 + dx, 145 + dy), red);
  CHECK(near_middle);
  c.log_y = true;  // 0 is not on a log axis: that point becomes a gap, the rest still draws
  c.y_min = 1e-3;
  CHECK(count_colour(draw_chart(c, 400, 300), red) > 50);
  CHECK_THROWS_AS(draw_chart(Chart{"bad", "", "", {{"s", {1, 2}, {1}, red}}}, 400, 300), Error);
  Image grid = draw_charts({c, c, c}, 2, "three", 200, 150);
  CHECK(grid.width == 400);
  CHECK(grid.height == 28 + 2 * 150);
}
