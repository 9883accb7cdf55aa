#include "data/chart.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <utility>

#include "core/error.h"

namespace ws {

namespace {

constexpr Rgb kAxis{90, 90, 90}, kGrid{228, 228, 228}, kLabel{30, 30, 30};

bool plotted(double y, bool log_y) { return std::isfinite(y) && (!log_y || y > 0); }

std::string tick_label(double v, bool log_axis) {
  char buf[32];
  if (log_axis) std::snprintf(buf, sizeof buf, "1e%d", int(std::lround(std::log10(v))));
  else if (v == 0) std::snprintf(buf, sizeof buf, "0");
  else if (std::fabs(v) >= 1e4 || std::fabs(v) < 1e-3) std::snprintf(buf, sizeof buf, "%.0e", v);
  else std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

// Blits `src` into `dst` with its top-left corner at (x, y).
void blit(Image& dst, const Image& src, int x, int y) {
  for (int j = 0; j < src.height && y + j < dst.height; ++j)
    std::copy_n(src.at(0, j), size_t(std::min(src.width, dst.width - x)) * 4, dst.at(x, y + j));
}

}  // namespace

std::vector<double> chart_ticks(double lo, double hi, bool log_axis, int target) {
  std::vector<double> out;
  if (!(hi >= lo) || !std::isfinite(lo) || !std::isfinite(hi)) return out;
  if (log_axis) {
    WS_CHECK(lo > 0, "chart_ticks: a log axis needs lo > 0, got ", lo);
    const int a = int(std::ceil(std::log10(lo) - 1e-9)), b = int(std::floor(std::log10(hi) + 1e-9));
    const int stride = std::max(1, (b - a + 1 + target - 1) / std::max(target, 1));
    for (int e = a; e <= b; e += stride) out.push_back(std::pow(10.0, e));
    return out;
  }
  if (hi == lo) return {lo};
  const double raw = (hi - lo) / std::max(target, 1), mag = std::pow(10.0, std::floor(std::log10(raw)));
  double step = mag;
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (m * mag >= raw) {
      step = m * mag;
      break;
    }
  for (double v = std::ceil(lo / step - 1e-9) * step; v <= hi + 1e-9 * step; v += step)
    out.push_back(std::fabs(v) < 1e-12 * step ? 0.0 : v);
  return out;
}

Image draw_chart(const Chart& ch, int width, int height) {
  // The data's extent.
  double x_lo = 1e300, x_hi = -1e300, y_lo = 1e300, y_hi = -1e300;
  for (const ChartSeries& s : ch.series) {
    WS_CHECK(s.x.size() == s.y.size(), "chart '", ch.title, "': series '", s.name, "' has ", s.x.size(), " x and ",
             s.y.size(), " y values");
    for (size_t i = 0; i < s.x.size(); ++i) {
      if (!plotted(s.y[i], ch.log_y) || !std::isfinite(s.x[i])) continue;
      x_lo = std::min(x_lo, s.x[i]), x_hi = std::max(x_hi, s.x[i]);
      y_lo = std::min(y_lo, s.y[i]), y_hi = std::max(y_hi, s.y[i]);
    }
  }
  const bool empty = x_lo > x_hi;
  if (empty) x_lo = 0, x_hi = 1, y_lo = ch.log_y ? 0.1 : 0, y_hi = 1;
  if (x_hi == x_lo) x_hi = x_lo + 1;
  if (ch.log_y) {  // whole decades
    y_lo = std::pow(10.0, std::floor(std::log10(y_lo))), y_hi = std::pow(10.0, std::ceil(std::log10(y_hi)));
    if (y_hi <= y_lo) y_hi = y_lo * 10;
  } else {
    const double pad = y_hi > y_lo ? 0.05 * (y_hi - y_lo) : std::max(std::fabs(y_hi) * 0.1, 0.5);
    y_lo -= pad, y_hi += pad;
  }
  if (ch.y_min) y_lo = *ch.y_min;
  if (ch.y_max) y_hi = *ch.y_max;

  // Layout: title on top, y ticks on the left, x ticks and label below, legend inside the right.
  const int left = 58, right = 14, top = 26, bottom = 36;
  const int pw = width - left - right, ph = height - top - bottom;
  WS_CHECK(pw > 20 && ph > 20, "chart '", ch.title, "': ", width, "x", height, " px leaves no room to plot");
  Canvas c(width, height);
  // The y label shares the title's row (left of it), clear of the y tick labels below.
  c.text(4, 8, ch.y_label, kLabel);
  c.text(std::max(left, 4 + Canvas::text_width(ch.y_label) + 16), 8, ch.title, kLabel);
  // The range maps inside the frame by `inset` pixels, so a marker at its edge is whole.
  const double inset = 4;
  auto fy = [&](double y) {
    double t = ch.log_y ? (std::log10(y) - std::log10(y_lo)) / (std::log10(y_hi) - std::log10(y_lo))
                        : (y - y_lo) / (y_hi - y_lo);
    return top + inset + (ph - 2 * inset) * (1 - t);
  };
  auto fx = [&](double x) { return left + inset + (pw - 2 * inset) * (x - x_lo) / (x_hi - x_lo); };
  for (double t : chart_ticks(y_lo, y_hi, ch.log_y)) {
    const double y = fy(t);
    c.line(left, y, left + pw, y, kGrid, 1.0);
    std::string s = tick_label(t, ch.log_y);
    c.text(left - 6 - Canvas::text_width(s), int(y) - 5, s, kLabel);
  }
  for (double t : chart_ticks(x_lo, x_hi, false)) {
    const double x = fx(t);
    c.line(x, top, x, top + ph, kGrid, 1.0);
    std::string s = tick_label(t, false);
    c.text(int(x) - Canvas::text_width(s) / 2, top + ph + 5, s, kLabel);
  }
  c.frame(left - 1, top - 1, left + pw + 1, top + ph + 1, kAxis);
  c.text(left + pw / 2 - Canvas::text_width(ch.x_label) / 2, height - 14, ch.x_label, kLabel);

  std::vector<std::pair<double, double>> inked;  // the lines' pixels, every ~2 px: the legend avoids them
  std::vector<std::string> names;                 // legend names; "(no data)" marks a series with no point
  for (const ChartSeries& s : ch.series) {
    bool have = false, any = false;
    double px = 0, py = 0;
    for (size_t i = 0; i < s.x.size(); ++i) {
      if (!plotted(s.y[i], ch.log_y) || !std::isfinite(s.x[i])) {
        have = false;
        continue;
      }
      const double x = fx(s.x[i]), y = std::clamp(fy(s.y[i]), double(top), double(top + ph));
      if (have) {
        c.line(px, py, x, y, s.color, 1.6, s.dashed);
        const int n = 1 + int(std::hypot(x - px, y - py) / 2);
        for (int k = 1; k < n; ++k) inked.push_back({px + (x - px) * k / n, py + (y - py) * k / n});
      }
      inked.push_back({x, y});
      if (s.markers) c.marker(x, y, 2.5, Marker{}, s.color);
      have = any = true, px = x, py = y;
    }
    names.push_back(any || empty ? s.name : s.name + " (no data)");
  }
  // Legend: a short line and the name per series in a white box, inside the plot where it
  // covers the fewest line pixels: a corner or the middle of a side, top-right first.
  int name_w = 0;
  for (const std::string& n : names) name_w = std::max(name_w, Canvas::text_width(n));
  const int bw = name_w + 38, bh = 13 * int(names.size()) + 4;
  const int xs[3] = {left + pw - 2 - bw, left + 2, left + (pw - bw) / 2};
  const int ys[3] = {top + 2, top + ph - 2 - bh, top + (ph - bh) / 2};
  const int spots[8][2] = {{0, 0}, {1, 0}, {0, 1}, {1, 1}, {0, 2}, {1, 2}, {2, 0}, {2, 1}};
  int bx = xs[0], by = ys[0];
  size_t fewest = SIZE_MAX;
  for (const auto& sp : spots) {
    const int x0 = xs[sp[0]], y0 = ys[sp[1]];
    size_t covered = 0;
    for (const auto& [x, y] : inked) covered += x >= x0 - 2 && x <= x0 + bw + 2 && y >= y0 - 2 && y <= y0 + bh + 2;
    if (covered < fewest) fewest = covered, bx = x0, by = y0;
  }
  if (!names.empty()) c.fill_rect(bx, by, bx + bw, by + bh, kWhite);
  for (size_t i = 0; i < names.size(); ++i) {
    const ChartSeries& s = ch.series[i];
    const int ly = by + 4 + 13 * int(i);
    c.line(bx + 4, ly + 5, bx + 26, ly + 5, s.color, 2.0, s.dashed);
    c.text(bx + 32, ly, names[i], kLabel);
  }
  if (empty) c.text(left + 10, top + ph / 2, "no data", kAxis);
  return c.image();
}

Image draw_charts(const std::vector<Chart>& charts, int columns, const std::string& title, int width, int height) {
  WS_CHECK(columns > 0, "draw_charts: columns must be positive");
  const int rows = int((charts.size() + size_t(columns) - 1) / size_t(columns)), head = 28;
  Canvas c(columns * width, head + rows * height);
  c.text(10, 9, title, kLabel);
  Image out = c.image();
  for (size_t i = 0; i < charts.size(); ++i)
    blit(out, draw_chart(charts[i], width, height), int(i % size_t(columns)) * width, head + int(i / size_t(columns)) * height);
  return out;
}

}  // namespace ws
