// Line charts for learning curves (`wsnerf plot --log`): series of (x, y) points drawn
// as polylines over axes with round-number ticks, a linear or logarithmic y axis, and a
// legend; several charts tile into one picture. Drawn with data/plot.h's Canvas.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "data/image.h"
#include "data/plot.h"

namespace ws {

struct ChartSeries {
  std::string name;
  std::vector<double> x, y;  // same length; non-finite y values (and y <= 0 on a log axis) are gaps
  Rgb color = kBlack;
  bool dashed = false;       // reference lines (chance levels)
  bool markers = false;      // a dot at every point (sparse series)
};

struct Chart {
  std::string title, x_label, y_label;
  std::vector<ChartSeries> series;
  bool log_y = false;
  std::optional<double> y_min, y_max;  // fixed y range; default: the data's, padded
};

// One chart, width x height pixels. The legend sits inside the plot where it hides the
// least of the lines; a series with no finite point still gets an entry, marked "(no data)".
Image draw_chart(const Chart& chart, int width = 560, int height = 360);

// Charts tiled row-major, `columns` per row, each width x height, under a title line.
Image draw_charts(const std::vector<Chart>& charts, int columns, const std::string& title, int width = 560,
                  int height = 360);

// Round tick values covering [lo, hi]: about `target` of them at 1, 2 or 5 x 10^k
// (linear), or at the powers of ten (log; lo > 0). Exposed for tests.
std::vector<double> chart_ticks(double lo, double hi, bool log_axis, int target = 5);

}  // namespace ws
