// wsnerf import: the authors' released NeRF dataset (PyTorch files) -> our dataset layout.
#include <chrono>
#include <cstdio>

#include "core/error.h"
#include "models/import/authors_dataset.h"
#include "tools/cli.h"
#include "tools/commands.h"

namespace ws::cli {

int cmd_import(int argc, char** argv) {
  Args args("import",
            "Converts the authors' released NeRFs (huggingface.co/datasets/frallebini/gmnerf, the nerf/ folder) into\n"
            "a wsnerf dataset, without PyTorch. --from is the download's root (holding nerf/shapenet/) or the\n"
            "shapenet folder itself, which holds train.txt, val.txt, test.txt (<synset>/<id> a line) and\n"
            "  mlp/, triplane/, hash/<synset>/<id>/   nerf_weights.pth, grid.pth, transforms_train.json\n"
            "                                         (or transforms_train_compressed.json), train/*.png\n"
            "  <name>_unseen/.../<synset>/<id>/       the unseen-architecture sets, tars extracted in place\n"
            "Writes DATA/objects/<class>/<id>/ (views renamed train/NN.png), DATA/nerfs/<ARCH>/<class>/<id>.safetensors\n"
            "(ARCH identified from the tensor shapes) and DATA/splits/. Only objects of the split lists are imported;\n"
            "listed objects missing from the download are counted and skipped. A rerun skips finished objects.",
            {{"--from", "ROOT", "the authors' dataset root, or its nerf/shapenet folder", "", true},
             {"--out", "DATA", "dataset folder to write", "", true},
             {"--families", "LIST", "which source folders to read: mlp, triplane, hash, unseen", "mlp,triplane,hash,unseen"},
             {"--limit", "N", "at most N objects per class in each split (0: all)", "0"},
             {"--specs", "FILES", "JSON architecture specs to recognise besides the 13 built-in ones (comma-separated)"},
             {"--keep-going", "", "report a bad object and leave it out instead of stopping (exit status 1 at the end)"}});
  if (!args.parse(argc, argv)) return 0;
  AuthorsImportOptions opt;
  opt.from = args.str("--from");
  opt.out = args.str("--out");
  opt.families = split_list(args.str("--families"));
  opt.limit = args.i32("--limit", 0);
  opt.keep_going = args.flag("--keep-going");
  if (args.has("--specs"))
    for (const std::string& f : split_list(args.str("--specs"))) opt.archs.push_back(find_arch(f));
  const auto t0 = std::chrono::steady_clock::now();
  const AuthorsImportSummary s = import_authors_dataset(opt, [](const std::string& line) {
    std::fprintf(stderr, "%s\n", line.c_str());
    std::fflush(stderr);
  });
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::string per_arch;
  for (const auto& kv : s.nerfs_per_arch) per_arch += str_cat(per_arch.empty() ? "" : ", ", kv.first, " ", kv.second);
  std::printf("import: %d objects (%d view folders written), %d NeRFs written, %d up to date (%s); %d listed objects "
              "not in the download, %d left out after errors, in %.1f s -> %s\n",
              s.objects, s.views_copied, s.nerfs_written, s.nerfs_up_to_date, per_arch.c_str(), s.not_found, s.failed,
              secs, opt.out.c_str());
  return s.failed ? 1 : 0;
}

}  // namespace ws::cli
