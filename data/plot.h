// Drawing for the evaluation figures: an RGB canvas over data/image.h's Image with
// filled rectangles and frames, anti-aliased scatter markers (7 shapes, filled or
// hollow: 14 distinct styles), text from stb_easy_font (a public-domain bitmap font made
// of quads, scaled by whole pixels), and scaled images composited by their alpha.
#pragma once
#include <cstdint>
#include <string>

#include "data/image.h"

namespace ws {

struct Rgb {
  uint8_t r = 0, g = 0, b = 0;
};
constexpr Rgb kWhite{255, 255, 255}, kBlack{0, 0, 0}, kGrey{128, 128, 128};

// 16 well-separated colours (the first 13 for the ShapeNet classes); i wraps around.
Rgb palette_color(int i);

enum class MarkerShape { Circle, Square, Diamond, TriangleUp, TriangleDown, Pentagon, Hexagon };
struct Marker {
  MarkerShape shape = MarkerShape::Circle;
  bool filled = true;
};
constexpr int kMarkerShapes = 7;
// Style i: the 7 shapes filled, then the 7 hollow; i wraps around after 14.
Marker marker_style(int i);

class Canvas {
 public:
  Canvas(int width, int height, Rgb background = kWhite);
  int width() const { return img_.width; }
  int height() const { return img_.height; }
  const Image& image() const { return img_; }

  // [x0, x1) x [y0, y1), clipped to the canvas.
  void fill_rect(int x0, int y0, int x1, int y1, Rgb c);
  // An anti-aliased segment `thickness` pixels wide from (x0, y0) to (x1, y1) (pixel centres
  // at +0.5); dashed: 6 px on, 4 px off, counted from (x0, y0).
  void line(double x0, double y0, double x1, double y1, Rgb c, double thickness = 1.5, bool dashed = false);
  // A frame `thickness` pixels wide just inside [x0, x1) x [y0, y1).
  void frame(int x0, int y0, int x1, int y1, Rgb c, int thickness = 1);
  // A marker of about `radius` pixels centred at (cx, cy), 4 x 4 samples per pixel.
  void marker(double cx, double cy, double radius, Marker m, Rgb c);
  // Text with its top-left corner at (x, y), each font pixel `scale` x `scale`; '\n'
  // starts a new line. Returns the width drawn.
  int text(int x, int y, const std::string& s, Rgb c, int scale = 1);
  static int text_width(const std::string& s, int scale = 1);
  static int text_height(int scale = 1);  // one line
  // src scaled (bilinear) to fit [x, x+w) x [y, y+h) keeping its aspect ratio, centred,
  // and composited over the canvas by its alpha.
  void draw_image(const Image& src, int x, int y, int w, int h);

 private:
  void blend(int x, int y, Rgb c, double coverage);
  Image img_;
};

}  // namespace ws
