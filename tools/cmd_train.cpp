// wsnerf train: representation learning on a dataset's NeRFs (models/train/trainer.h).
#include <cstdio>

#include "models/train/trainer.h"
#include "tools/cli.h"
#include "tools/commands.h"
#include "tools/stages.h"

namespace ws::cli {

int cmd_train(int argc, char** argv) {
  Args args("train",
            "Trains the GMN encoder on a dataset's NeRFs: rendering loss through the decoder (r), plus SigLIP\n"
            "across architectures (rc), or SigLIP alone (c). Writes RUN/{config.json, log.jsonl,\n"
            "best.safetensors, last*.safetensors, state.json}; an existing RUN is resumed (Ctrl-C saves).",
            {{"--data", "DIR", "dataset folder (objects/, splits/, nerfs/)", "", true},
             {"--out", "RUN", "run folder", "", true},
             {"--preset", "P", "tiny, cpu, paper or a JSON file", "cpu"},
             kSetOption,
             {"--archs", "A,B,..", "training architectures (default: the preset's fit.archs)"},
             {"--objective", "O", "r, rc or c (default: the preset's); untrained: objective c and 0 epochs, the "
                                  "encoder before training (the demo's baseline)"},
             {"--epochs", "N", "epochs (default: the preset's; 0 saves the untrained encoder, a baseline)"},
             {"--nerfs", "DIR", "NeRF folder (default DATA/nerfs)"},
             {"--seed", "S", "random seed (default: the preset's)"},
             {"--probe-every", "N", "probe the val embeddings every N steps too (default: the preset's; 0 = epoch ends)"},
             {"--loader", "L", "memory (every NeRF loaded first) or stream (read from disk a few batches ahead,\n"
                               "teacher rays cached beside each NeRF: memory flat in the dataset's size);\n"
                               "default: the preset's train.loader, else memory"},
             kDeviceOption,
             kPrecisionOption});
  if (!args.parse(argc, argv)) return 0;
  apply_precision(args);
  TrainConfig cfg = TrainConfig::from_preset(load_preset_of(args));
  cfg.data = args.str("--data");
  cfg.nerfs = args.str("--nerfs");
  cfg.device = args.str("--device");
  if (args.has("--archs")) cfg.archs = split_list(args.str("--archs"));
  if (args.has("--objective")) set_run_objective(cfg, args.str("--objective"), "wsnerf train: --objective");
  if (args.has("--epochs")) cfg.epochs = args.i32("--epochs", 0);
  WS_CHECK(!(args.str("--objective") == "untrained" && cfg.epochs != 0),
           "wsnerf train: --objective untrained trains no epoch; leave out --epochs");
  if (args.has("--seed")) cfg.seed = args.u64("--seed");
  if (args.has("--probe-every")) cfg.probe_every = args.i64("--probe-every", 0);
  if (args.has("--loader")) cfg.loader = parse_loader_mode(args.str("--loader"), "wsnerf train: --loader");
  WS_CHECK(cfg.probe_every >= 0, "wsnerf train: --probe-every must be 0 or more");
  TrainSummary s = train(cfg, args.str("--out"));
  if (s.interrupted) return 130;
  std::printf("trained %lld epochs (%lld steps); best %s %.4f; encoder: %s/best.safetensors\n",
              (long long)s.epochs_done, (long long)s.steps, s.metric.c_str(), s.best_metric, args.str("--out").c_str());
  return 0;
}

}  // namespace ws::cli
