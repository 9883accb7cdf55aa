#include "data/embeddings.h"

#include <algorithm>

#include <nlohmann/json.hpp>

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
  EmbeddingSet set;
  set.embeddings = f.get("embeddings");
  WS_CHECK(set.embeddings.dtype() == DType::F32 && set.embeddings.ndim() == 2, path, ": 'embeddings' is ",
           describe(set.embeddings), ", expected F32 [N, D]");
  nlohmann::json rows = nlohmann::json::parse(f.meta("rows"), nullptr, false);
  WS_CHECK(rows.is_array(), path, ": metadata 'rows' is not a JSON array");
  for (const nlohmann::json& r : rows) {
    WS_CHECK(r.is_object() && r.contains("object") && r.contains("class") && r.contains("arch") && r.contains("split"),
             path, ": a row record lacks object/class/arch/split: ", r.dump());
    set.rows.push_back({r["object"].get<std::string>(), r["class"].get<std::string>(), r["arch"].get<std::string>(),
                        r["split"].get<std::string>(), r.value("nerf", "")});
  }
  WS_CHECK(set.size() == set.embeddings.size(0), path, ": ", set.size(), " row records for ", set.embeddings.size(0),
           " embeddings");
  for (const auto& kv : f.metadata)
    if (kv.first != "format" && kv.first != "rows") set.info[kv.first] = kv.second;
  return set;
}

}  // namespace ws
