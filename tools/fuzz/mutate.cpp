#include "tools/fuzz/mutate.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace ws::fuzz {

uint64_t Rng::next() {
  uint64_t z = (s_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
  if (!out) throw std::runtime_error("cannot write " + path);
}

std::string flip_to_invalid(std::string bytes, size_t at, Rng& rng) {
  static const std::vector<unsigned char> invalid = {0x00, 0x01, 0x07, 0x1f, 0x80, 0xbf, 0xc0, 0xc1, 0xf8, 0xff};
  if (at < bytes.size()) bytes[at] = char(rng.pick(invalid));
  return bytes;
}

std::string deep_json(size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

namespace {
std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> parts;
  std::stringstream s(path);
  for (std::string p; std::getline(s, p, '/');) parts.push_back(p);
  return parts;
}

nlohmann::ordered_json& at_path(nlohmann::ordered_json& doc, const std::vector<std::string>& parts, size_t n) {
  nlohmann::ordered_json* v = &doc;
  for (size_t i = 0; i < n; ++i) v = v->is_array() ? &(*v)[std::stoul(parts[i])] : &(*v)[parts[i]];
  return *v;
}

void collect(const nlohmann::ordered_json& v, const std::string& prefix, std::vector<std::string>& out) {
  if (v.is_object()) {
    for (auto it = v.begin(); it != v.end(); ++it) collect(it.value(), prefix + it.key() + "/", out);
  } else if (v.is_array() && !v.empty()) {
    for (size_t i = 0; i < v.size(); ++i) collect(v[i], prefix + std::to_string(i) + "/", out);
  } else if (!prefix.empty()) {
    out.push_back(prefix.substr(0, prefix.size() - 1));
  }
}
}  // namespace

std::string with_raw_value(const nlohmann::ordered_json& doc, const std::string& path, const std::string& raw) {
  static const std::string marker = "@@fuzz-raw@@";
  nlohmann::ordered_json copy = doc;
  const std::vector<std::string> parts = split_path(path);
  at_path(copy, parts, parts.size()) = marker;
  std::string text = copy.dump(1);
  const size_t at = text.find("\"" + marker + "\"");
  return text.replace(at, marker.size() + 2, raw);
}

std::string without_key(nlohmann::ordered_json doc, const std::string& path) {
  const std::vector<std::string> parts = split_path(path);
  nlohmann::ordered_json& parent = at_path(doc, parts, parts.size() - 1);
  if (parent.is_array()) parent.erase(std::stoul(parts.back()));
  else parent.erase(parts.back());
  return doc.dump(1);
}

const nlohmann::ordered_json& value_at(const nlohmann::ordered_json& doc, const std::string& path) {
  const nlohmann::ordered_json* v = &doc;
  for (const std::string& part : split_path(path)) v = v->is_array() ? &(*v)[std::stoul(part)] : &(*v)[part];
  return *v;
}

std::vector<std::string> leaf_paths(const nlohmann::ordered_json& doc) {
  std::vector<std::string> out;
  collect(doc, "", out);
  return out;
}

std::string le64(uint64_t n) {
  std::string s;
  for (int i = 0; i < 8; ++i) s.push_back(char((n >> (8 * i)) & 0xff));
  return s;
}

SafetensorsParts split_safetensors(const std::string& bytes) {
  uint64_t n = 0;
  for (int i = 0; i < 8; ++i) n |= uint64_t((unsigned char)bytes.at(size_t(i))) << (8 * i);
  if (n > bytes.size() - 8) throw std::runtime_error("seed safetensors header runs past the end");
  std::string header = bytes.substr(8, n);
  while (!header.empty() && header.back() == ' ') header.pop_back();
  return {header, bytes.substr(8 + n)};
}

std::string join_safetensors(const std::string& header, const std::string& data) {
  std::string h = header;
  while (h.size() % 8 != 0) h.push_back(' ');
  return le64(h.size()) + h + data;
}

}  // namespace ws::fuzz
