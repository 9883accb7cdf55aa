// The corpus: per format, the kinds of damage it gets; case i of a corpus is format
// i mod F, in round i / F, the round's kind of that format (generate.cpp), with choices
// drawn from Rng(seed, i): the first N cases of a corpus are the same for every larger N
// and a small corpus covers every format.
#pragma once
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "tools/fuzz/fuzz_case.h"
#include "tools/fuzz/mutate.h"
#include "tools/fuzz/seeds.h"

namespace ws::fuzz {

// What a kind of damage gets to work with: the seeds, the case's random choices, the
// case being built (its folder exists and is empty).
struct Ctx {
  const Seeds& s;
  Rng& rng;
  Case& c;
  std::string path(const std::string& rel) const;  // c.dir/rel, its parent folders made
  std::string put(const std::string& rel, const std::string& bytes) const;
  std::string copy(const std::string& from, const std::string& rel) const;  // a file or a whole tree
  std::string out() const;  // c.dir/out, an empty folder for the command's outputs
  void command(std::vector<std::string> args) const;  // sets c.argv (wsnerf first)
};

using Kind = std::function<void(Ctx&)>;
struct Format {
  std::string name;
  std::vector<Kind> kinds;
};

// Every format wsnerf reads, each with its kinds (gen_*.cpp).
std::vector<Format> all_formats(const Seeds& s);
std::vector<Format> safetensors_formats(const Seeds& s); // nerf, encoder, embeddings
std::vector<Format> json_formats(const Seeds& s);        // preset, arch, run state, dataset.json, transforms
std::vector<Format> data_formats(const Seeds& s);        // png, obj/mtl, splits
std::vector<Format> cli_formats(const Seeds& s);         // command-line numbers
std::vector<Format> torch_formats(const Seeds& s);       // the authors' .pth weights and grids (import)

// Case i of the corpus, built into work/cases/.
Case make_case(const Seeds& s, const std::vector<Format>& formats, uint64_t seed, size_t i, const std::string& work);

// ---- damage every file format gets (gen_common.cpp) -------------------------------
// `layout` sets up the case's command around a copy of the damaged file and returns
// where the file goes; these kinds then write the damaged bytes there.
using Layout = std::function<std::string(Ctx&)>;
// `flips`/`cuts`: whether an overwritten byte or a cut is always detectable in the format
// (in OBJ text a cut mid-number leaves a valid number).
std::vector<Kind> file_damage(const std::string& seed_file, Layout layout, bool flips, bool cuts = true);
// Writes `bytes` where `layout` puts the file.
void place(Ctx& x, const Layout& layout, const std::string& bytes, const std::string& what);

}  // namespace ws::fuzz
