// The damage a fuzz case does to a valid file: bytes cut or overwritten, JSON values
// replaced, keys removed or added, nesting deepened, safetensors headers rewritten.
// Deterministic: every choice comes from an Rng seeded by the corpus seed and the case.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace ws::fuzz {

// splitmix64: the same sequence on every platform (std's distributions are not).
class Rng {
 public:
  explicit Rng(uint64_t seed) : s_(seed) {}
  uint64_t next();
  uint64_t below(uint64_t n) { return n == 0 ? 0 : next() % n; }
  template <class T>
  const T& pick(const std::vector<T>& v) { return v[size_t(below(v.size()))]; }

 private:
  uint64_t s_;
};

std::string read_bytes(const std::string& path);
void write_bytes(const std::string& path, const std::string& bytes);

// Overwrites byte `at` with one that is invalid wherever it lands in JSON text or a PNG
// signature/header (a control byte or a lone UTF-8 continuation/lead byte): the damage
// is always detectable, unlike a flip that turns one digit into another.
std::string flip_to_invalid(std::string bytes, size_t at, Rng& rng);

// `depth` nested arrays around nothing: "[[[...]]]".
std::string deep_json(size_t depth);

// JSON with raw text spliced in where nlohmann cannot hold it (NaN, 1e999, 2^64):
// set `path` ("fit/steps", "frames/0/transform_matrix/1/2") to the literal `raw`.
std::string with_raw_value(const nlohmann::ordered_json& doc, const std::string& path, const std::string& raw);
// The same document with the value at `path` removed.
std::string without_key(nlohmann::ordered_json doc, const std::string& path);

// The value at `path` ("a/b/0").
const nlohmann::ordered_json& value_at(const nlohmann::ordered_json& doc, const std::string& path);
// Every path to a leaf (scalar) of a document, "a/b/0".
std::vector<std::string> leaf_paths(const nlohmann::ordered_json& doc);

// A safetensors file split into its header JSON text and data bytes, and put back.
struct SafetensorsParts {
  std::string header, data;
};
SafetensorsParts split_safetensors(const std::string& bytes);
// Header padded with spaces to a multiple of 8, as writers do.
std::string join_safetensors(const std::string& header, const std::string& data);
// The 8-byte little-endian length prefix.
std::string le64(uint64_t n);

}  // namespace ws::fuzz
