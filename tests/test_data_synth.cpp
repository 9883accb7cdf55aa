#include <cmath>
#include <filesystem>
#include <set>

#include "data/camera.h"
#include "data/dataset.h"
#include "data/image.h"
#include "data/rasterizer.h"
#include "data/synth.h"
#include "tests/data_testing.h"
#include "tests/testing.h"

using namespace ws;
namespace fs = std::filesystem;

namespace {
std::vector<unsigned char> view_png(const Mesh& m, int view, int size = 24) {
  return encode_png(rasterize(m, make_camera(rig_poses()[view], kCameraAngleX, size, size)));
}
}  // namespace

TEST_CASE("synth: every class generates objects inside the +-0.7 box, filling the radius-0.7 sphere") {
  for (const std::string& cls : synth_class_names()) {
    for (int i = 0; i < 4; ++i) {
      Mesh m = synth_object(cls, 11, i);
      CAPTURE(cls);
      CAPTURE(i);
      REQUIRE(m.triangles.size() >= 12);
      float r = 0, worst = 0;
      for (Vec3 p : m.positions) {
        r = std::fmax(r, length(p));
        worst = std::fmax(worst, std::fmax(std::fabs(p.x), std::fmax(std::fabs(p.y), std::fabs(p.z))));
        REQUIRE(std::isfinite(p.x + p.y + p.z));
      }
      CHECK(worst <= 0.7f);
      CHECK(r <= 0.7f);
      CHECK(r >= 0.69f);  // normalised: the farthest vertex from the bbox centre is at 0.7
      Bounds b = mesh_bounds(m);
      for (int a = 0; a < 3; ++a) CHECK(std::fabs(b.lo[a] + b.hi[a]) < 1e-4f);  // bbox centred
    }
  }
  // Colours are drawn per object and part, not per class.
  for (const std::string& cls : synth_class_names()) {
    Vec3 a = synth_object(cls, 11, 0).materials[0].diffuse, b = synth_object(cls, 11, 1).materials[0].diffuse;
    CHECK_MESSAGE(length(a - b) > 1e-3f, cls);
  }
  CHECK_THROWS_WITH_AS(synth_object("teapot", 0, 0), doctest::Contains("unknown object class 'teapot'"), Error);
}

TEST_CASE("synth: the same seed gives identical PNG bytes, another seed or index differs") {
  for (const std::string cls : {"chair", "airplane", "watercraft"}) {
    CAPTURE(cls);
    auto a = view_png(synth_object(cls, 1, 0), 4);
    auto b = view_png(synth_object(cls, 1, 0), 4);
    auto c = view_png(synth_object(cls, 2, 0), 4);
    auto d = view_png(synth_object(cls, 1, 1), 4);
    CHECK(a == b);
    CHECK(a != c);
    CHECK(a != d);
  }
}

TEST_CASE("synth: classes differ in shape, not only in colour") {
  // Proportions of the bounding box distinguish e.g. rifles (long, thin) from cabinets.
  auto extent = [](const Mesh& m) {
    Bounds b = mesh_bounds(m);
    return b.hi - b.lo;
  };
  for (int i = 0; i < 3; ++i) {
    Vec3 rifle = extent(synth_object("rifle", 3, i)), lamp = extent(synth_object("lamp", 3, i));
    CHECK(rifle.x > 3 * rifle.y);  // long along x
    CHECK(lamp.z > lamp.y);        // taller than wide
  }
}

TEST_CASE("dataset: synth writes objects, views and splits, a rerun skips complete objects") {
  test::TempDir dir("synthset");
  SynthDatasetOptions opt;
  opt.out = dir.path.string();
  opt.per_class = 3;
  opt.n_val = 1;
  opt.n_test = 1;
  opt.size = 12;
  opt.seed = 9;
  opt.classes = {"table", "lamp"};
  DatasetSummary s = make_synth_dataset(opt);
  CHECK(s.rendered == 6);
  CHECK(s.skipped == 0);
  std::string obj = object_dir(opt.out, "lamp", "0002");
  CHECK(object_folder_complete(obj));
  Transforms t = read_transforms(obj + "/transforms_train.json");
  CHECK(t.frames.size() == 36);
  Image v = load_image(obj + "/train/35.png");
  CHECK(v.width == 12);
  int opaque = 0, clear = 0;
  for (size_t i = 3; i < v.rgba.size(); i += 4) (v.rgba[i] == 255 ? opaque : clear) += v.rgba[i] == 255 || v.rgba[i] == 0;
  CHECK(opaque > 0);
  CHECK(clear > 0);  // an object on a transparent background

  Splits sp = read_splits(opt.out);
  CHECK(sp.train.size() == 2);
  CHECK(sp.val.size() == 2);
  CHECK(sp.test.size() == 2);
  std::set<std::string> keys;
  for (const auto* part : {&sp.train, &sp.val, &sp.test})
    for (const ObjectRef& o : *part) keys.insert(o.key());
  CHECK(keys.size() == 6);  // disjoint, covering every object
  CHECK(keys.count("table/0000"));

  auto before = fs::last_write_time(obj + "/train/00.png");
  s = make_synth_dataset(opt);
  CHECK(s.rendered == 0);
  CHECK(s.skipped == 6);
  CHECK(fs::last_write_time(obj + "/train/00.png") == before);
  Splits again = read_splits(opt.out);
  CHECK(again.val.size() == sp.val.size());
  for (size_t i = 0; i < sp.val.size(); ++i) CHECK(again.val[i].key() == sp.val[i].key());

  // An incomplete folder is rendered again; other settings in the same folder are refused.
  fs::remove(obj + "/transforms_train.json");
  CHECK(!object_folder_complete(obj));
  CHECK(make_synth_dataset(opt).rendered == 1);
  opt.size = 16;
  CHECK_THROWS_WITH_AS(make_synth_dataset(opt), doctest::Contains("other settings"), Error);
  opt.size = 12;
  opt.n_val = 3;
  CHECK_THROWS_WITH_AS(make_synth_dataset(opt), doctest::Contains("fewer than --val 3 + --test 1"), Error);
}

TEST_CASE("dataset: a ShapeNet-style mesh tree becomes the same layout, broken meshes are skipped") {
  test::TempDir src("meshtree");
  const std::string cube =
      "v -1 -1 -1\nv 1 -1 -1\nv 1 1 -1\nv -1 1 -1\nv -1 -1 1\nv 1 -1 1\nv 1 1 1\nv -1 1 1\n"
      "f 1 2 3 4\nf 5 8 7 6\nf 1 5 6 2\nf 2 6 7 3\nf 3 7 8 4\nf 4 8 5 1\n";
  src.write("02876657/aaa/models/model_normalized.obj", cube);
  src.write("02876657/bbb/models/model_normalized.obj", cube);
  src.write("02876657/ccc/models/model_normalized.obj", "v 0 0 0\nf 1 2 3\n");  // broken
  src.write("03001627/ddd/model.obj", cube);
  MeshDatasetOptions opt;
  opt.meshes = src.path.string();
  opt.out = (src.path / "rendered").string();  // inside the mesh tree: must not be read as a class
  opt.size = 10;
  opt.n_val = 0;
  opt.n_test = 1;
  std::vector<std::string> log;
  DatasetSummary s = make_mesh_dataset(opt, [&](const std::string& l) { log.push_back(l); });
  CHECK(s.rendered == 3);
  CHECK(s.failed == 1);
  bool reported = false;
  for (const std::string& l : log) reported |= l.find("ccc") != std::string::npos && l.find("out of range") != std::string::npos;
  CHECK(reported);
  CHECK(object_folder_complete(object_dir(opt.out, "02876657", "bbb")));
  CHECK(!fs::exists(object_dir(opt.out, "02876657", "ccc") + "/transforms_train.json"));
  Splits sp = read_splits(opt.out);
  CHECK(sp.train.size() + sp.val.size() + sp.test.size() == 3);
  CHECK(sp.test.size() == 2);  // one per class
}
