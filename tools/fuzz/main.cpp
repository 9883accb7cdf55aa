// wsnerf-fuzz: feeds wsnerf malformed inputs of every format it reads and classifies what
// it does with each (README "Input validation"). Exit 0 only when every input got a
// clear error or, for an input declared well-formed, was accepted.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <string>

#include "tools/fuzz/classify.h"
#include "tools/fuzz/generate.h"
#include "tools/fuzz/seeds.h"
#include "tools/fuzz/spawn.h"

namespace fs = std::filesystem;
using namespace ws::fuzz;

namespace {
struct Flags {
  std::string wsnerf, work = "fuzz-work";
  size_t count = 80;
  uint64_t seed = 1;
  double timeout_s = 20;
  bool keep = false;
};

void usage() {
  std::printf(
      "usage: wsnerf-fuzz [--wsnerf BIN] [--work DIR] [--count N] [--seed S] [--timeout SEC] [--keep]\n"
      "  Makes valid seed files with BIN (default: wsnerf beside this program) in DIR/seeds, then N\n"
      "  malformed inputs (deterministic from S) in DIR/cases, runs wsnerf on each with a timeout and\n"
      "  prints every outcome that is not a clear error; --keep keeps every case folder (default:\n"
      "  only the failing ones).\n");
}

Flags parse(int argc, char** argv) {
  Flags f;
  f.wsnerf = (fs::path(argv[0]).parent_path() / "wsnerf").string();
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw std::runtime_error(a + " needs a value");
      return argv[++i];
    };
    if (a == "--wsnerf") f.wsnerf = value();
    else if (a == "--work") f.work = value();
    else if (a == "--count") f.count = std::stoul(value());
    else if (a == "--seed") f.seed = std::stoull(value());
    else if (a == "--timeout") f.timeout_s = std::stod(value());
    else if (a == "--keep") f.keep = true;
    else if (a == "--help" || a == "-h") usage(), std::exit(0);
    else throw std::runtime_error("unknown option " + a);
  }
  return f;
}
}  // namespace

int main(int argc, char** argv) try {
  const Flags flags = parse(argc, argv);
  // One thread each and no spinning: cases run one at a time on a shared machine.
  setenv("OMP_NUM_THREADS", "1", 0);
  setenv("OMP_WAIT_POLICY", "PASSIVE", 0);
  fs::create_directories(flags.work + "/logs");
  const std::string work = fs::absolute(flags.work).string();
  const Seeds seeds = make_seeds(flags.wsnerf, work);
  const std::vector<Format> formats = all_formats(seeds);

  std::map<std::string, std::map<std::string, int>> per_format;
  std::map<Outcome, int> totals;
  for (size_t i = 0; i < flags.count; ++i) {
    Case c = make_case(seeds, formats, flags.seed, i, work);
    c.timeout_s = std::min(c.timeout_s, flags.timeout_s);
    const Snapshot before = snapshot(c.dir);
    const Finished f = run_with_timeout(c.argv, c.timeout_s, work + "/logs/" + fs::path(c.dir).filename().string() + ".err");
    const Verdict v = classify(c, f, before, snapshot(c.dir));
    ++per_format[c.format][outcome_name(v.outcome)];
    ++totals[v.outcome];
    const bool good = v.outcome == Outcome::clear || v.outcome == Outcome::accepted;
    if (!good) {
      std::string cmd;
      for (size_t a = 1; a < c.argv.size(); ++a) cmd += " " + c.argv[a];
      std::printf("%s %s [%s] %s: %s\n    wsnerf%s\n", outcome_name(v.outcome), fs::path(c.dir).filename().c_str(),
                  c.format.c_str(), c.name.c_str(), v.detail.c_str(), cmd.c_str());
      std::fflush(stdout);
    }
    if (good && !flags.keep) fs::remove_all(c.dir);
  }
  for (const auto& [format, counts] : per_format) {
    std::printf("  %-13s", format.c_str());
    for (const auto& [outcome, n] : counts) std::printf(" %d %s", n, outcome.c_str());
    std::printf("\n");
  }
  std::printf("%zu inputs: %d clear, %d accepted, %d crash, %d hang, %d silent, %d unclear, %d refused, %d leftover\n",
              flags.count, totals[Outcome::clear], totals[Outcome::accepted], totals[Outcome::crash],
              totals[Outcome::hang], totals[Outcome::silent], totals[Outcome::unclear], totals[Outcome::refused],
              totals[Outcome::leftover]);
  const int bad = int(flags.count) - totals[Outcome::clear] - totals[Outcome::accepted];
  return bad == 0 ? 0 : 1;
} catch (const std::exception& e) {
  std::fprintf(stderr, "wsnerf-fuzz: %s\n", e.what());
  return 2;
}
