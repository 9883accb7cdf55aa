// wsnerf views: the 36-view rig over OBJ meshes (one file, or a ShapeNet-style tree).
#include <chrono>
#include <cstdio>

#include "data/dataset.h"
#include "tools/cli.h"
#include "tools/commands.h"
#include "core/error.h"

namespace ws::cli {

int cmd_views(int argc, char** argv) {
  Args args("views",
            "Renders 36 RGBA views (Blender format) of OBJ+MTL meshes, normalised into the +-0.7 scene box.\n"
            "  --obj FILE.obj --out DIR      one mesh into the object folder DIR\n"
            "  --meshes ROOT --out DATA      every ROOT/<class>/<id>/.../*.obj into DATA/objects/<class>/<id>,\n"
            "                                with DATA/splits/{train,val,test}.txt; complete objects are skipped",
            {{"--obj", "FILE", "one OBJ file"},
             {"--meshes", "ROOT", "a tree of meshes, ROOT/<class>/<id>/.../*.obj"},
             {"--out", "DIR", "object folder (--obj) or dataset folder (--meshes)", "", true},
             {"--size", "PX", "image width and height", "64"},
             {"--supersample", "S", "S x S samples per pixel", "4"},
             {"--up", "y|z", "the meshes' up axis (OBJ and ShapeNet: y)", "y"},
             {"--val", "N", "--meshes: objects per class in the validation split", "1"},
             {"--test", "N", "--meshes: objects per class in the test split", "1"},
             {"--seed", "S", "--meshes: seed of the split shuffle", "0"}});
  if (!args.parse(argc, argv)) return 0;
  WS_CHECK(args.has("--obj") != args.has("--meshes"), "wsnerf views: give exactly one of --obj or --meshes");
  std::string up = args.str("--up");
  WS_CHECK(up == "y" || up == "z", "wsnerf views: --up must be y or z, got '", up, "'");
  RasterOptions raster;
  raster.supersample = args.i32("--supersample", 1);
  int size = args.i32("--size", 1);
  auto t0 = std::chrono::steady_clock::now();
  auto secs = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); };
  if (args.has("--obj")) {
    render_object_folder(load_normalized_obj(args.str("--obj"), up == "y"), args.str("--out"), size, raster);
    std::printf("views: 36 views of %s in %.2f s -> %s\n", args.str("--obj").c_str(), secs(), args.str("--out").c_str());
    return 0;
  }
  MeshDatasetOptions opt;
  opt.meshes = args.str("--meshes");
  opt.out = args.str("--out");
  opt.size = size;
  opt.raster = raster;
  opt.y_up = up == "y";
  opt.n_val = args.i32("--val", 0);
  opt.n_test = args.i32("--test", 0);
  opt.seed = args.u64("--seed");
  DatasetSummary s = make_mesh_dataset(opt, [](const std::string& line) {
    std::fprintf(stderr, "%s\n", line.c_str());
    std::fflush(stderr);
  });
  std::printf("views: %d objects rendered, %d up to date, %d failed, in %.2f s -> %s\n", s.rendered, s.skipped, s.failed,
              secs(), opt.out.c_str());
  return s.failed ? 1 : 0;
}

}  // namespace ws::cli
