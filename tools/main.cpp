// wsnerf: one binary, subcommands dispatched by name.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "engine/build_info.h"
#include "tools/commands.h"
#include "tools/profile_report.h"

namespace {
struct Command {
  const char* name;
  const char* summary;
  int (*run)(int, char**);
};

const std::vector<Command>& commands() {
  static const std::vector<Command> all = {
      {"demo", "the whole pipeline on the procedural dataset, ending in OUT/report.md", ws::cli::cmd_demo},
      {"version", "what this binary was built with (CUDA, BLAS, OpenMP threads)", ws::cli::cmd_version},
      {"bench", "engine benchmarks as JSON (GEMM, segment mean, MLP training step)", ws::cli::cmd_bench},
      {"synth", "procedural object dataset: 13 classes, 36 RGBA views each", ws::cli::cmd_synth},
      {"views", "36 RGBA views of OBJ meshes (one file or a ShapeNet-style tree)", ws::cli::cmd_views},
      {"graph", "node and edge counts of a parameter graph (--arch NAME or --nerf FILE)", ws::cli::cmd_graph},
      {"train", "train the GMN encoder (objectives r, rc, c) on a dataset's NeRFs", ws::cli::cmd_train},
      {"embed", "embed NeRF files with a trained encoder", ws::cli::cmd_embed},
      {"preset", "print a built-in preset's JSON (tiny, cpu, paper) to copy and edit", ws::cli::cmd_preset},
      {"archs", "the NeRF architectures and their parameter counts; --spec checks a JSON spec", ws::cli::cmd_archs},
      {"eval-classify", "classification table: classifiers on ALL/MLP/TRI/HASH embeddings x test archs", ws::cli::cmd_eval_classify},
      {"eval-retrieve", "cross-architecture retrieval recall@1/5/10 (and a random baseline)", ws::cli::cmd_eval_retrieve},
      {"eval-probe", "the training probes of an embeddings file (objects' share, 1-NN class accuracy, recall@1)", ws::cli::cmd_eval_probe},
      {"plot", "t-SNE of the embeddings and a retrieval sheet as PNGs", ws::cli::cmd_plot},
      {"query", "the gallery NeRFs nearest to NeRF files of any architecture (text, JSON or a sheet)",
       ws::cli::cmd_query},
      {"fit", "fit NeRFs of any architecture to a dataset's objects (nerfs/<ARCH>/<class>/<id>.safetensors)",
       ws::cli::cmd_fit},
      {"render", "render a NeRF file to an RGBA PNG (a view, a transforms frame, or a turntable strip)",
       ws::cli::cmd_render},
      {"import", "the authors' released NeRFs (.pth) -> a wsnerf dataset (objects, nerfs/<ARCH>, splits)",
       ws::cli::cmd_import},
  };
  return all;
}

// WS_PROFILE=1: the time of every op and phase of the whole command (engine/trace.h),
// printed as a table on stderr when it ends (on a CUDA device: host-side launch times).
class CommandProfile {
 public:
  CommandProfile() : on_(std::getenv("WS_PROFILE") && std::strcmp(std::getenv("WS_PROFILE"), "0") != 0) {
    if (on_) ws::profile_start(ws::Device::cpu());
  }
  ~CommandProfile() {
    if (!on_) return;
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start_).count();
    ws::cli::report_profile(ws::profile_stop(), ms, 1, "run");
  }
  CommandProfile(const CommandProfile&) = delete;
  CommandProfile& operator=(const CommandProfile&) = delete;

 private:
  bool on_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

void usage() {
  std::printf("usage: wsnerf <command> [options]   (wsnerf <command> --help for its options)\n\ncommands:\n");
  for (const Command& c : commands()) std::printf("  %-16s %s\n", c.name, c.summary);
}
}  // namespace

// libgomp's threads spin-wait ~300k iterations at each barrier by default; when the
// machine is shared (other jobs, CI neighbours) a descheduled thread makes its partner
// spin for whole time slices and a training step can take 5x longer. A short spin costs
// nothing measurable on an idle machine. libgomp reads the setting when it loads, before
// main, so the process re-executes itself once with it (unless the user chose a policy).
void bound_openmp_spinning(char** argv) {
  if (std::getenv("OMP_WAIT_POLICY") || std::getenv("GOMP_SPINCOUNT")) return;
  setenv("GOMP_SPINCOUNT", "10000", 1);
  execv("/proc/self/exe", argv);  // returns only on failure: then run as we are
}

int main(int argc, char** argv) {
  bound_openmp_spinning(argv);
  if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h") || !std::strcmp(argv[1], "help")) {
    usage();
    return argc < 2 ? 2 : 0;
  }
  std::string name = argv[1];
  for (const Command& c : commands()) {
    if (name != c.name) continue;
    // What the binary was built with, on stderr so JSON on stdout stays clean.
    if (name != "version") std::fprintf(stderr, "%s\n", ws::build_summary().c_str());
    try {
      CommandProfile profile;
      return c.run(argc, argv);
    } catch (const std::exception& e) {  // ws::Error too: every error prints the same way
      std::fprintf(stderr, "error: %s\n", e.what());
      return 1;
    }
  }
  std::fprintf(stderr, "wsnerf: unknown command '%s'\n\n", name.c_str());
  usage();
  return 2;
}
