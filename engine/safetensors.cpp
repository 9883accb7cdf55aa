#include "engine/safetensors.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <nlohmann/json.hpp>
#include <set>

#include "engine/io.h"
#include "engine/json.h"

namespace ws {

namespace {
using json = nlohmann::json;

const char* kMetadataKey = "__metadata__";

bool parse_dtype(const std::string& s, DType& out) {
  for (DType t : {DType::F32, DType::I32, DType::U8, DType::F16, DType::BF16})
    if (s == dtype_name(t)) {
      out = t;
      return true;
    }
  return false;
}

uint64_t read_u64_le(const char* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | uint8_t(p[i]);
  return v;
}

void append_u64_le(std::string& s, uint64_t v) {
  for (int i = 0; i < 8; ++i) s.push_back(char((v >> (8 * i)) & 0xff));
}

// One tensor's header entry, validated against the data size D.
struct Entry {
  std::string name;
  DType dtype;
  Shape shape;
  uint64_t begin, end;
};

Entry parse_entry(const std::string& file, const std::string& name, const json& e, uint64_t D) {
  auto bad = [&](const std::string& why) { fail(str_cat(file, ": tensor '", name, "': ", why)); };
  if (!e.is_object()) bad("header entry is not an object");
  if (!e.contains("dtype") || !e["dtype"].is_string()) bad("no string 'dtype'");
  if (!e.contains("shape") || !e["shape"].is_array()) bad("no 'shape' array");
  if (!e.contains("data_offsets") || !e["data_offsets"].is_array() || e["data_offsets"].size() != 2)
    bad("no 'data_offsets' pair");
  Entry r;
  r.name = name;
  if (!parse_dtype(e["dtype"].get<std::string>(), r.dtype))
    bad(str_cat("unknown dtype '", e["dtype"].get<std::string>(), "' (supported: F32, I32, U8, F16, BF16)"));
  const json& shape = e["shape"];
  if (shape.size() > size_t(Shape::kMaxDims)) bad(str_cat("shape has ", shape.size(), " dims (at most 4)"));
  // numel, guarded against overflow: anything above the data size is wrong anyway.
  uint64_t numel = 1;
  bool too_big = false, empty = false;
  for (const json& d : shape) {
    if (!d.is_number_unsigned()) bad(str_cat("shape ", json_excerpt(shape), " is not a list of non-negative integers"));
    uint64_t v = d.get<uint64_t>();
    // Even beside a zero dimension a larger one is no real tensor (and would not fit int64).
    if (v > uint64_t(1) << 62) bad(str_cat("shape ", json_excerpt(shape), " has a dimension above 2^62"));
    r.shape.dims[r.shape.ndim++] = int64_t(v);
    if (v == 0) empty = true;
    else if (numel > D / v) too_big = true;
    else numel *= v;
  }
  if (empty) numel = 0, too_big = false;
  for (const json& o : e["data_offsets"])
    if (!o.is_number_unsigned()) bad(str_cat("data_offsets ", json_excerpt(e["data_offsets"]), " are not non-negative integers"));
  r.begin = e["data_offsets"][0].get<uint64_t>();
  r.end = e["data_offsets"][1].get<uint64_t>();
  if (r.end < r.begin) bad(str_cat("data_offsets [", r.begin, ", ", r.end, "] end before they begin"));
  if (r.end > D) bad(str_cat("data_offsets [", r.begin, ", ", r.end, "] run past the ", D, " data bytes"));
  uint64_t want = numel * dtype_size(r.dtype);
  if (too_big || r.end - r.begin != want)
    bad(str_cat(dtype_name(r.dtype), json_excerpt(shape), " needs ", too_big ? std::string("more") : std::to_string(want),
                " bytes but data_offsets [", r.begin, ", ", r.end, "] hold ", r.end - r.begin));
  return r;
}
}  // namespace

bool TensorFile::has(const std::string& name) const {
  for (const auto& [n, t] : tensors)
    if (n == name) return true;
  return false;
}

const Tensor& TensorFile::get(const std::string& name) const {
  for (const auto& [n, t] : tensors)
    if (n == name) return t;
  fail(str_cat(path, ": no tensor '", name, "'"));
}

std::string TensorFile::meta(const std::string& key) const {
  auto it = metadata.find(key);
  WS_CHECK(it != metadata.end(), path, ": no metadata '", key, "'");
  return it->second;
}

std::string TensorFile::meta_or(const std::string& key, const std::string& fallback) const {
  auto it = metadata.find(key);
  return it == metadata.end() ? fallback : it->second;
}

TensorFile parse_safetensors(const std::string& bytes, const std::string& path) {
  const std::string& f = path;
  WS_CHECK(bytes.size() >= 8, f, ": file is ", bytes.size(), " bytes, shorter than the 8-byte header length");
  uint64_t N = read_u64_le(bytes.data());
  WS_CHECK(N <= bytes.size() - 8, f, ": header length ", N, " runs past the end of the file (", bytes.size(),
           " bytes)");
  uint64_t D = bytes.size() - 8 - N;
  const char* data = bytes.data() + 8 + N;

  // Duplicate names are invisible once parsed into a map: catch them while parsing.
  std::string duplicate;
  std::set<std::string> seen;
  json::parser_callback_t on_key = [&](int depth, json::parse_event_t ev, json& parsed) {
    if (ev == json::parse_event_t::key && depth == 1 && !seen.insert(parsed.get<std::string>()).second)
      duplicate = parsed.get<std::string>();
    return true;
  };
  json header = parse_json(std::string_view(bytes).substr(8, N), f + ": header", on_key);
  WS_CHECK(header.is_object(), f, ": header is JSON but not an object");
  WS_CHECK(duplicate.empty(), f, ": header names tensor '", duplicate, "' twice");

  TensorFile out;
  out.path = path;
  std::vector<Entry> entries;
  for (auto it = header.begin(); it != header.end(); ++it) {
    if (it.key() == kMetadataKey) {
      WS_CHECK(it.value().is_object(), f, ": __metadata__ is not an object");
      for (auto m = it.value().begin(); m != it.value().end(); ++m) {
        WS_CHECK(m.value().is_string(), f, ": metadata '", m.key(), "' is ", json_excerpt(m.value()),
                 ", not a string (safetensors metadata values are strings)");
        out.metadata[m.key()] = m.value().get<std::string>();
      }
      continue;
    }
    entries.push_back(parse_entry(f, it.key(), it.value(), D));
  }

  // The data must be covered exactly: tensors back to back, no overlaps, no holes.
  std::sort(entries.begin(), entries.end(),
            [](const Entry& a, const Entry& b) { return a.begin != b.begin ? a.begin < b.begin : a.end < b.end; });
  uint64_t cursor = 0;
  for (size_t i = 0; i < entries.size(); ++i) {
    const Entry& e = entries[i];
    WS_CHECK(e.begin >= cursor, f, ": tensor '", e.name, "' data [", e.begin, ", ", e.end, ") overlaps tensor '",
             entries[i - 1].name, "' [", entries[i - 1].begin, ", ", entries[i - 1].end, ")");
    WS_CHECK(e.begin == cursor, f, ": data bytes [", cursor, ", ", e.begin, ") belong to no tensor");
    cursor = e.end;
  }
  WS_CHECK(cursor == D, f, ": data bytes [", cursor, ", ", D, ") belong to no tensor (data not fully covered)");

  for (const Entry& e : entries) {
    Tensor t = Tensor::empty(e.shape, e.dtype, Device::cpu());
    if (e.end > e.begin) std::memcpy(t.raw(), data + e.begin, e.end - e.begin);  // hosts are little-endian
    out.tensors.emplace_back(e.name, t);
  }
  return out;
}

int64_t first_non_finite(const Tensor& t) {
  if (t.dtype() != DType::F32) return -1;
  const std::vector<float> v = t.to_vector();
  for (size_t i = 0; i < v.size(); ++i)
    if (!std::isfinite(v[i])) return int64_t(i);
  return -1;
}

TensorFile load_safetensors(const std::string& path) { return parse_safetensors(read_file(path), path); }

std::string serialize_safetensors(const NamedTensors& tensors, const Metadata& metadata, const std::string& path) {
  nlohmann::ordered_json header = nlohmann::ordered_json::object();
  if (!metadata.empty()) header[kMetadataKey] = metadata;
  uint64_t offset = 0;
  for (const auto& [name, t] : tensors) {
    WS_CHECK(!name.empty() && name != kMetadataKey, path, ": invalid tensor name '", name, "'");
    WS_CHECK(!header.contains(name), path, ": tensor '", name, "' given twice");
    WS_CHECK(t.defined(), path, ": tensor '", name, "' is undefined");
    std::vector<int64_t> shape(t.shape().dims, t.shape().dims + t.ndim());
    header[name] = {{"dtype", dtype_name(t.dtype())}, {"shape", shape}, {"data_offsets", {offset, offset + t.nbytes()}}};
    offset += t.nbytes();
  }
  std::string text = header.dump();
  text.append((8 - text.size() % 8) % 8, ' ');  // data starts 8-aligned, as the reference writer does
  std::string out;
  out.reserve(8 + text.size() + offset);
  append_u64_le(out, text.size());
  out += text;
  size_t data_start = out.size();
  out.resize(data_start + offset);
  for (const auto& [name, t] : tensors) {
    if (t.nbytes()) copy_bytes(&out[data_start], Device::cpu(), t.raw(), t.device(), t.nbytes());
    data_start += t.nbytes();
  }
  return out;
}

void save_safetensors(const std::string& path, const NamedTensors& tensors, const Metadata& metadata) {
  write_file_atomic(path, serialize_safetensors(tensors, metadata, path));
}

}  // namespace ws
