// Drawing (text, markers, images) and the evaluation figures written as PNGs.
#include <set>

#include "data/plot.h"
#include "engine/io.h"
#include "models/eval/figures.h"
#include "tests/eval_testing.h"
#include "tests/testing.h"

using namespace ws;

namespace {
bool is_color(const Image& img, int x, int y, Rgb c) {
  const uint8_t* p = img.at(x, y);
  return p[0] == c.r && p[1] == c.g && p[2] == c.b;
}
int count_color(const Image& img, int x0, int y0, int x1, int y1, Rgb c) {
  int n = 0;
  for (int y = y0; y < y1; ++y)
    for (int x = x0; x < x1; ++x) n += is_color(img, x, y, c);
  return n;
}
}  // namespace

TEST_CASE("plot canvas: text stays in its box, markers are filled or hollow and distinct") {
  Canvas c(200, 60);
  const std::string s = "MLP chair/003";
  int w = c.text(10, 10, s, kBlack, 2);
  CHECK(w == Canvas::text_width(s, 2));
  CHECK(w > 2 * 6 * int(s.size()) / 2);  // a few pixels per character at least
  int inside = count_color(c.image(), 10, 10, 10 + w, 10 + Canvas::text_height(2), kBlack);
  CHECK(inside > 50);
  CHECK(count_color(c.image(), 0, 0, 200, 60, kBlack) == inside);  // nothing outside the box

  // Style i and style i + 7 share a shape; filled covers the centre, hollow leaves it.
  std::set<std::vector<uint8_t>> looks;
  for (int i = 0; i < 2 * kMarkerShapes; ++i) {
    Canvas m(41, 41);
    m.marker(20.5, 20.5, 12, marker_style(i), kBlack);
    CAPTURE(i);
    CHECK(is_color(m.image(), 20, 20, kBlack) == (i < kMarkerShapes));
    CHECK(count_color(m.image(), 0, 0, 41, 41, kBlack) > 30);  // a rim at least
    looks.insert(m.image().rgba);
  }
  CHECK(looks.size() == 2 * kMarkerShapes);
  CHECK(marker_style(2 * kMarkerShapes).shape == marker_style(0).shape);
  std::set<std::tuple<int, int, int>> colors;
  for (int i = 0; i < 13; ++i) colors.insert({palette_color(i).r, palette_color(i).g, palette_color(i).b});
  CHECK(colors.size() == 13);
}

TEST_CASE("plot canvas: images are scaled into their box by alpha") {
  Image src(4, 2);  // left half opaque red, right half transparent
  for (int y = 0; y < 2; ++y)
    for (int x = 0; x < 4; ++x) {
      uint8_t* p = src.at(x, y);
      p[0] = 255, p[3] = x < 2 ? 255 : 0;
    }
  Canvas c(40, 40);
  c.draw_image(src, 0, 0, 40, 40);  // 40 x 20, centred vertically: rows 10..29
  CHECK(is_color(c.image(), 5, 15, Rgb{255, 0, 0}));
  CHECK(is_color(c.image(), 35, 15, kWhite));  // transparent: the canvas shows
  CHECK(is_color(c.image(), 5, 5, kWhite));    // outside the scaled image
}

TEST_CASE("figures: retrieval sheet and t-SNE written as PNGs of the expected size") {
  test::ClusterSpec spec;
  spec.arch_noise = 0.0f;  // every neighbour list starts with the same object
  spec.archs = {"MLP", "TRI", "HASH", "TRI-8C"};
  EmbeddingSet set = test::clustered_embeddings(spec);
  std::vector<RetrievalExample> ex = retrieval_examples(set, "test", 3, 4);
  REQUIRE(ex.size() == 3);
  for (const RetrievalExample& e : ex) {
    CHECK(set.rows[size_t(e.query)].split == "test");
    REQUIRE(e.neighbours.size() == 4);
    for (int64_t g : e.neighbours) {
      CHECK(set.rows[size_t(g)].split == "test");
      CHECK(set.rows[size_t(g)].arch != set.rows[size_t(e.query)].arch);
    }
    CHECK(set.rows[size_t(e.neighbours[0])].object == set.rows[size_t(e.query)].object);
  }
  CHECK(set.rows[size_t(ex[0].query)].cls != set.rows[size_t(ex[1].query)].cls);  // classes in turn
  CHECK(set.rows[size_t(ex[0].query)].arch != set.rows[size_t(ex[1].query)].arch);  // archs in turn

  std::vector<int64_t> asked;
  RetrievalSheetLayout L;
  Image sheet = retrieval_figure(set, ex, [&](int64_t row) {
    asked.push_back(row);
    return Image(20, 20);  // transparent: tiles stay white inside their frames
  });
  CHECK(asked.size() == 3 * 5);
  const std::string dir = test::temp_path("figures");
  save_png(dir + "/retrieval.png", sheet);
  Image back = load_image(dir + "/retrieval.png");
  const int cell = L.thumb + 2 * L.border;
  CHECK(back.width == L.pad + 5 * (cell + L.pad) + L.pad);
  CHECK(back.height == L.title + 3 * (cell + 12 * L.label_lines + L.pad) + L.pad);
  // Frames: the query's blue at the first tile, a green first neighbour (same object).
  const int y0 = L.title;
  const uint8_t* q = back.at(L.pad + 1, y0 + 1);
  CHECK(q[2] > q[0]);
  const uint8_t* hit = back.at(L.pad + (cell + L.pad) + L.pad + 1, y0 + 1);
  CHECK((hit[1] > hit[0] && hit[1] > hit[2]));

  TsneOptions opt;
  opt.iterations = 100;
  Image t = tsne_figure(set, "test", opt);
  save_png(dir + "/tsne.png", t);
  Image tb = load_image(dir + "/tsne.png");
  CHECK(tb.width == t.width);
  CHECK(tb.height == t.height);
  CHECK(tb.width > 800);
  CHECK(tb.height >= 800);
  CHECK(count_color(tb, 0, 0, tb.width, tb.height, palette_color(0)) > 0);
}

TEST_CASE("figures: dataset thumbnails read the first view, and name a missing one") {
  test::ClusterSpec spec;
  spec.classes = 1;
  EmbeddingSet set = test::clustered_embeddings(spec);
  const std::string root = test::temp_path("thumbs");
  const std::string key = set.rows[0].object;  // "airplane/0"
  Image view(8, 6);
  view.at(1, 1)[0] = 200;
  view.at(1, 1)[3] = 255;
  save_png(root + "/objects/" + key + "/train/00.png", view);
  ThumbnailFn thumbs = dataset_view_thumbnails(set, root);
  Image got = thumbs(0);
  CHECK(got.width == 8);
  CHECK(got.rgba == view.rgba);
  int64_t other = int64_t(set.rows.size()) - 1;
  CHECK_THROWS_WITH_AS(thumbs(other), doctest::Contains("/train/00.png"), Error);
  Image ph = placeholder_thumbnails(set)(other);
  CHECK(ph.width == 64);
}
