// wsnerf archs: the NeRF architectures with their sizes, or a user's JSON spec checked.
#include <cstdio>
#include <string>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "models/nerf/arch.h"
#include "tools/cli.h"
#include "tools/commands.h"

namespace ws::cli {

namespace {
// 77824 -> "77,824"
std::string grouped(int64_t v) {
  std::string s = std::to_string(v);
  for (int i = int(s.size()) - 3; i > (s[0] == '-' ? 1 : 0); i -= 3) s.insert(size_t(i), ",");
  return s;
}

std::string encoding_text(const ArchSpec& a) {
  switch (a.family) {
    case Family::Mlp: return str_cat("freq ", a.freq_bands);
    case Family::Tri: return str_cat("freq ", a.freq_bands, " + planes ", a.tri_res, "^2 x ", a.tri_channels);
    case Family::Hash: return str_cat("hash L=", a.hash_levels, " T=2^", a.hash_log2_table, " F=", a.hash_features);
  }
  return "";
}

nlohmann::json describe_json(const ArchSpec& a) {
  return {{"spec", a.to_json()},
          {"training", is_training_arch(a.name)},
          {"encoded_dim", a.encoded_dim()},
          {"mlp_input_dim", a.mlp_input_dim()},
          {"layer_widths", a.layer_widths()},
          {"mlp_params", a.mlp_params()},
          {"encoding_params", a.encoding_params()},
          {"total_params", a.total_params()}};
}

void print_table(const std::vector<ArchSpec>& archs) {
  std::printf("%-10s %-5s %6s %6s  %-30s %5s %10s %10s %10s\n", "name", "family", "layers", "hidden", "encoding",
              "input", "mlp", "encoding", "total");
  for (const ArchSpec& a : archs)
    std::printf("%-10s %-5s %6d %6d  %-30s %5d %10s %10s %10s\n", a.name.c_str(), family_name(a.family),
                a.hidden_layers, a.hidden_dim, encoding_text(a).c_str(), a.mlp_input_dim(),
                grouped(a.mlp_params()).c_str(), grouped(a.encoding_params()).c_str(),
                grouped(a.total_params()).c_str());
}
}  // namespace

int cmd_archs(int argc, char** argv) {
  Args args("archs",
            "Lists the NeRF architectures (family, layer sizes, parameter counts). With --spec, validates a "
            "JSON architecture spec and prints it with its sizes.",
            {{"--json", "", "machine-readable output"}, {"--spec", "FILE", "a JSON spec to validate and describe"}});
  if (!args.parse(argc, argv)) return 0;
  std::vector<ArchSpec> archs;
  if (args.has("--spec")) {
    const std::string path = args.str("--spec");
    ArchSpec a = find_arch(path);  // a built-in name works too; a file is parsed and validated
    archs.push_back(a);
  } else {
    archs = builtin_archs();
  }
  if (args.flag("--json")) {
    nlohmann::json out = nlohmann::json::array();
    for (const ArchSpec& a : archs) out.push_back(describe_json(a));
    std::printf("%s\n", (args.has("--spec") ? out[0] : out).dump(2).c_str());
    return 0;
  }
  print_table(archs);
  if (args.has("--spec")) std::printf("\nspec: %s\n", archs[0].to_json().dump().c_str());
  return 0;
}

}  // namespace ws::cli
