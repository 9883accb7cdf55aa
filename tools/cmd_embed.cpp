// wsnerf embed: NeRF files -> one embeddings file (data/embeddings.h).
#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "models/fit/fit_dataset.h"
#include "tools/cli.h"
#include "tools/commands.h"
#include "tools/stages.h"

namespace ws::cli {

int cmd_embed(int argc, char** argv) {
  Args args("embed",
            "Embeds NeRFs with a trained encoder: either files/folders (--nerfs) or a dataset's splits\n"
            "(--data; every architecture found under DATA/nerfs unless --archs or --preset).\n"
            "--encoder weights is the baseline without an encoder: each NeRF's flat parameters, one\n"
            "architecture per file (--archs A), for eval-classify and eval-probe to read.\n"
            "--encoder field is the functional baseline: each NeRF's opacity and colour at the 16^3 cell\n"
            "centres of the unit box, comparable across architectures.",
            {{"--encoder", "CKPT", "encoder checkpoint (RUN/best.safetensors), 'weights' or 'field'", "", true},
             {"--out", "FILE", "embeddings file to write", "", true},
             {"--nerfs", "F,DIR,..", "NeRF files or folders (comma-separated)"},
             {"--data", "DIR", "dataset folder"},
             {"--split", "S,..", "with --data: splits", "train,val,test"},
             {"--archs", "A,B,..", "with --data: architectures (default: all found)"},
             {"--preset", "P", "with --data: the NeRFs this preset's fit section asks for, as the demo embeds them "
                               "(fit.archs on every split, then fit.unseen_archs on the test split)"},
             {"--batch", "N", "graphs per batch", "8"},
             kDeviceOption});
  if (!args.parse(argc, argv)) return 0;
  const int batch = args.i32("--batch", 1);  // checked before any work
  WS_CHECK(args.has("--nerfs") != args.has("--data"), "wsnerf embed: give either --nerfs or --data");
  WS_CHECK(!args.has("--preset") || args.has("--data"), "wsnerf embed: --preset needs --data");
  std::vector<NerfEntry> nerfs;
  if (args.has("--nerfs")) {
    nerfs = list_nerf_files(split_list(args.str("--nerfs")));
  } else if (args.has("--preset")) {
    WS_CHECK(!args.has("--archs") && !args.has("--split"), "wsnerf embed: --preset chooses the NeRFs; leave out --archs and --split");
    nerfs = preset_nerfs(args.str("--data"), FitOptions::from_preset(load_preset(args.str("--preset"))));
  } else {
    std::string data = args.str("--data");
    std::vector<std::string> archs = split_list(args.str("--archs"));
    if (archs.empty()) {
      std::filesystem::path root = std::filesystem::path(data) / "nerfs";
      WS_CHECK(std::filesystem::is_directory(root), "wsnerf embed: no NeRF folder ", root.string(), " (run wsnerf fit)");
      for (const auto& e : std::filesystem::directory_iterator(root))
        if (e.is_directory()) archs.push_back(e.path().filename().string());
      std::sort(archs.begin(), archs.end());
    }
    nerfs = list_nerfs(data, archs, split_list(args.str("--split")), false);
  }
  EmbeddingSet set = embed_stage(args.str("--encoder"), nerfs, parse_device(args.str("--device")), batch,
                                 args.str("--out"));
  std::printf("%lld embeddings of dimension %lld -> %s\n", (long long)set.size(), (long long)set.dim(),
              args.str("--out").c_str());
  return 0;
}

}  // namespace ws::cli
