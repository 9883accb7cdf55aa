#include "data/torch_checkpoint.h"

#include <cstring>

#include "core/error.h"
#include "data/torch_unpickler.h"
#include "data/zip_archive.h"
#include "engine/dtype.h"
#include "engine/io.h"

namespace ws {

const char* torch_dtype_name(TorchDType t) {
  switch (t) {
    case TorchDType::F64: return "float64";
    case TorchDType::F32: return "float32";
    case TorchDType::F16: return "float16";
    case TorchDType::BF16: return "bfloat16";
    case TorchDType::I64: return "int64";
    case TorchDType::I32: return "int32";
    case TorchDType::I16: return "int16";
    case TorchDType::I8: return "int8";
    case TorchDType::U8: return "uint8";
    case TorchDType::Bool: return "bool";
  }
  return "?";
}

size_t torch_dtype_size(TorchDType t) {
  switch (t) {
    case TorchDType::F64: case TorchDType::I64: return 8;
    case TorchDType::F32: case TorchDType::I32: return 4;
    case TorchDType::F16: case TorchDType::BF16: case TorchDType::I16: return 2;
    case TorchDType::I8: case TorchDType::U8: case TorchDType::Bool: return 1;
  }
  return 1;
}

int64_t TorchTensor::numel() const {
  int64_t n = 1;
  for (int64_t s : shape) n *= s;  // each dimension was bounded when the tensor was read
  return n;
}

std::string TorchTensor::shape_str() const { return dims_str(shape.data(), shape.size()); }

std::string TorchTensor::describe() const {
  return str_cat(sparse ? "sparse " : "", torch_dtype_name(dtype), " ", shape_str());
}

namespace {
template <class T>
T load_le(const uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof v);  // little-endian hosts only (x86-64, aarch64), as the build assumes
  return v;
}
}  // namespace

std::vector<float> torch_floats(const TorchTensor& t, const std::string& what) {
  WS_CHECK(!t.sparse, what, ": a sparse tensor where a dense one was expected");
  const size_t n = t.data.size() / torch_dtype_size(t.dtype);
  std::vector<float> out(n);
  const uint8_t* p = t.data.data();
  switch (t.dtype) {
    case TorchDType::F32: std::memcpy(out.data(), p, n * 4); break;
    case TorchDType::F64: for (size_t i = 0; i < n; ++i) out[i] = float(load_le<double>(p + 8 * i)); break;
    case TorchDType::F16: for (size_t i = 0; i < n; ++i) out[i] = half_to_float(load_le<uint16_t>(p + 2 * i)); break;
    case TorchDType::BF16:
      for (size_t i = 0; i < n; ++i) {
        const uint32_t bits = uint32_t(load_le<uint16_t>(p + 2 * i)) << 16;
        std::memcpy(&out[i], &bits, 4);
      }
      break;
    default: fail(str_cat(what, ": ", t.describe(), " is not a floating-point tensor"));
  }
  return out;
}

std::vector<int64_t> torch_ints(const TorchTensor& t, const std::string& what) {
  WS_CHECK(!t.sparse, what, ": a sparse tensor where a dense one was expected");
  const size_t n = t.data.size() / torch_dtype_size(t.dtype);
  std::vector<int64_t> out(n);
  const uint8_t* p = t.data.data();
  for (size_t i = 0; i < n; ++i) {
    switch (t.dtype) {
      case TorchDType::I64: out[i] = load_le<int64_t>(p + 8 * i); break;
      case TorchDType::I32: out[i] = load_le<int32_t>(p + 4 * i); break;
      case TorchDType::I16: out[i] = load_le<int16_t>(p + 2 * i); break;
      case TorchDType::I8: out[i] = int8_t(p[i]); break;
      case TorchDType::U8: out[i] = p[i]; break;
      case TorchDType::Bool: out[i] = p[i] != 0; break;
      default: fail(str_cat(what, ": ", t.describe(), " is not an integer or bool tensor"));
    }
  }
  return out;
}

bool TorchCheckpoint::has(const std::string& key) const {
  for (const auto& kv : tensors)
    if (kv.first == key) return true;
  return false;
}

const TorchTensor& TorchCheckpoint::get(const std::string& key) const {
  for (const auto& kv : tensors)
    if (kv.first == key) return kv.second;
  fail(str_cat(path, ": no tensor '", key, "' (it holds ", keys(), ")"));
}

std::string TorchCheckpoint::keys() const {
  std::string s;
  for (const auto& kv : tensors) s += (s.empty() ? "'" : ", '") + kv.first + "'";
  return s.empty() ? "nothing" : s;
}

TorchCheckpoint load_torch_checkpoint(const std::string& path) { return parse_torch_checkpoint(read_file(path), path); }

TorchCheckpoint parse_torch_checkpoint(std::string bytes, const std::string& path) {
  // Formats that are not a zip checkpoint get a message saying what they are.
  WS_CHECK(!(bytes.size() >= 2 && uint8_t(bytes[0]) == 0x1f && uint8_t(bytes[1]) == 0x8b), path,
           ": a gzip-compressed file (older nf2vec grids are grid.pth.gz); decompress it first (gunzip)");
  WS_CHECK(!(bytes.size() >= 2 && uint8_t(bytes[0]) == 0x80 && uint8_t(bytes[1]) == 0x02), path,
           ": the legacy PyTorch format (torch < 1.6), which wsnerf does not read; re-save it with a newer torch.save");
  WS_CHECK(bytes.size() >= 4 && bytes.compare(0, 4, "PK\x03\x04") == 0, path,
           ": not a PyTorch checkpoint (no zip signature at the start)");
  ZipArchive zip(std::move(bytes), path);

  // One top folder, named after the file torch.save wrote (not always "archive").
  std::string prefix;
  for (const ZipEntry& e : zip.entries()) {
    const size_t slash = e.name.find('/');
    if (slash != std::string::npos && e.name.compare(slash, std::string::npos, "/data.pkl") == 0) {
      WS_CHECK(prefix.empty(), path, ": two data.pkl entries ('", prefix, "data.pkl' and '", e.name, "')");
      prefix = e.name.substr(0, slash + 1);
    }
  }
  WS_CHECK(!prefix.empty(), path, ": no <name>/data.pkl entry (not a torch.save checkpoint)");
  if (const ZipEntry* order = zip.find(prefix + "byteorder"))
    WS_CHECK(zip.read(*order) == "little", path, ": storages are stored big-endian, which wsnerf does not read");

  auto load = [&](TorchDType dtype, const std::string& key, int64_t numel) {
    const ZipEntry* e = zip.find(prefix + "data/" + key);
    WS_CHECK(e, path, ": storage '", key, "' has no entry ", prefix, "data/", key);
    const uint64_t want = uint64_t(numel) * torch_dtype_size(dtype);
    WS_CHECK(e->size == want, path, ": entry ", e->name, " holds ", e->size, " bytes, but its storage is ", numel, " ",
             torch_dtype_name(dtype), " elements (", want, " bytes)");
    return TorchStorage{dtype, zip.read(*e), numel};
  };
  TorchCheckpoint out;
  out.path = path;
  const ZipEntry* pkl = zip.find(prefix + "data.pkl");
  // Views may repeat elements (a transpose of a slice, say), but not blow a file up.
  const uint64_t max_bytes = 4 * uint64_t(zip.size()) + (uint64_t(1) << 20);
  out.tensors = unpickle_state_dict(zip.read(*pkl), path + ": " + pkl->name, load, max_bytes);
  return out;
}

}  // namespace ws
