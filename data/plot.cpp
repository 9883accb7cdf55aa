#include "data/plot.h"

#include <algorithm>
#include <cmath>
#include <vector>

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#include <stb/stb_easy_font.h>
#pragma GCC diagnostic pop

namespace ws {

Rgb palette_color(int i) {
  // Tableau 10 followed by six more of distinct hue and lightness.
  static const Rgb colors[] = {{31, 119, 180}, {255, 127, 14}, {44, 160, 44},  {214, 39, 40},  {148, 103, 189},
                               {140, 86, 75},  {227, 119, 194}, {127, 127, 127}, {188, 189, 34}, {23, 190, 207},
                               {0, 0, 128},    {170, 255, 80},  {255, 215, 0},  {0, 100, 0},    {255, 160, 160},
                               {70, 70, 70}};
  const int n = int(sizeof colors / sizeof colors[0]);
  return colors[((i % n) + n) % n];
}

Marker marker_style(int i) {
  i = ((i % (2 * kMarkerShapes)) + 2 * kMarkerShapes) % (2 * kMarkerShapes);
  return {MarkerShape(i % kMarkerShapes), i < kMarkerShapes};
}

Canvas::Canvas(int width, int height, Rgb bg) : img_(width, height) {
  fill_rect(0, 0, width, height, bg);
}

void Canvas::fill_rect(int x0, int y0, int x1, int y1, Rgb c) {
  x0 = std::max(x0, 0), y0 = std::max(y0, 0), x1 = std::min(x1, width()), y1 = std::min(y1, height());
  for (int y = y0; y < y1; ++y)
    for (int x = x0; x < x1; ++x) {
      uint8_t* p = img_.at(x, y);
      p[0] = c.r, p[1] = c.g, p[2] = c.b, p[3] = 255;
    }
}

void Canvas::line(double x0, double y0, double x1, double y1, Rgb c, double thickness, bool dashed) {
  const double dx = x1 - x0, dy = y1 - y0, len2 = dx * dx + dy * dy, half = thickness / 2;
  const int bx0 = int(std::floor(std::min(x0, x1) - half - 1)), bx1 = int(std::ceil(std::max(x0, x1) + half + 1));
  const int by0 = int(std::floor(std::min(y0, y1) - half - 1)), by1 = int(std::ceil(std::max(y0, y1) + half + 1));
  for (int y = std::max(by0, 0); y <= std::min(by1, height() - 1); ++y)
    for (int x = std::max(bx0, 0); x <= std::min(bx1, width() - 1); ++x) {
      const double px = x + 0.5, py = y + 0.5;
      // The nearest point of the segment and the distance to it.
      const double t = len2 > 0 ? std::clamp(((px - x0) * dx + (py - y0) * dy) / len2, 0.0, 1.0) : 0.0;
      if (dashed && std::fmod(t * std::sqrt(len2), 10.0) > 6.0) continue;
      const double ex = px - (x0 + t * dx), ey = py - (y0 + t * dy);
      blend(x, y, c, std::clamp(half + 0.5 - std::sqrt(ex * ex + ey * ey), 0.0, 1.0));
    }
}

void Canvas::frame(int x0, int y0, int x1, int y1, Rgb c, int t) {
  fill_rect(x0, y0, x1, y0 + t, c);
  fill_rect(x0, y1 - t, x1, y1, c);
  fill_rect(x0, y0, x0 + t, y1, c);
  fill_rect(x1 - t, y0, x1, y1, c);
}

void Canvas::blend(int x, int y, Rgb c, double a) {
  if (x < 0 || y < 0 || x >= width() || y >= height() || a <= 0) return;
  uint8_t* p = img_.at(x, y);
  a = std::min(a, 1.0);
  p[0] = uint8_t(std::lround(p[0] * (1 - a) + c.r * a));
  p[1] = uint8_t(std::lround(p[1] * (1 - a) + c.g * a));
  p[2] = uint8_t(std::lround(p[2] * (1 - a) + c.b * a));
  p[3] = 255;
}

namespace {
// The shape's gauge at offset (dx, dy) from its centre in units of its size: <= 1 inside.
// A regular k-gon with a vertex at angle `first` (radians, y down) uses its edge
// normals: max_e n_e . p / cos(pi / k).
double polygon_gauge(double dx, double dy, int k, double first) {
  const double pi = 3.14159265358979323846;
  double g = -1e30;
  for (int e = 0; e < k; ++e) {
    double a = first + pi / k + 2 * pi * e / k;
    g = std::max(g, dx * std::cos(a) + dy * std::sin(a));
  }
  return g / std::cos(pi / k);
}

double shape_gauge(MarkerShape s, double dx, double dy) {
  const double pi = 3.14159265358979323846;
  switch (s) {
    case MarkerShape::Circle: return std::sqrt(dx * dx + dy * dy);
    case MarkerShape::Square: return polygon_gauge(dx, dy, 4, pi / 4) / 1.2;  // sizes evened out by eye
    case MarkerShape::Diamond: return polygon_gauge(dx, dy, 4, 0) / 1.3;
    case MarkerShape::TriangleUp: return polygon_gauge(dx, dy, 3, -pi / 2) / 1.35;
    case MarkerShape::TriangleDown: return polygon_gauge(dx, dy, 3, pi / 2) / 1.35;
    case MarkerShape::Pentagon: return polygon_gauge(dx, dy, 5, -pi / 2) / 1.1;
    case MarkerShape::Hexagon: return polygon_gauge(dx, dy, 6, 0) / 1.1;
  }
  return 1e30;
}
}  // namespace

void Canvas::marker(double cx, double cy, double radius, Marker m, Rgb c) {
  const int S = 4;  // samples per pixel side
  const double stroke = std::max(1.5, 0.3 * radius) / radius;  // hollow rim, in units of the size
  const int x0 = int(std::floor(cx - 1.6 * radius)), x1 = int(std::ceil(cx + 1.6 * radius));
  const int y0 = int(std::floor(cy - 1.6 * radius)), y1 = int(std::ceil(cy + 1.6 * radius));
  for (int y = y0; y <= y1; ++y)
    for (int x = x0; x <= x1; ++x) {
      int inside = 0;
      for (int sy = 0; sy < S; ++sy)
        for (int sx = 0; sx < S; ++sx) {
          double px = x + (sx + 0.5) / S, py = y + (sy + 0.5) / S;
          double g = shape_gauge(m.shape, (px - cx) / radius, (py - cy) / radius);
          inside += g <= 1.0 && (m.filled || g > 1.0 - stroke);
        }
      blend(x, y, c, double(inside) / (S * S));
    }
}

int Canvas::text_width(const std::string& s, int scale) {
  std::vector<char> buf(s.begin(), s.end());
  buf.push_back('\0');
  return stb_easy_font_width(buf.data()) * scale;
}

int Canvas::text_height(int scale) { return 12 * scale; }

int Canvas::text(int x, int y, const std::string& s, Rgb c, int scale) {
  std::vector<char> str(s.begin(), s.end());
  str.push_back('\0');
  // Each quad: 4 vertices of (x, y, z floats, 4 colour bytes); ~270 bytes per character.
  struct Vertex {
    float x, y, z;
    unsigned char color[4];
  };
  std::vector<Vertex> v(s.size() * 80 + 64);
  int quads = stb_easy_font_print(0, 0, str.data(), nullptr, v.data(), int(v.size() * sizeof(Vertex)));
  for (int q = 0; q < quads; ++q) {
    const Vertex* p = v.data() + 4 * q;
    float qx0 = std::min(p[0].x, p[2].x), qx1 = std::max(p[0].x, p[2].x);
    float qy0 = std::min(p[0].y, p[2].y), qy1 = std::max(p[0].y, p[2].y);
    fill_rect(x + int(std::lround(qx0 * scale)), y + int(std::lround(qy0 * scale)), x + int(std::lround(qx1 * scale)),
              y + int(std::lround(qy1 * scale)), c);
  }
  return text_width(s, scale);
}

void Canvas::draw_image(const Image& src, int x, int y, int w, int h) {
  if (src.width <= 0 || src.height <= 0 || w <= 0 || h <= 0) return;
  double s = std::min(double(w) / src.width, double(h) / src.height);
  int dw = std::max(1, int(std::lround(src.width * s))), dh = std::max(1, int(std::lround(src.height * s)));
  int ox = x + (w - dw) / 2, oy = y + (h - dh) / 2;
  for (int j = 0; j < dh; ++j)
    for (int i = 0; i < dw; ++i) {
      // Bilinear over pixel centres, on colours weighted by alpha (no dark fringes).
      double sx = std::clamp((i + 0.5) / s - 0.5, 0.0, src.width - 1.0);
      double sy = std::clamp((j + 0.5) / s - 0.5, 0.0, src.height - 1.0);
      int ix = int(sx), iy = int(sy);
      int ix1 = std::min(ix + 1, src.width - 1), iy1 = std::min(iy + 1, src.height - 1);
      double fx = sx - ix, fy = sy - iy;
      double acc[4] = {0, 0, 0, 0};
      const int xs[2] = {ix, ix1}, ys[2] = {iy, iy1};
      const double wx[2] = {1 - fx, fx}, wy[2] = {1 - fy, fy};
      for (int b = 0; b < 2; ++b)
        for (int a = 0; a < 2; ++a) {
          const uint8_t* p = src.at(xs[a], ys[b]);
          double wgt = wx[a] * wy[b], al = p[3] / 255.0;
          for (int k = 0; k < 3; ++k) acc[k] += wgt * al * p[k];
          acc[3] += wgt * al;
        }
      if (acc[3] <= 0) continue;
      Rgb c{uint8_t(std::lround(acc[0] / acc[3])), uint8_t(std::lround(acc[1] / acc[3])),
            uint8_t(std::lround(acc[2] / acc[3]))};
      blend(ox + i, oy + j, c, acc[3]);
    }
}

}  // namespace ws
