// Embedding files: what `wsnerf embed` writes and the evaluations read. A safetensors
// file with `embeddings` F32 [N, D] and, in the metadata (format wsnerf.embeddings/1),
// one JSON record per row: object ("class/id"), class, arch, split, and the NeRF file.
#pragma once
#include <string>
#include <vector>

#include "engine/safetensors.h"

namespace ws {

struct EmbeddingRow {
  std::string object;  // "chair/003"
  std::string cls;     // "chair"
  std::string arch;    // "MLP", "TRI-8C", ...
  std::string split;   // "train", "val" or "test"
  std::string nerf;    // path of the NeRF file it came from
};

struct EmbeddingSet {
  Tensor embeddings;              // F32 [N, D] on the CPU
  std::vector<EmbeddingRow> rows; // N
  Metadata info;                  // extra metadata (encoder checkpoint, preset, ...)
  int64_t size() const { return int64_t(rows.size()); }
  int64_t dim() const { return embeddings.defined() ? embeddings.size(1) : 0; }
  // Rows whose split / arch match (empty string = any).
  std::vector<int64_t> select(const std::string& split, const std::string& arch = "") const;
  std::vector<std::string> archs() const;    // distinct, in first-seen order
  std::vector<std::string> classes() const;  // distinct, sorted
};

void save_embeddings(const std::string& path, const EmbeddingSet& set);
// Errors name the file and what is missing or inconsistent.
EmbeddingSet load_embeddings(const std::string& path);

}  // namespace ws
