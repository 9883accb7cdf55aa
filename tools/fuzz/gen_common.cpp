// Damage every file format gets: cut short, a byte overwritten, emptied, replaced by a
// folder or by a link to /dev/zero (a file without end).
#include <filesystem>
#include <set>

#include "tools/fuzz/generate.h"

namespace fs = std::filesystem;

namespace ws::fuzz {
namespace {
// Where the file's content ends: trailing whitespace or a safetensors header's padding
// is not content (cutting it leaves a valid file).
size_t content_end(const std::string& bytes) {
  size_t n = bytes.size();
  while (n > 0 && (bytes[n - 1] == '\n' || bytes[n - 1] == ' ' || bytes[n - 1] == '\r')) --n;
  return n;
}

bool is_safetensors(const std::string& file) { return fs::path(file).extension() == ".safetensors"; }

// Offsets where a reader's assumptions change: the length prefix, the header's end,
// the first data byte, the last byte.
std::vector<size_t> boundaries(const std::string& file, const std::string& bytes) {
  std::set<size_t> at = {0, 1, content_end(bytes) / 2, content_end(bytes) - 1};
  if (is_safetensors(file)) {
    const size_t header = split_safetensors(bytes).header.size();
    for (size_t b : {size_t(7), size_t(8), size_t(8 + header - 1), size_t(8 + header), bytes.size() - 1})
      at.insert(b);
  }
  return {at.begin(), at.end()};
}

// Bytes where an invalid byte is always detectable: JSON text, a safetensors length and
// header, a PNG's signature and IHDR fields (not its CRCs: nothing checks those).
size_t flip_limit(const std::string& file, const std::string& bytes) {
  if (is_safetensors(file)) return 8 + split_safetensors(bytes).header.size();
  if (fs::path(file).extension() == ".png") return 24;
  return content_end(bytes);
}
}  // namespace

void place(Ctx& x, const Layout& layout, const std::string& bytes, const std::string& what) {
  const std::string p = layout(x);
  fs::remove_all(p);
  write_bytes(p, bytes);
  x.c.name = what;
}

std::vector<Kind> file_damage(const std::string& seed_file, Layout layout, bool flips, bool cuts) {
  std::vector<Kind> kinds;
  kinds.push_back([=](Ctx& x) {  // the seed itself: proves the command reaches the file at all
    place(x, layout, read_bytes(seed_file), "control: the valid seed");
    x.c.accept_reason = "a valid file";
  });
  if (cuts) kinds.push_back([=](Ctx& x) {
    const std::string b = read_bytes(seed_file);
    const size_t at = size_t(x.rng.below(content_end(b)));
    place(x, layout, b.substr(0, at), "cut at byte " + std::to_string(at) + " of " + std::to_string(b.size()));
  });
  if (cuts) kinds.push_back([=](Ctx& x) {
    const std::string b = read_bytes(seed_file);
    const size_t at = x.rng.pick(boundaries(seed_file, b));
    place(x, layout, b.substr(0, at), "cut at boundary byte " + std::to_string(at) + " of " + std::to_string(b.size()));
  });
  if (flips) {
    kinds.push_back([=](Ctx& x) {
      const std::string b = read_bytes(seed_file);
      const size_t at = size_t(x.rng.below(flip_limit(seed_file, b)));
      place(x, layout, flip_to_invalid(b, at, x.rng), "invalid byte at " + std::to_string(at));
    });
  }
  kinds.push_back([=](Ctx& x) { place(x, layout, "", "empty file"); });
  kinds.push_back([=](Ctx& x) {
    const std::string p = layout(x);
    fs::remove_all(p);
    fs::create_directories(p);
    x.c.name = "a folder where the file should be";
  });
  kinds.push_back([=](Ctx& x) {
    const std::string p = layout(x);
    fs::remove_all(p);
    fs::create_symlink("/dev/zero", p);
    x.c.name = "a link to /dev/zero";
  });
  return kinds;
}

}  // namespace ws::fuzz
