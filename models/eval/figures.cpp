#include "models/eval/figures.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>

#include "data/dataset.h"
#include "data/plot.h"
#include "models/render/render_image.h"
#include "models/eval/eval_sets.h"

namespace ws {

namespace {
constexpr Rgb kText{30, 30, 30}, kQuery{40, 90, 200}, kHit{30, 160, 60}, kMiss{210, 40, 40}, kFrameGrey{200, 200, 200};

// "chair/003" -> ("chair", "003"); a key without '/' is all id.
std::pair<std::string, std::string> split_key(const std::string& key) {
  size_t s = key.find('/');
  return s == std::string::npos ? std::make_pair(std::string(), key) : std::make_pair(key.substr(0, s), key.substr(s + 1));
}

// Cuts text to fit `px` pixels (scale 1), ending in ".." when cut.
std::string fit_text(std::string s, int px) {
  if (Canvas::text_width(s) <= px) return s;
  while (!s.empty() && Canvas::text_width(s + "..") > px) s.pop_back();
  return s + "..";
}
}  // namespace

ThumbnailFn dataset_view_thumbnails(const EmbeddingSet& set, const std::string& data_root) {
  return [&set, data_root](int64_t row) {
    auto [cls, id] = split_key(set.rows.at(size_t(row)).object);
    std::string path = object_dir(data_root, cls, id) + "/train/00.png";
    WS_CHECK(std::ifstream(path).good(), "thumbnail of ", set.rows[size_t(row)].object, ": no view ", path,
             " (is --data the dataset the NeRFs were fitted on?)");
    return load_image(path);
  };
}

ThumbnailFn nerf_render_thumbnails(const EmbeddingSet& set, int size) {
  Transforms rig = rig_transforms();
  PinholeCamera cam = make_camera(rig.frames.at(1).transform_matrix, rig.camera_angle_x, size, size);
  return [&set, cam](int64_t row) {
    const EmbeddingRow& r = set.rows.at(size_t(row));
    WS_CHECK(!r.nerf.empty(), "thumbnail of ", r.object, " (", r.arch, "): the embeddings file names no NeRF file");
    return render_image(load_nerf(r.nerf), cam, Background::White);
  };
}

ThumbnailFn placeholder_thumbnails(const EmbeddingSet& set) {
  std::vector<std::string> classes = set.classes();
  return [&set, classes](int64_t row) {
    const std::string& cls = set.rows.at(size_t(row)).cls;
    int ci = int(std::lower_bound(classes.begin(), classes.end(), cls) - classes.begin());
    Rgb c = palette_color(ci), light{uint8_t(255 - (255 - c.r) / 3), uint8_t(255 - (255 - c.g) / 3),
                                     uint8_t(255 - (255 - c.b) / 3)};
    Canvas t(64, 64, light);
    std::string name = fit_text(cls, 60);
    t.text((64 - Canvas::text_width(name)) / 2, 26, name, kText);
    return t.image();
  };
}

Image scatter_figure(const ScatterFigure& f, int plot_px) {
  const size_t n = f.color.size();
  WS_CHECK(f.xy.size() == 2 * n && f.marker.size() == n, "scatter_figure: ", f.xy.size() / 2, " points, ", n,
           " colours, ", f.marker.size(), " markers");
  const int margin = 20, title_h = 30, line = 18, swatch = 24;
  int name_w = 0;
  for (const auto& s : f.color_names) name_w = std::max(name_w, Canvas::text_width(s));
  for (const auto& s : f.marker_names) name_w = std::max(name_w, Canvas::text_width(s));
  name_w = std::max(name_w, Canvas::text_width("architecture"));
  const int legend_x = margin + plot_px + 24, legend_h = line * int(3 + f.color_names.size() + f.marker_names.size());
  const int width = legend_x + swatch + name_w + margin;
  const int height = title_h + std::max(plot_px, legend_h) + margin;
  Canvas c(width, height);
  c.text(margin, 10, f.title, kText);
  const int px0 = margin, py0 = title_h;
  c.frame(px0 - 1, py0 - 1, px0 + plot_px + 1, py0 + plot_px + 1, kFrameGrey);

  // Equal scales: the larger extent fills the square, with a 5 % border.
  double lo[2] = {1e300, 1e300}, hi[2] = {-1e300, -1e300};
  for (size_t i = 0; i < n; ++i)
    for (int a = 0; a < 2; ++a) lo[a] = std::min(lo[a], double(f.xy[2 * i + a])), hi[a] = std::max(hi[a], double(f.xy[2 * i + a]));
  double span = n ? std::max({hi[0] - lo[0], hi[1] - lo[1], 1e-12}) * 1.1 : 1.0;
  double mid[2] = {n ? (lo[0] + hi[0]) / 2 : 0, n ? (lo[1] + hi[1]) / 2 : 0};
  const double radius = std::max(3.0, plot_px / 160.0);
  for (size_t i = 0; i < n; ++i) {
    double x = px0 + plot_px * (0.5 + (f.xy[2 * i] - mid[0]) / span);
    double y = py0 + plot_px * (0.5 - (f.xy[2 * i + 1] - mid[1]) / span);  // y up
    c.marker(x, y, radius, marker_style(f.marker[i]), palette_color(f.color[i]));
  }

  int y = py0;
  c.text(legend_x, y, "class", kText);
  y += line;
  for (size_t i = 0; i < f.color_names.size(); ++i, y += line) {
    c.marker(legend_x + 8, y + 5, 5, Marker{}, palette_color(int(i)));
    c.text(legend_x + swatch, y, f.color_names[i], kText);
  }
  y += line;
  c.text(legend_x, y, "architecture", kText);
  y += line;
  for (size_t i = 0; i < f.marker_names.size(); ++i, y += line) {
    c.marker(legend_x + 8, y + 5, 5, marker_style(int(i)), Rgb{60, 60, 60});
    c.text(legend_x + swatch, y, f.marker_names[i], kText);
  }
  return c.image();
}

Image tsne_figure(const EmbeddingSet& set, const std::string& split, const TsneOptions& opt,
                  const TsneProgressFn& progress) {
  std::vector<int64_t> rows = set.select(split);
  WS_CHECK(rows.size() >= 2, "t-SNE needs at least 2 '", split, "' embeddings, the file has ", rows.size());
  const int64_t D = set.dim(), n = int64_t(rows.size());
  ScatterFigure f;
  f.xy = tsne(gather_embeddings(set, rows), n, D, opt, progress);
  f.color_names = set.classes();
  f.marker_names = archs_in_table_order(set, split);
  std::vector<int32_t> labels = class_labels(set);
  for (int64_t r : rows) {
    f.color.push_back(labels[size_t(r)]);
    f.marker.push_back(int(std::find(f.marker_names.begin(), f.marker_names.end(), set.rows[size_t(r)].arch) -
                           f.marker_names.begin()));
  }
  f.title = str_cat("t-SNE of ", n, " ", split, " rows (perplexity ", tsne_perplexity(opt.perplexity, n),
                    "), ", centring_label(centring_of(set)), ": colour = class, marker = architecture");
  return scatter_figure(f);
}

Image retrieval_figure(const EmbeddingSet& set, const std::vector<RetrievalExample>& examples,
                       const ThumbnailFn& thumbnail, const RetrievalSheetLayout& L) {
  int k = 0;
  for (const RetrievalExample& e : examples) k = std::max(k, int(e.neighbours.size()));
  Canvas c(L.width(k), L.height(int(examples.size())));
  c.text(L.pad, 8, L.heading, kText);
  const int cell = L.thumb + 2 * L.border, row_h = cell + 12 * L.label_lines + L.pad;
  auto tile = [&](int x, int y, int64_t row, Rgb frame, const std::vector<std::string>& lines) {
    c.frame(x, y, x + cell, y + cell, frame, L.border);
    c.draw_image(thumbnail(row), x + L.border, y + L.border, L.thumb, L.thumb);
    for (size_t i = 0; i < lines.size() && int(i) < L.label_lines; ++i)
      c.text(x, y + cell + 2 + 12 * int(i), fit_text(lines[i], cell), kText);
  };
  for (size_t r = 0; r < examples.size(); ++r) {
    const RetrievalExample& e = examples[r];
    const EmbeddingRow& q = set.rows.at(size_t(e.query));
    int y = L.title + int(r) * row_h;
    tile(L.pad, y, e.query, kQuery, {"query " + q.arch, q.object});
    for (size_t j = 0; j < e.neighbours.size(); ++j) {
      const EmbeddingRow& g = set.rows.at(size_t(e.neighbours[j]));
      char sim[32];
      std::snprintf(sim, sizeof sim, "#%zu cos %.3f", j + 1, j < e.similarity.size() ? e.similarity[j] : 0.0f);
      int x = L.pad + (1 + int(j)) * (cell + L.pad) + L.pad;
      tile(x, y, e.neighbours[j], g.object == q.object ? kHit : kMiss, {g.arch, g.object, sim});
    }
  }
  return c.image();
}

}  // namespace ws
