// wsnerf version: build facts, human-readable or JSON.
#include <cstdio>

#include <nlohmann/json.hpp>

#include "engine/build_info.h"
#include "tools/cli.h"
#include "tools/commands.h"

namespace ws::cli {

int cmd_version(int argc, char** argv) {
  Args args("version", "Prints what this binary was built with.", {{"--json", "", "machine-readable output"}});
  if (!args.parse(argc, argv)) return 0;
  if (!args.flag("--json")) {
    std::printf("%s\n", build_summary().c_str());
    return 0;
  }
  BuildInfo b = build_info();
  nlohmann::json j = {{"version", b.version}, {"cuda", b.cuda_built}, {"cuda_archs", b.cuda_archs},
                      {"gpu_visible", b.gpu_visible}, {"gpu", b.gpu_note}, {"blas", b.blas}, {"amx", b.amx},
                      {"omp_threads", b.omp_threads}};
  std::printf("%s\n", j.dump(2).c_str());
  return 0;
}

}  // namespace ws::cli
