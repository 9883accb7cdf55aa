// The pickle machine behind data/torch_checkpoint.h: interprets the opcodes torch.save
// emits (protocols 2-4) over a closed set of globals, building tensors from storages that
// the caller supplies. No Python object is ever created and no callable is ever run;
// every other opcode or global is an error.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "data/torch_checkpoint.h"

namespace ws {

struct TorchStorage {
  TorchDType dtype = TorchDType::F32;
  std::string_view bytes;  // numel elements
  int64_t numel = 0;
};

// (dtype, key, numel) of a persistent id -> the storage's bytes; throws when they are
// missing or of another size.
using StorageLoader = std::function<TorchStorage(TorchDType dtype, const std::string& key, int64_t numel)>;

// The pickle of a state dict -> its (name, tensor) pairs in order. `where` ("FILE:
// prefix/data.pkl") starts every error message, which also names the byte offset. The
// tensors together may hold at most `max_bytes` (views can repeat a storage's elements,
// and a stride-0 view of one element could otherwise ask for terabytes).
std::vector<std::pair<std::string, TorchTensor>> unpickle_state_dict(std::string_view pickle, const std::string& where,
                                                                     const StorageLoader& load, uint64_t max_bytes);

}  // namespace ws
