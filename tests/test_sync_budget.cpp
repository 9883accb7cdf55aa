// The per-step transfer budget of training (engine/transfers.h): a step reads at most
// one small tensor back to the host (the losses, and only when the progress line redraws
// or a checkpoint is due) and uploads fewer buffers than it has NeRFs (graph batch:
// every parameter vector in one upload plus one of per-graph offsets; plus one small
// matrix per batch centring). Counted on the CPU at the calls a GPU run would transfer
// at, so the budget holds for the GPU without one.
#include "engine/transfers.h"
#include "models/train/trainer.h"
#include "tests/pipeline_testing.h"
#include "tests/testing.h"

using namespace ws;

namespace {
// Transfers of a fresh run of `steps` training steps (setup, step-0 probes and the final
// checkpoint included: the same in every run once the templates are on the device, so
// differences are the steps').
TransferCounts run_steps(TrainConfig cfg, int steps, const std::string& name) {
  cfg.max_steps = steps;
  TransferCounts before = transfer_counts();
  TrainSummary s = train(cfg, test::temp_path(name));
  REQUIRE(s.steps == steps);
  return transfer_counts() - before;
}
}  // namespace

TEST_CASE("sync budget: a training step reads back at most one small tensor and uploads less than its NeRFs") {
  // 12 training objects, 2 pairs a batch: 6 steps an epoch; the steps compared stay in epoch 1.
  std::string data = test::random_nerf_dataset({"chair", "lamp", "table"}, 6, {"MLP", "TRI", "HASH"});
  for (const char* objective : {"rc", "r", "c"}) {
    TrainConfig cfg = TrainConfig::from_preset(load_preset("tiny"));
    cfg.data = data;
    cfg.objective = parse_objective(objective, "test");
    cfg.device = "cpu";
    cfg.pairs_per_batch = 2;  // 4 NeRFs a step
    cfg.teacher_pool = 64;
    cfg.checkpoint_every = 1000;
    const int nerfs_per_step = 2 * cfg.pairs_per_batch, extra = 3;
    run_steps(cfg, 1, str_cat("budget_", objective, "_warm"));  // uploads the graph templates, once per process
    TransferCounts a = run_steps(cfg, 2, str_cat("budget_", objective, "_a")),
                   b = run_steps(cfg, 2 + extra, str_cat("budget_", objective, "_b"));
    TransferCounts steps = b - a;
    MESSAGE("objective ", std::string(objective), ": per step ", double(steps.host_reads) / extra, " host reads (",
            double(steps.read_bytes) / extra, " bytes), ", double(steps.uploads) / extra, " uploads (",
            double(steps.upload_bytes) / extra, " bytes)");
    CHECK(steps.host_reads <= extra);                   // <= 1 a step
    CHECK(steps.read_bytes <= extra * 3 * 4 * 6);       // and a small one: the loss rows since the last read
    CHECK(steps.uploads <= extra * nerfs_per_step);     // < the NeRFs' parameter vectors a step
    CHECK(steps.uploads > 0);                           // (the count works: each step uploads its parameters)
  }
}
