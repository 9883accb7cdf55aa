// Step-level parity: one whole training step (objective rc: encoder, decoder, rendering
// loss, SigLIP, AdamW) and one fitting step per NeRF family, run on the CPU and on CUDA
// from the same start, compared parameter by parameter. Skipped (visibly) without a GPU.
//
// Tolerance. Adam's first update of a parameter is lr * g / (|g| + eps) = lr * sign(g)
// for |g| >> eps, so the two devices agree to rounding (1e-6 relative) except where a
// gradient's sign differs between them (a gradient within rounding of 0), where they
// differ by up to 2 lr. The tests assert |p_cuda - p_cpu| <= 2 lr + 1e-6 |p| + 1e-7 for
// every parameter, and that at most 1 % of them differ by more than rounding.
#include <cmath>

#include "data/dataset.h"
#include "data/synth.h"
#include "engine/safetensors.h"
#include "models/fit/fitter.h"
#include "models/fit/object_views.h"
#include "models/train/trainer.h"
#include "tests/data_testing.h"
#include "tests/pipeline_testing.h"
#include "tests/testing.h"

using namespace ws;

namespace {
// Compares two parameter vectors after one Adam step of learning rate lr (see above).
void check_one_step(const std::vector<float>& gpu, const std::vector<float>& cpu, double lr, const std::string& what) {
  REQUIRE_MESSAGE(gpu.size() == cpu.size(), what, ": ", gpu.size(), " vs ", cpu.size(), " values");
  int64_t beyond_rounding = 0, beyond_bound = 0;
  double worst = 0;
  for (size_t i = 0; i < cpu.size(); ++i) {
    double d = std::fabs(double(gpu[i]) - double(cpu[i])), rounding = 1e-6 * std::fabs(double(cpu[i])) + 1e-7;
    beyond_rounding += d > rounding;
    beyond_bound += !(d <= 2 * lr + rounding);
    worst = std::max(worst, d);
  }
  CHECK_MESSAGE(beyond_bound == 0, what, ": ", beyond_bound, " of ", cpu.size(), " parameters differ by more than 2 lr (",
                2 * lr, "); worst ", worst);
  CHECK_MESSAGE(beyond_rounding * 100 <= int64_t(cpu.size()), what, ": ", beyond_rounding, " of ", cpu.size(),
                " parameters differ by more than rounding");
}

void check_files(const std::string& a, const std::string& b, double lr) {
  TensorFile fa = load_safetensors(a), fb = load_safetensors(b);
  REQUIRE(fa.tensors.size() == fb.tensors.size());
  for (size_t i = 0; i < fa.tensors.size(); ++i)
    check_one_step(fb.get(fa.tensors[i].first).to_vector(), fa.tensors[i].second.to_vector(), lr, fa.tensors[i].first);
}
}  // namespace

TEST_CASE("parity: one rc training step (encoder, decoder, rendering loss, SigLIP, AdamW) on CUDA matches the CPU") {
  if (!test::gpu_or_skip("training step")) return;
  std::string data = test::random_nerf_dataset({"chair", "lamp", "table"}, 3, {"MLP", "TRI", "HASH"});
  TrainConfig cfg = TrainConfig::from_preset(load_preset("tiny"));
  cfg.data = data;
  cfg.objective = Objective::RenderContrastive;
  cfg.pairs_per_batch = 2;
  cfg.teacher_pool = 64;
  cfg.max_steps = 1;  // stops after the first step, saving the parameters
  std::string runs[2] = {test::temp_path("step_parity_cpu"), test::temp_path("step_parity_cuda")};
  const char* devices[2] = {"cpu", "cuda"};
  for (int k = 0; k < 2; ++k) {
    cfg.device = devices[k];
    REQUIRE(train(cfg, runs[k]).steps == 1);
  }
  check_files(runs[0] + "/last.safetensors", runs[1] + "/last.safetensors", cfg.lr);          // the encoder
  check_files(runs[0] + "/last_heads.safetensors", runs[1] + "/last_heads.safetensors", cfg.lr);  // decoder, SigLIP
}

TEST_CASE("parity: one fitting step of each NeRF family on CUDA matches the CPU") {
  if (!test::gpu_or_skip("fitting step")) return;
  static const test::TempDir root("step_parity_objects");
  const std::string dir = object_dir(root.path.string(), "chair", "0");
  render_object_folder(synth_object("chair", 0, 0), dir, 16);
  ObjectViews views = load_object_views(dir, ViewSet::Training);
  FitOptions opt = FitOptions::from_preset(load_preset("tiny"));
  opt.steps = 1;
  opt.family_steps.clear();
  for (const char* name : {"MLP", "TRI", "HASH"}) {
    const ArchSpec arch = find_arch(name);
    const std::vector<uint64_t> seeds = {nerf_seed(opt.seed, name, "chair/0")};
    FittedBatch c = fit_field_batch(arch, {&views}, seeds, opt, Device::cpu());
    FittedBatch g = fit_field_batch(arch, {&views}, seeds, opt, Device::cuda());
    check_one_step(g.field.params.values().to_vector(), c.field.params.values().to_vector(), opt.lr, name);
  }
}
