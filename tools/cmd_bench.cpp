// wsnerf bench [suite]: benchmarks printed as JSON on stdout (progress on stderr).
#include <cstdio>

#include "core/allocator.h"
#include "engine/build_info.h"
#include "core/error.h"
#include "kernels/gemm.h"
#include "tools/bench.h"
#include "tools/cli.h"
#include "tools/commands.h"

namespace ws::cli {

int cmd_bench(int argc, char** argv) {
  Args args("bench",
            "Benchmarks as JSON. Suites: engine (GEMM at graph-network and decoder shapes next to the\n"
            "BLAS library's sgemm, segment mean, an MLP training step); gmn (encoder forward + backward +\n"
            "AdamW on the torch reference's 8-graph batch, --preset as its PRESETS table); step (one full\n"
            "training step: encoder + decoder + rendering and SigLIP losses + AdamW, same presets).",
            {kDeviceOption,
             kPrecisionOption,
             {"--preset", "P", "gmn: tiny, cpu or paper widths", "tiny"},
             {"--quick", "", "engine: smaller problems (seconds, for smoke tests)"},
             {"--profile", "", "gmn, step: add the time per op and phase (forward and backward) of three\n"
                               "more steps, as \"profile\" and as a table on stderr"},
             {"--json", "", "accepted for symmetry: the output is always JSON"}},
            "[engine|gmn|step]");
  if (!args.parse(argc, argv)) return 0;
  apply_precision(args);
  std::string suite = args.positional().empty() ? "engine" : args.positional()[0];
  Device d = parse_device(args.str("--device"));
  bool quick = args.flag("--quick");
  BuildInfo b = build_info();
  nlohmann::json out = {{"suite", suite},          {"device", d.str()},  {"omp_threads", b.omp_threads},
                        {"blas", b.blas},          {"precision", gemm_precision_name(gemm_precision())},
                        {"gpu", b.gpu_visible ? b.gpu_note : ""}};
  Allocator::of(d).reset_peak();
  if (suite == "engine") {
    out["results"] = bench::engine_suite(d, quick);
  } else if (suite == "step") {
    out["results"] = bench::step_suite(d, args.str("--preset"), args.flag("--profile"));
    out["ms_per_step"] = out["results"]["ms_per_step"];
  } else if (suite == "gmn") {
    out["results"] = bench::gmn_suite(d, args.str("--preset"), args.flag("--profile"));
    out["ms_per_step"] = out["results"]["ms_per_step"];
  } else {
    fail(str_cat("wsnerf bench: unknown suite '", suite, "' (engine, gmn, step)"));
  }
  out["peak_memory_mb"] = double(Allocator::of(d).stats().peak_in_use) / (1 << 20);
  std::printf("%s\n", out.dump(2).c_str());
  return 0;
}

}  // namespace ws::cli
