// wsnerf graph: the parameter graph of an architecture or a NeRF file (docs/design.md §5).
#include <cstdio>

#include <nlohmann/json.hpp>

#include "models/graph/param_graph.h"
#include "models/nerf/nerf_file.h"
#include "tools/cli.h"
#include "tools/commands.h"

namespace ws::cli {

int cmd_graph(int argc, char** argv) {
  Args args("graph", "Node and edge counts (by type) and layer widths of a parameter graph.",
            {{"--arch", "NAME", "a built-in architecture or a JSON spec file"},
             {"--nerf", "FILE", "a NeRF file (its stored architecture)"},
             {"--json", "", "machine-readable output"}});
  if (!args.parse(argc, argv)) return 0;
  WS_CHECK(args.has("--arch") != args.has("--nerf"), "wsnerf graph: give either --arch or --nerf");
  ArchSpec arch = args.has("--arch") ? find_arch(args.str("--arch")) : load_nerf(args.str("--nerf")).arch;
  const GraphTemplate& g = graph_template(arch);
  if (args.flag("--json")) {
    nlohmann::json j = {{"arch", arch.name}, {"nodes", g.nodes}, {"edges", g.edges},
                        {"nodes_by_type", g.node_counts}, {"edges_by_type", g.edge_counts},
                        {"layer_widths", g.layer_widths}, {"distinct_edge_features", g.statics.size()}};
    std::printf("%s\n", j.dump(2).c_str());
    return 0;
  }
  std::printf("%s (%s): %lld nodes, %lld edges\n", arch.name.c_str(), family_name(arch.family), (long long)g.nodes,
              (long long)g.edges);
  for (const auto& kv : g.node_counts) std::printf("  nodes %-14s %lld\n", kv.first.c_str(), (long long)kv.second);
  for (const auto& kv : g.edge_counts) std::printf("  edges %-14s %lld\n", kv.first.c_str(), (long long)kv.second);
  std::printf("  MLP widths");
  for (int w : g.layer_widths) std::printf(" %d", w);
  std::printf("\n");
  return 0;
}

}  // namespace ws::cli
