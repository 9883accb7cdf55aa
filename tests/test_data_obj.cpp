#include <cmath>

#include "data/camera.h"
#include "data/image.h"
#include "data/obj_loader.h"
#include "data/rasterizer.h"
#include "engine/io.h"
#include "tests/data_testing.h"
#include "tests/testing.h"

using namespace ws;

namespace {
// 2 x 2 texture: red, green (top row) / blue, yellow (bottom row).
Image quadrant_texture() {
  Image t(2, 2);
  const uint8_t colours[4][3] = {{220, 0, 0}, {0, 220, 0}, {0, 0, 220}, {220, 220, 0}};
  for (int i = 0; i < 4; ++i) {
    uint8_t* p = t.at(i % 2, i / 2);
    for (int c = 0; c < 3; ++c) p[c] = colours[i][c];
    p[3] = 255;
  }
  return t;
}
}  // namespace

TEST_CASE("obj: face formats, negative indices, polygons, materials") {
  test::TempDir dir("obj");
  dir.write("m.mtl", "# comment\nnewmtl red\nKd 1 0 0\nKs 1 1 1\nnewmtl grey\nKd 0.5\n");
  std::string obj = dir.write("m.obj",
                              "mtllib m.mtl\n"
                              "o thing\ng part\ns 1\n"
                              "v 0 0 0\nv 1 0 0\nv 1 1 0\nv 0 1 0\nv 0.5 1.5 0  # fifth\n"
                              "vt 0 0\nvt 1 0\nvt 1 1\nvt 0 1\n"
                              "vn 0 0 1\n"
                              "f 1 2 3\n"                      // v
                              "usemtl red\n"
                              "f 1/1 2/2 3/3 4/4\n"            // v/vt, a quad -> 2 triangles
                              "f 1//1 2//1 3//1\n"             // v//vn
                              "usemtl grey\n"
                              "f -5/-4/1 -4/-3/1 -3/-2/1 5/4/1 -2/4/1\n");  // v/vt/vn, negative, pentagon -> 3
  Mesh m = load_obj(obj);
  CHECK(m.positions.size() == 5);
  CHECK(m.uvs.size() == 4);
  REQUIRE(m.triangles.size() == 1 + 2 + 1 + 3);
  REQUIRE(m.materials.size() == 3);  // red, grey from the MTL, then the default for the first face
  const Triangle& first = m.triangles[0];
  CHECK(m.materials[first.material].name == "(default)");
  CHECK(first.t[0] == -1);
  CHECK(m.materials[m.triangles[1].material].name == "red");
  CHECK(m.materials[m.triangles[1].material].diffuse.x == 1);
  CHECK(m.triangles[2].v[0] == 0);  // fan (0, 2, 3)
  CHECK(m.triangles[2].v[1] == 2);
  CHECK(m.triangles[2].v[2] == 3);
  CHECK(m.triangles[2].t[2] == 3);
  CHECK(m.triangles[3].t[0] == -1);  // v//vn has no uv
  const Triangle& neg = m.triangles[4];
  CHECK(m.materials[neg.material].diffuse.y == doctest::Approx(0.5f));  // "Kd 0.5" = grey
  CHECK(neg.v[0] == 0);  // -5 of 5 vertices
  CHECK(neg.v[1] == 1);
  CHECK(neg.t[0] == 0);  // -4 of 4 uvs
  CHECK(m.triangles[6].v[2] == 3);  // last fan triangle ends at -2 = vertex 4 (index 3)
}

TEST_CASE("obj: a textured mesh (OBJ + MTL + PNG) renders the texture's colours") {
  test::TempDir dir("objtex");
  std::filesystem::create_directories(dir.path / "tex");
  save_png(dir.file("tex/quad.png"), quadrant_texture());
  dir.write("mats/quad.mtl", "newmtl skin\nKd 1 1 1\nmap_Kd -s 1 1 1 ../tex/quad.png\n");
  // A unit quad in the z = 0 plane (y up, as in OBJ files), uv (0,0) at the bottom-left.
  std::string obj = dir.write("quad.obj",
                              "mtllib mats/quad.mtl\nusemtl skin\n"
                              "v -1 -1 0\nv 1 -1 0\nv 1 1 0\nv -1 1 0\n"
                              "vt 0 0\nvt 1 0\nvt 1 1\nvt 0 1\n"
                              "f 1/1 2/2 3/3 4/4\n");
  Mesh m = load_obj(obj);
  REQUIRE(m.materials.size() == 1);
  REQUIRE(m.materials[0].texture);
  // Camera on +z looking at the quad: world x right, y up, like the texture.
  Mat4 c2w = {1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 2, 0, 0, 0, 1};
  Image img = rasterize(m, make_camera(c2w, 3.14159265 / 2, 32, 32));  // quad covers pixels [8, 24)
  auto dominant = [&](int x, int y) {  // which texture colour a pixel shows
    const uint8_t* p = img.at(x, y);
    REQUIRE(p[3] == 255);
    return std::string(p[0] > 40 ? "r" : "") + (p[1] > 40 ? "g" : "") + (p[2] > 40 ? "b" : "");
  };
  CHECK(dominant(11, 11) == "r");   // top-left
  CHECK(dominant(20, 11) == "g");   // top-right
  CHECK(dominant(11, 20) == "b");   // bottom-left
  CHECK(dominant(20, 20) == "rg");  // bottom-right: yellow
  CHECK(img.at(4, 4)[3] == 0);
}

TEST_CASE("obj: malformed input is an error naming the file and line") {
  test::TempDir dir("objbad");
  auto err = [&](const std::string& name, const std::string& text, const std::string& expected) {
    std::string path = dir.write(name, text);
    CHECK_THROWS_WITH_AS(load_obj(path), doctest::Contains(expected.c_str()), Error);
  };
  err("num.obj", "v 0 0 0\nv 1 x 0\n", "num.obj:2: v: 'x' is not a number");
  err("short.obj", "v 0 0\n", "short.obj:1: v: expected a number");
  err("range.obj", "v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 4\n", "range.obj:4: f: vertex index 4 out of range");
  err("neg.obj", "v 0 0 0\nv 1 0 0\nv 0 1 0\nf -1 -2 -4\n", "neg.obj:4: f: vertex index -4 out of range");
  err("zero.obj", "v 0 0 0\nv 1 0 0\nv 0 1 0\nf 0 1 2\n", "zero.obj:4: f: '0' has a bad vertex index");
  err("uv.obj", "v 0 0 0\nv 1 0 0\nv 0 1 0\nvt 0 0\nf 1/1 2/2 3/1\n", "uv.obj:5: f: texture coordinate index 2");
  err("two.obj", "v 0 0 0\nv 1 0 0\nf 1 2\n", "two.obj:3: f: a face needs at least 3 vertices");
  err("mat.obj", "v 0 0 0\nusemtl nowhere\n", "mat.obj:2: usemtl: unknown material 'nowhere'");
  err("lib.obj", "mtllib nothere.mtl\n", "lib.obj:1: mtllib:");
  err("lib2.obj", "mtllib nothere.mtl\n", "nothere.mtl: cannot open");
  err("empty.obj", "v 0 0 0\n", "empty.obj: no faces");
  dir.write("kd.mtl", "newmtl a\nKd 1 zero 0\n");
  err("kd.obj", "mtllib kd.mtl\n", "kd.mtl:2: Kd: 'zero' is not a number");
  dir.write("order.mtl", "Kd 1 1 1\n");
  err("order.obj", "mtllib order.mtl\n", "order.mtl:1: Kd before any newmtl");
  dir.write("notex.mtl", "newmtl a\nmap_Kd missing.png\n");
  err("notex.obj", "mtllib notex.mtl\n", "notex.mtl:2: map_Kd: ");
  dir.write("broken.png", "\x89PNG\r\n\x1a\n this is not really a png");
  dir.write("badtex.mtl", "newmtl a\nmap_Kd broken.png\n");
  err("badtex.obj", "mtllib badtex.mtl\n", "broken.png: PNG chunk");
  dir.write("neg.mtl", "newmtl a\nKd -3 0 0\n");  // a reflectance below 0
  err("negkd.obj", "mtllib neg.mtl\n", "neg.mtl:2: Kd -3 0 0: values must be in [0, 1]");
  CHECK_THROWS_WITH_AS(load_obj(dir.file("absent.obj")), doctest::Contains("absent.obj: cannot open"), Error);
}

TEST_CASE("png: save, load round trip, bad files are errors naming file and reason") {
  test::TempDir dir("png");
  Image img(5, 3);
  for (size_t i = 0; i < img.rgba.size(); ++i) img.rgba[i] = uint8_t(i * 37 % 256);
  save_png(dir.file("a/b/img.png"), img);  // creates folders
  Image back = load_image(dir.file("a/b/img.png"));
  CHECK(back.width == 5);
  CHECK(back.height == 3);
  CHECK(back.rgba == img.rgba);  // straight alpha survives exactly
  int leftovers = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir.path / "a/b")) leftovers += e.path().filename() != "img.png";
  CHECK(leftovers == 0);  // no temporary files left behind
  std::string bad = dir.write("bad.png", "hello");
  CHECK_THROWS_WITH_AS(load_image(bad), doctest::Contains("bad.png: cannot decode image ("), Error);
  // Chunk checksums and lengths are checked (stb_image checks neither): a flipped pixel
  // byte in IDAT, a cut checksum, a file without IEND.
  const std::string good = read_file(dir.file("a/b/img.png"));
  const size_t idat = good.find("IDAT");
  REQUIRE(idat != std::string::npos);
  std::string flipped = good;
  flipped[idat + 6] = char(flipped[idat + 6] ^ 0x10);
  CHECK_THROWS_WITH_AS(load_image(dir.write("flip.png", flipped)),
                       doctest::Contains("flip.png: PNG chunk 'IDAT' at byte"), Error);
  CHECK_THROWS_WITH_AS(load_image(dir.write("flip.png", flipped)), doctest::Contains("fails its CRC check"), Error);
  CHECK_THROWS_WITH_AS(load_image(dir.write("cut.png", good.substr(0, good.size() - 1))),
                       doctest::Contains("cut.png: PNG"), Error);
  CHECK_THROWS_WITH_AS(load_image(dir.write("noend.png", good.substr(0, good.find("IEND") - 4))),
                       doctest::Contains("noend.png: PNG ends inside a chunk header"), Error);
  CHECK_THROWS_WITH_AS(load_image(dir.file("none.png")), doctest::Contains("none.png' for reading"), Error);
}
