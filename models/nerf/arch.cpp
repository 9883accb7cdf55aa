#include "models/nerf/arch.h"

#include <cmath>
#include <filesystem>

#include "core/error.h"
#include "engine/io.h"
#include "engine/json.h"

namespace ws {

const char* family_name(Family f) {
  switch (f) {
    case Family::Mlp: return "mlp";
    case Family::Tri: return "tri";
    case Family::Hash: return "hash";
  }
  return "?";
}

int ArchSpec::encoded_dim() const {
  switch (family) {
    case Family::Mlp: return 6 * freq_bands;
    case Family::Tri: return 6 * freq_bands + tri_channels;
    case Family::Hash: return hash_levels * hash_features;
  }
  return 0;
}

int ArchSpec::mlp_input_dim() const { return (encoded_dim() + kPad - 1) / kPad * kPad; }

std::vector<int> ArchSpec::layer_widths() const {
  std::vector<int> w = {mlp_input_dim()};
  for (int i = 0; i < hidden_layers; ++i) w.push_back(hidden_dim);
  w.push_back(kOutRows);
  return w;
}

int64_t ArchSpec::mlp_params() const {
  std::vector<int> w = layer_widths();
  int64_t n = 0;
  for (size_t i = 0; i + 1 < w.size(); ++i) n += int64_t(w[i]) * w[i + 1];
  return n;
}

std::vector<ArchSpec::HashLevel> ArchSpec::hash_level_table() const {
  std::vector<HashLevel> out;
  if (family != Family::Hash) return out;
  // tcnn: per-level scale b = exp((ln finest - ln base) / (L - 1)), computed in float32.
  float b = hash_levels > 1 ? std::exp((std::log(float(hash_finest_res)) - std::log(float(hash_base_res))) /
                                       float(hash_levels - 1))
                            : 1.0f;
  uint32_t table = 1u << hash_log2_table, offset = 0;
  for (int l = 0; l < hash_levels; ++l) {
    HashLevel lv;
    lv.scale = std::exp2(float(l) * std::log2(b)) * float(hash_base_res) - 1.0f;
    lv.res = uint32_t(std::ceil(lv.scale)) + 1;
    uint64_t dense = uint64_t(lv.res) * lv.res * lv.res;
    dense = (dense + 7) / 8 * 8;
    lv.dense = dense <= table;
    lv.size = uint32_t(lv.dense ? dense : table);
    lv.offset = offset;
    offset += lv.size;
    out.push_back(lv);
  }
  return out;
}

int64_t ArchSpec::encoding_params() const {
  if (family == Family::Tri) return 3LL * tri_res * tri_res * tri_channels;
  if (family == Family::Hash) {
    int64_t n = 0;
    for (const HashLevel& l : hash_level_table()) n += l.size;
    return n * hash_features;
  }
  return 0;
}

nlohmann::json ArchSpec::to_json() const {
  nlohmann::json j = {{"name", name}, {"family", family_name(family)}, {"hidden_layers", hidden_layers},
                      {"hidden_dim", hidden_dim}};
  if (family != Family::Hash) j["freq_bands"] = freq_bands;
  if (family == Family::Tri) {
    j["tri_res"] = tri_res;
    j["tri_channels"] = tri_channels;
  }
  if (family == Family::Hash) {
    j["hash_levels"] = hash_levels;
    j["hash_log2_table"] = hash_log2_table;
    j["hash_features"] = hash_features;
    j["hash_base_res"] = hash_base_res;
    j["hash_finest_res"] = hash_finest_res;
  }
  return j;
}

ArchSpec ArchSpec::from_json(const nlohmann::json& j, const std::string& where) {
  WS_CHECK(j.is_object(), where, ": architecture spec must be a JSON object");
  auto get_int = [&](const char* key, int fallback, int lo, int hi) {
    return j.contains(key) ? int(json_int_field(j, key, where, lo, hi)) : fallback;
  };
  // A misspelt key would otherwise fall back to its default without a word.
  static const char* known[] = {"name", "family", "hidden_layers", "hidden_dim", "freq_bands", "tri_res",
                                "tri_channels", "hash_levels", "hash_log2_table", "hash_features", "hash_base_res",
                                "hash_finest_res"};
  for (auto it = j.begin(); it != j.end(); ++it) {
    bool ok = false;
    for (const char* k : known) ok = ok || it.key() == k;
    WS_CHECK(ok, where, ": unknown key '", it.key(), "' (known: name, family, hidden_layers, hidden_dim, freq_bands, ",
             "tri_res, tri_channels, hash_levels, hash_log2_table, hash_features, hash_base_res, hash_finest_res)");
  }
  ArchSpec a;
  WS_CHECK(j.contains("family") && j["family"].is_string(), where, ": missing string 'family' (mlp, tri or hash)");
  std::string fam = j["family"].get<std::string>();
  if (fam == "mlp") a.family = Family::Mlp;
  else if (fam == "tri") a.family = Family::Tri;
  else if (fam == "hash") a.family = Family::Hash;
  else fail(str_cat(where, ": unknown family '", fam, "' (expected mlp, tri or hash)"));
  a.name = j.contains("name") && j["name"].is_string() ? j["name"].get<std::string>() : "custom";
  a.hidden_layers = get_int("hidden_layers", 3, 1, 16);
  a.hidden_dim = get_int("hidden_dim", 64, 1, 1024);
  if (a.family == Family::Mlp) a.freq_bands = get_int("freq_bands", 24, 1, 64);
  if (a.family == Family::Tri) {
    a.freq_bands = get_int("freq_bands", 48, 0, 64);
    a.tri_res = get_int("tri_res", 32, 2, 1024);
    a.tri_channels = get_int("tri_channels", 16, 1, 256);
  }
  if (a.family == Family::Hash) {
    a.freq_bands = 0;
    a.hash_levels = get_int("hash_levels", 4, 1, 32);
    a.hash_log2_table = get_int("hash_log2_table", 12, 3, 24);
    a.hash_features = get_int("hash_features", 2, 1, 8);
    a.hash_base_res = get_int("hash_base_res", 16, 2, 4096);
    a.hash_finest_res = get_int("hash_finest_res", 128, a.hash_base_res, 1 << 16);
  }
  // Each key is bounded but their product is not: a NeRF's parameter graph holds an edge
  // per parameter, and a spec at every upper bound would allocate until bad_alloc.
  WS_CHECK(a.total_params() <= kMaxArchParams, where, ": the spec has ", a.total_params(), " parameters, more than ",
           kMaxArchParams, " (lower tri_res, tri_channels, hash_log2_table, hash_levels or hidden_dim)");
  return a;
}

bool ArchSpec::same_shape(const ArchSpec& o) const {
  ArchSpec a = *this, b = o;
  a.name = b.name = "";
  return a.to_json() == b.to_json();
}

namespace {
ArchSpec mlp(const char* name, int layers, int dim) {
  ArchSpec a;
  a.name = name;
  a.family = Family::Mlp;
  a.hidden_layers = layers;
  a.hidden_dim = dim;
  a.freq_bands = 24;
  return a;
}
ArchSpec tri(const char* name, int layers, int dim, int res, int ch) {
  ArchSpec a = mlp(name, layers, dim);
  a.family = Family::Tri;
  a.freq_bands = 48;
  a.tri_res = res;
  a.tri_channels = ch;
  return a;
}
ArchSpec hash(const char* name, int layers, int dim, int levels, int log2t) {
  ArchSpec a = mlp(name, layers, dim);
  a.family = Family::Hash;
  a.freq_bands = 0;
  a.hash_levels = levels;
  a.hash_log2_table = log2t;
  return a;
}
}  // namespace

const std::vector<ArchSpec>& builtin_archs() {
  static const std::vector<ArchSpec> all = {
      mlp("MLP", 3, 64),           tri("TRI", 3, 64, 32, 16),      hash("HASH", 3, 64, 4, 12),
      mlp("MLP-2L", 2, 64),        mlp("MLP-32H", 3, 32),          tri("TRI-2L", 2, 64, 32, 16),
      tri("TRI-32H", 3, 32, 32, 16), tri("TRI-16W", 3, 64, 16, 16), tri("TRI-8C", 3, 64, 32, 8),
      hash("HASH-2L", 2, 64, 4, 12), hash("HASH-32H", 3, 32, 4, 12), hash("HASH-3N", 3, 64, 3, 12),
      hash("HASH-11T", 3, 64, 4, 11),
  };
  return all;
}

bool is_training_arch(const std::string& name) { return name == "MLP" || name == "TRI" || name == "HASH"; }

ArchSpec find_arch(const std::string& name_or_path) {
  for (const ArchSpec& a : builtin_archs())
    if (a.name == name_or_path) return a;
  std::error_code ec;
  if (std::filesystem::exists(name_or_path, ec)) {
    return ArchSpec::from_json(parse_json(read_file(name_or_path), name_or_path), name_or_path);
  }
  std::string known;
  for (const ArchSpec& a : builtin_archs()) known += (known.empty() ? "" : ", ") + a.name;
  fail(str_cat("unknown architecture '", name_or_path, "' (built in: ", known, "; or give a JSON spec file)"));
}

}  // namespace ws
