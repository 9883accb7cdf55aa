#include <cmath>
#include <cstdlib>

#include "data/chart.h"
#include "tests/testing.h"

using namespace ws;

namespace {
bool is(const uint8_t* p, Rgb c) { return p[0] == c.r && p[1] == c.g && p[2] == c.b; }
// Nearer colour c than white: a line's anti-aliased pixels count.
bool inked_with(const uint8_t* p, Rgb c) {
  const int q[3] = {c.r, c.g, c.b};
  int to_c = 0, to_white = 0;
  for (int k = 0; k < 3; ++k) to_c += std::abs(p[k] - q[k]), to_white += 255 - p[k];
  return to_c < to_white;
}
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

TEST_CASE("chart: the legend goes where it hides no line, and edge points are drawn whole") {
  const Rgb red{220, 20, 20}, blue{20, 20, 220};
  Chart c{"t", "x", "y", {}};
  c.y_min = 0.0;
  c.y_max = 1.0;
  // Lines along the top and the bottom of the plot, with a marker at every point: the
  // legend's first choice (top-right) and its second (top-left) would hide part of one.
  c.series.push_back({"top", {0, 5, 10}, {1.0, 1.0, 1.0}, red, false, true});
  c.series.push_back({"bottom", {0, 10}, {0.0, 0.0}, blue});
  Image img = draw_chart(c, 400, 300);
  // The plot spans x in [58, 386), y in [26, 264), its range 4 px inside: y = 1 is row 30.
  int gaps = 0;
  for (int x = 62; x <= 382; ++x) {
    bool red_here = false, blue_here = false;
    for (int dy = -1; dy <= 1; ++dy)
      red_here |= inked_with(img.at(x, 30 + dy), red), blue_here |= inked_with(img.at(x, 260 + dy), blue);
    gaps += !red_here + !blue_here;
  }
  CHECK(gaps == 0);
  // The last marker, at the plot's right end, is whole: as much red right of its centre as left.
  int left_of = 0, right_of = 0;
  for (int dy = -4; dy <= 4; ++dy)
    for (int dx = 1; dx <= 4; ++dx) left_of += inked_with(img.at(382 - dx, 30 + dy), red),
      right_of += inked_with(img.at(382 + dx, 30 + dy), red);
  CHECK(right_of > 0);
  CHECK(right_of >= left_of - 4);  // the line comes in from the left
  // The legend is still drawn: the blue swatch is there beside the blue line.
  int blue_off_line = 0;
  for (int y = 40; y < 250; ++y)
    for (int x = 58; x < 386; ++x) blue_off_line += inked_with(img.at(x, y), blue);
  CHECK(blue_off_line > 10);
}
