// wsnerf synth: the procedural object dataset (13 ShapenetRender-like classes, 36 views each).
#include <chrono>
#include <cstdio>

#include "data/dataset.h"
#include "data/synth.h"
#include "engine/preset.h"
#include "tools/cli.h"
#include "tools/commands.h"
#include "tools/stages.h"

namespace ws::cli {

int cmd_synth(int argc, char** argv) {
  std::string all;
  for (const std::string& c : synth_class_names()) all += (all.empty() ? "" : ",") + c;
  Args args("synth",
            "Generates procedural objects of the 13 ShapenetRender classes and renders 36 RGBA views of each into\n"
            "DIR/objects/<class>/<id>/ (Blender format), with DIR/splits/{train,val,test}.txt. Objects already\n"
            "complete are skipped, so a rerun only adds what is missing. Classes: " + all + ".",
            {{"--out", "DIR", "dataset folder", "", true},
             {"--preset", "P", "take the settings below from this preset's data section (tiny, cpu, paper or a "
                               "JSON file; the demo's dataset); options given override it"},
             {"--per-class", "N", "objects per class (default 8)"},
             {"--val", "N", "objects per class in the validation split (default 1)"},
             {"--test", "N", "objects per class in the test split (default 1)"},
             {"--size", "PX", "image width and height (default 64)"},
             {"--supersample", "S", "S x S samples per pixel (default 4)"},
             {"--seed", "S", "random seed (objects and splits; default 0)"},
             {"--classes", "a,b,...", "only these classes (default all)"}});
  if (!args.parse(argc, argv)) return 0;
  SynthDatasetOptions opt = args.has("--preset") ? synth_options_from_preset(load_preset(args.str("--preset")))
                                                 : SynthDatasetOptions();
  opt.out = args.str("--out");
  if (args.has("--per-class")) opt.per_class = args.i32("--per-class", 1);
  if (args.has("--val")) opt.n_val = args.i32("--val", 0);
  if (args.has("--test")) opt.n_test = args.i32("--test", 0);
  if (args.has("--size")) opt.size = args.i32("--size", 1);
  if (args.has("--supersample")) opt.raster.supersample = args.i32("--supersample", 1);
  if (args.has("--seed")) opt.seed = args.u64("--seed");
  if (args.has("--classes") && args.str("--classes") != "all") opt.classes = split_list(args.str("--classes"));
  auto t0 = std::chrono::steady_clock::now();
  DatasetSummary s = synth_stage(opt);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("synth: %d objects rendered, %d up to date, in %.2f s -> %s\n", s.rendered, s.skipped, secs,
              opt.out.c_str());
  return 0;
}

}  // namespace ws::cli
