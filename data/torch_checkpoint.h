// PyTorch checkpoints (torch.save of a state dict, the zip format of torch >= 1.6) read
// without PyTorch: a strict reader for exactly the subset state dicts use.
//
// The file is a zip archive (data/zip_archive.h) of stored entries under one prefix, the
// saved file's base name: <prefix>/data.pkl (a pickle, protocols 2-4) and
// <prefix>/data/<key> (each storage's raw little-endian bytes). The pickle may name only
// these globals: collections.OrderedDict, torch._utils._rebuild_tensor_v2,
// _rebuild_parameter and _rebuild_sparse_tensor, torch.serialization._get_layout
// ('torch.sparse_coo'), torch.Size and the typed storages torch.{Float,Double,Half,
// BFloat16,Long,Int,Short,Char,Byte,Bool}Storage; storages come as persistent ids
// ('storage', type, key, location, numel). The object must be a dict of tensors. Anything
// else (another global or opcode, a length or offset outside the file, a view past its
// storage, tensors holding more than 4x the file's size, the legacy pre-1.6 format, a gzip
// file) is a ws::Error naming the file and the problem, never a crash: the pickle is
// interpreted, never executed.
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace ws {

enum class TorchDType { F64, F32, F16, BF16, I64, I32, I16, I8, U8, Bool };
const char* torch_dtype_name(TorchDType t);  // "float32", "bool", ...
size_t torch_dtype_size(TorchDType t);

struct TorchTensor {
  TorchDType dtype = TorchDType::F32;
  std::vector<int64_t> shape;
  // Dense: numel() elements, row-major, little-endian. Sparse COO: the nnz values.
  std::vector<uint8_t> data;
  bool sparse = false;
  std::vector<int64_t> indices;  // sparse only: [ndim, nnz] row-major

  int64_t numel() const;  // of the (dense) shape
  int64_t nnz() const { return sparse ? int64_t(data.size() / torch_dtype_size(dtype)) : numel(); }
  std::string shape_str() const;  // "[3, 32, 32, 16]"
  std::string describe() const;   // "float16 [3, 32, 32, 16]" or "sparse bool [96, 96, 96]"
};

// A dense tensor's elements as float (floating dtypes: F16 and BF16 widened, F64 rounded)
// or as int64 (integer and bool dtypes); other dtypes and sparse tensors are an error
// naming `what`.
std::vector<float> torch_floats(const TorchTensor& t, const std::string& what);
std::vector<int64_t> torch_ints(const TorchTensor& t, const std::string& what);

struct TorchCheckpoint {
  std::string path;
  std::vector<std::pair<std::string, TorchTensor>> tensors;  // in the pickle's order

  bool has(const std::string& key) const;
  // An error naming the file and the key when absent.
  const TorchTensor& get(const std::string& key) const;
  std::string keys() const;  // "'a', 'b'" for messages
};

TorchCheckpoint load_torch_checkpoint(const std::string& path);
// The same from bytes in memory; `path` names them in errors.
TorchCheckpoint parse_torch_checkpoint(std::string bytes, const std::string& path);

}  // namespace ws
