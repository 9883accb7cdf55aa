// wsnerf preset NAME: prints a built-in preset's JSON (to copy and edit).
#include <cstdio>

#include "engine/preset.h"
#include "tools/cli.h"
#include "tools/commands.h"

namespace ws::cli {

int cmd_preset(int argc, char** argv) {
  Args args("preset", "Prints a built-in preset (tiny, cpu, paper) as JSON; with no name lists them.", {},
            "[NAME]");
  if (!args.parse(argc, argv)) return 0;
  if (args.positional().empty()) {
    for (const auto& kv : builtin_preset_texts()) {
      Preset p = load_preset(kv.first);
      std::printf("%-8s %s\n", kv.first.c_str(), p.json.value("about", "").c_str());
    }
    return 0;
  }
  for (const auto& kv : builtin_preset_texts())
    if (kv.first == args.positional()[0]) {
      std::printf("%s", kv.second.c_str());
      return 0;
    }
  load_preset(args.positional()[0]);  // fails naming the known presets
  return 1;
}

}  // namespace ws::cli
