// wsnerf bench [suite]: benchmarks printed as JSON on stdout (progress on stderr).
#include <cstdio>
#include <filesystem>

#include "core/allocator.h"
#include "engine/build_info.h"
#include "core/error.h"
#include "kernels/gemm.h"
#include "tools/bench.h"
#include "tools/bench_data.h"
#include "tools/cli.h"
#include "tools/commands.h"

namespace ws::cli {

int cmd_bench(int argc, char** argv) {
  Args args("bench",
            "Benchmarks as JSON. Suites: engine (GEMM at graph-network and decoder shapes next to the\n"
            "BLAS library's sgemm, segment mean, an MLP training step); gmn (encoder forward + backward +\n"
            "AdamW on the torch reference's 8-graph batch, --preset as its PRESETS table); step (one full\n"
            "training step: encoder + decoder + rendering and SigLIP losses + AdamW, same presets); data (peak\n"
            "memory and steps/s of `train` at tiny widths on synthetic datasets of --sizes NeRF files, hard links\n"
            "of a few fitted NeRFs: the stream loader at each size, the memory loader at the smallest).",
            {kDeviceOption,
             kPrecisionOption,
             {"--preset", "P", "gmn: tiny, cpu or paper widths", "tiny"},
             {"--quick", "", "engine: smaller problems (seconds, for smoke tests)"},
             {"--profile", "", "gmn, step: add the time per op and phase (forward and backward) of three\n"
                               "more steps, as \"profile\" and as a table on stderr"},
             {"--sizes", "N,..", "data: NeRF files per synthetic dataset", "1000,10000,100000"},
             {"--steps", "N", "data: training steps per case (the first is not timed)", "12"},
             {"--json", "", "accepted for symmetry: the output is always JSON"}},
            "[engine|gmn|step|data]");
  if (!args.parse(argc, argv)) return 0;
  apply_precision(args);
  std::string suite = args.positional().empty() ? "engine" : args.positional()[0];
  Device d = parse_device(args.str("--device"));
  if (suite == "data-case") {  // one case of `bench data`, in its own process (not listed: internal)
    const std::vector<std::string>& p = args.positional();
    WS_CHECK(p.size() == 5, "wsnerf bench data-case: expected DATA RUN LOADER STEPS");
    return bench::data_case(p[1], p[2], p[3], int(parse_integer("wsnerf bench data-case: STEPS", p[4], 2, 1 << 20)), d);
  }
  bool quick = args.flag("--quick");
  BuildInfo b = build_info();
  nlohmann::json out = {{"suite", suite},          {"device", d.str()},  {"omp_threads", b.omp_threads},
                        {"blas", b.blas},          {"amx", b.amx}, {"precision", gemm_precision_name(gemm_precision())},
                        {"gpu", b.gpu_visible ? b.gpu_note : ""}};
  Allocator::of(d).reset_peak();
  if (suite == "engine") {
    out["results"] = bench::engine_suite(d, quick);
  } else if (suite == "step") {
    out["results"] = bench::step_suite(d, args.str("--preset"), args.flag("--profile"));
    out["ms_per_step"] = out["results"]["ms_per_step"];
  } else if (suite == "data") {
    std::vector<int64_t> sizes;
    for (const std::string& n : split_list(args.str("--sizes")))
      sizes.push_back(parse_integer("wsnerf bench: --sizes", n, 1, int64_t(1) << 24));
    out["results"] = bench::data_suite(std::filesystem::read_symlink("/proc/self/exe").string(), d, sizes, args.i32("--steps", 2, 1 << 20));
  } else if (suite == "gmn") {
    out["results"] = bench::gmn_suite(d, args.str("--preset"), args.flag("--profile"));
    out["ms_per_step"] = out["results"]["ms_per_step"];
  } else {
    fail(str_cat("wsnerf bench: unknown suite '", suite, "' (engine, gmn, step, data)"));
  }
  out["peak_memory_mb"] = double(Allocator::of(d).stats().peak_in_use) / (1 << 20);
  std::printf("%s\n", out.dump(2).c_str());
  return 0;
}

}  // namespace ws::cli
