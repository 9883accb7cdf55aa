// The safetensors format: an 8-byte little-endian header length N, N bytes of JSON
// ({"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, ...,
// optionally "__metadata__": {string: string}}), padded with spaces, then the data
// (offsets relative to its start, tensors contiguous, no holes). Tensors are
// row-major, little-endian. Dtypes: F32, I32, U8, F16, BF16 (the last two as storage).
#pragma once
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "engine/tensor.h"

namespace ws {

using NamedTensors = std::vector<std::pair<std::string, Tensor>>;
using Metadata = std::map<std::string, std::string>;

struct TensorFile {
  std::string path;     // where it was loaded from (for error messages)
  NamedTensors tensors;  // on the CPU, in file (data offset) order
  Metadata metadata;

  bool has(const std::string& name) const;
  // The tensor called name; an error naming the file and the tensor when absent.
  const Tensor& get(const std::string& name) const;
  // Metadata value; an error naming the file and the key when absent.
  std::string meta(const std::string& key) const;
  std::string meta_or(const std::string& key, const std::string& fallback) const;
};

// Reads and validates a file; every problem is a ws::Error naming the file.
TensorFile load_safetensors(const std::string& path);
// Parses bytes already in memory; `path` only names them in messages.
TensorFile parse_safetensors(const std::string& bytes, const std::string& path);
// Index of the first NaN or infinite element of an F32 tensor, -1 when all are finite (and
// for other dtypes): loaded weights are checked with it, NaN would otherwise flow silently.
int64_t first_non_finite(const Tensor& t);
// Tensors (any device) in the given order; written atomically (engine/io.h).
void save_safetensors(const std::string& path, const NamedTensors& tensors, const Metadata& metadata = {});
// The bytes save_safetensors writes.
std::string serialize_safetensors(const NamedTensors& tensors, const Metadata& metadata, const std::string& path);

}  // namespace ws
