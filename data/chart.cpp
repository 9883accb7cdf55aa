#include "data/chart.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

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
  auto fy = [&](double y) {
    double t = ch.log_y ? (std::log10(y) - std::log10(y_lo)) / (std::log10(y_hi) - std::log10(y_lo))
                        : (y - y_lo) / (y_hi - y_lo);
    return top + ph * (1 - t);
  };
  auto fx = [&](double x) { return left + pw * (x - x_lo) / (x_hi - x_lo); };
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

  for (const ChartSeries& s : ch.series) {
    bool have = false;
    double px = 0, py = 0;
    for (size_t i = 0; i < s.x.size(); ++i) {
      if (!plotted(s.y[i], ch.log_y) || !std::isfinite(s.x[i])) {
        have = false;
        continue;
      }
      const double x = fx(s.x[i]), y = std::clamp(fy(s.y[i]), double(top), double(top + ph));
      if (have) c.line(px, py, x, y, s.color, 1.6, s.dashed);
      if (s.markers) c.marker(x, y, 2.5, Marker{}, s.color);
      have = true, px = x, py = y;
    }
  }
  // Legend: a short line and the name per series, top-right inside the plot.
  int name_w = 0;
  for (const ChartSeries& s : ch.series) name_w = std::max(name_w, Canvas::text_width(s.name));
  const int lx = left + pw - name_w - 34;
  for (size_t i = 0; i < ch.series.size(); ++i) {
    const ChartSeries& s = ch.series[i];
    const int ly = top + 6 + 13 * int(i);
    c.fill_rect(lx - 4, ly - 2, left + pw - 2, ly + 11, kWhite);
    c.line(lx, ly + 5, lx + 22, ly + 5, s.color, 2.0, s.dashed);
    c.text(lx + 28, ly, s.name, kLabel);
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
