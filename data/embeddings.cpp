#include "data/embeddings.h"

#include <algorithm>

#include "engine/json.h"

namespace ws {

namespace {
constexpr const char* kFormat = "wsnerf.embeddings/1";
}

std::vector<int64_t> EmbeddingSet::select(const std::string& split, const std::string& arch) const {
  std::vector<int64_t> out;
  for (int64_t i = 0; i < size(); ++i)
    if ((split.empty() || rows[size_t(i)].split == split) && (arch.empty() || rows[size_t(i)].arch == arch))
      out.push_back(i);
  return out;
}

std::vector<std::string> EmbeddingSet::archs() const {
  std::vector<std::string> out;
  for (const EmbeddingRow& r : rows)
    if (std::find(out.begin(), out.end(), r.arch) == out.end()) out.push_back(r.arch);
  return out;
}

std::vector<std::string> EmbeddingSet::classes() const {
  std::vector<std::string> out;
  for (const EmbeddingRow& r : rows) out.push_back(r.cls);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

void save_embeddings(const std::string& path, const EmbeddingSet& set) {
  WS_CHECK(set.embeddings.defined() && set.embeddings.ndim() == 2 && set.embeddings.size(0) == set.size(),
           "save_embeddings ", path, ": ", set.size(), " rows for embeddings ", describe(set.embeddings));
  nlohmann::json rows = nlohmann::json::array();
  for (const EmbeddingRow& r : set.rows)
    rows.push_back({{"object", r.object}, {"class", r.cls}, {"arch", r.arch}, {"split", r.split}, {"nerf", r.nerf}});
  Metadata meta = set.info;
  meta["format"] = kFormat;
  meta["rows"] = rows.dump();
  save_safetensors(path, {{"embeddings", set.embeddings.to(Device::cpu())}}, meta);
}

EmbeddingSet load_embeddings(const std::string& path) {
  TensorFile f = load_safetensors(path);
  WS_CHECK(f.metadata.count("format") && f.metadata.at("format") == kFormat, path,
           ": not an embeddings file (metadata 'format' is not ", kFormat, ")");
  for (const auto& [name, t] : f.tensors)  // as NeRF and encoder files: nothing unexplained
    WS_CHECK(name == "embeddings", path, ": unexpected tensor '", name, "' (an embeddings file holds only 'embeddings')");
  EmbeddingSet set;
  set.embeddings = f.get("embeddings");
  WS_CHECK(set.embeddings.dtype() == DType::F32 && set.embeddings.ndim() == 2, path, ": 'embeddings' is ",
           describe(set.embeddings), ", expected F32 [N, D]");
  nlohmann::json rows = parse_json(f.meta("rows"), path + ": metadata 'rows'");
  WS_CHECK(rows.is_array(), path, ": metadata 'rows' is not a JSON array");
  for (size_t i = 0; i < rows.size(); ++i) {
    const nlohmann::json& r = rows[i];
    const std::string where = str_cat(path, ": rows[", i, "]");
    WS_CHECK(r.is_object(), where, " = ", json_excerpt(r), " is not an object");
    set.rows.push_back({json_field<std::string>(r, "object", where), json_field<std::string>(r, "class", where),
                        json_field<std::string>(r, "arch", where), json_field<std::string>(r, "split", where),
                        r.contains("nerf") ? json_field<std::string>(r, "nerf", where) : ""});
  }
  WS_CHECK(set.size() == set.embeddings.size(0), path, ": ", set.size(), " row records for ", set.embeddings.size(0),
           " embeddings");
  // One NaN row would silently drag every mean, distance and accuracy computed from the set.
  if (const int64_t k = first_non_finite(set.embeddings); k >= 0) {
    const int64_t row = k / set.embeddings.size(1);
    fail(str_cat(path, ": embedding row ", row, " (", set.rows[size_t(row)].object, ") holds a non-finite value"));
  }
  for (const auto& kv : f.metadata)
    if (kv.first != "format" && kv.first != "rows") set.info[kv.first] = kv.second;
  return set;
}

}  // namespace ws
