// wsnerf bench: placeholder until the benchmark suite lands in this file.
#include "tools/cli.h"
#include "tools/commands.h"

namespace ws::cli {
int cmd_bench(int argc, char** argv) {
  Args args("bench", "Engine benchmarks as JSON.", {});
  if (!args.parse(argc, argv)) return 0;
  return 0;
}
}  // namespace ws::cli
