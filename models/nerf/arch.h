// NeRF architectures as data: a JSON spec of a family and its sizes (docs/design.md §3.6).
// The 13 named architectures are built in; a user-written spec of another variant in
// the same families works without recompiling.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace ws {

enum class Family { Mlp, Tri, Hash };
const char* family_name(Family f);  // "mlp", "tri", "hash"

// The most parameters a spec may have (16.8M: an instant-NGP-sized hash grid).
constexpr int64_t kMaxArchParams = int64_t(1) << 24;

struct ArchSpec {
  std::string name;          // "MLP", "TRI-8C", or a user's name
  Family family = Family::Mlp;
  int hidden_layers = 3;     // hidden activations; hidden_layers + 1 weight matrices
  int hidden_dim = 64;
  int freq_bands = 24;       // frequency-encoding bands (mlp 24, tri 48, hash 0)
  int tri_res = 0, tri_channels = 0;                       // tri only
  int hash_levels = 0, hash_log2_table = 0, hash_features = 2;  // hash only
  int hash_base_res = 16, hash_finest_res = 128;
  static constexpr int kOutRows = 16;  // output layer rows (first 4 used: rgb, density)
  static constexpr int kPad = 16;      // MLP input widths are padded to a multiple of this

  // ---- derived sizes ----
  int encoded_dim() const;    // real MLP inputs before padding (6n, 6n + C, or L*F)
  int mlp_input_dim() const;  // padded with constant-1 inputs to a multiple of 16
  std::vector<int> layer_widths() const;  // [in_padded, hidden x n, 16]
  int64_t mlp_params() const;             // sum of out*in over the layers
  int64_t encoding_params() const;        // tri-plane 3*R*R*C or hash tables sum(size_l)*F
  int64_t total_params() const { return mlp_params() + encoding_params(); }
  // Hash grid per level (tcnn arithmetic, float32): scale, resolution, table size, dense?
  struct HashLevel {
    float scale;
    uint32_t res;
    uint32_t size;    // entries
    uint32_t offset;  // first entry of this level in the concatenated table
    bool dense;
  };
  std::vector<HashLevel> hash_level_table() const;

  nlohmann::json to_json() const;
  // Parses and validates a spec; `where` names the source in errors (a file, "arch metadata").
  static ArchSpec from_json(const nlohmann::json& j, const std::string& where);
  bool same_shape(const ArchSpec& o) const;  // equal in everything but the name
};

// The 13 architectures of docs/design.md §3.6, training ones first (MLP, TRI, HASH).
const std::vector<ArchSpec>& builtin_archs();
// A built-in name, or a path to a JSON spec file. Unknown names list the known ones.
ArchSpec find_arch(const std::string& name_or_path);
bool is_training_arch(const std::string& name);

}  // namespace ws
