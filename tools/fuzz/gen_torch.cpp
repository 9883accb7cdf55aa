// The authors' PyTorch files, read by `wsnerf import`: a NeRF's weights (nerf_weights.pth)
// and its occupancy grid (grid.pth), each in the seed's one-object tree. Besides the damage
// every file gets, the import tests' bad fixtures in their place: a compressed entry, a
// pre-zip (legacy) file, an unknown pickle global, shapes no architecture has, a grid for
// another box.
#include "tools/fuzz/generate.h"

namespace ws::fuzz {

std::vector<Format> torch_formats(const Seeds& s) {
  std::vector<Format> f;
  struct File {
    const char* format;
    const char* name;
    const char* seed;
    std::vector<const char*> bad;  // fixtures that must fail clearly in its place
  };
  const std::vector<File> files = {
      {"weights.pth", "nerf_weights.pth", "mlp_f32.pth",
       {"bad_global.pth", "bad_shape.pth", "bad_triplane.pth", "bad_expand.pth", "deflated.pth", "legacy.pth",
        "grid_dense16.pth"}},
      {"grid.pth", "grid.pth", "grid_dense16.pth", {"bad_aabb_grid.pth", "deflated.pth", "legacy.pth", "mlp_f32.pth"}}};
  for (const File& file : files) {
    const std::string name = file.name;
    Layout layout = [name](Ctx& x) {
      x.copy(x.s.authors + "/nerf", "authors/nerf");
      x.command({"import", "--from", x.c.dir + "/authors", "--out", x.out() + "/data"});
      x.c.names = {name};
      return x.path("authors/nerf/shapenet/" + x.s.authors_object + "/" + name);
    };
    // A changed byte is not always detectable in a zip (timestamps, the entry's stored
    // attributes): no single-byte flips. A cut always loses the central directory.
    std::vector<Kind> kinds = file_damage(s.torch_fixtures + "/" + file.seed, layout, false);
    for (const char* bad : file.bad) {
      const std::string from = s.torch_fixtures + "/" + bad;
      kinds.push_back([=](Ctx& x) { place(x, layout, read_bytes(from), std::string(bad) + " in its place"); });
    }
    f.push_back({file.format, kinds});
  }
  return f;
}

}  // namespace ws::fuzz
