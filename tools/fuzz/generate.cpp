#include "tools/fuzz/generate.h"

#include <filesystem>
#include <iomanip>
#include <sstream>

namespace fs = std::filesystem;

namespace ws::fuzz {

std::string Ctx::path(const std::string& rel) const {
  fs::path p = fs::path(c.dir) / rel;
  fs::create_directories(p.parent_path());
  return p.string();
}

std::string Ctx::put(const std::string& rel, const std::string& bytes) const {
  const std::string p = path(rel);
  fs::remove_all(p);
  write_bytes(p, bytes);
  return p;
}

std::string Ctx::copy(const std::string& from, const std::string& rel) const {
  const std::string p = path(rel);
  fs::copy(from, p, fs::copy_options::recursive | fs::copy_options::copy_symlinks);
  return p;
}

std::string Ctx::out() const {
  const std::string p = path("out");
  fs::create_directories(p);
  return p;
}

void Ctx::command(std::vector<std::string> args) const {
  args.insert(args.begin(), s.bin);
  c.argv = args;
}

std::vector<Format> all_formats(const Seeds& s) {
  std::vector<Format> all;
  for (auto group : {safetensors_formats, json_formats, data_formats, cli_formats, torch_formats})
    for (Format& f : group(s)) all.push_back(std::move(f));
  return all;
}

Case make_case(const Seeds& s, const std::vector<Format>& formats, uint64_t seed, size_t i, const std::string& work) {
  const Format& f = formats[i % formats.size()];
  // Rounds step through the kinds by a stride coprime to their count: round 0 is the
  // control, and a small corpus already mixes generic and format-specific damage.
  const size_t n = f.kinds.size();
  size_t stride = 1;
  for (size_t p : {7, 11, 13, 17})
    if (n % p != 0 && p < n) {
      stride = p;
      break;
    }
  const Kind& kind = f.kinds[((i / formats.size()) * stride) % n];
  Case c;
  c.format = f.name;
  std::ostringstream dir;
  dir << work << "/cases/" << std::setw(4) << std::setfill('0') << i << "-" << f.name;
  c.dir = dir.str();
  fs::remove_all(c.dir);
  fs::create_directories(c.dir);
  Rng rng(seed * 0x100000001b3ULL + i);
  Ctx x{s, rng, c};
  kind(x);
  return c;
}

}  // namespace ws::fuzz
