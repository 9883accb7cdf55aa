#include "data/torch_unpickler.h"

#include <cstring>
#include <map>
#include <memory>
#include <unordered_map>

#include "core/error.h"

namespace ws {

namespace {

// The values a torch state dict's pickle builds. Objects live in the machine's arena and
// refer to each other by pointer, so a hostile pickle can build cycles or deep nesting
// without a recursive destructor or a leak.
enum class Kind { None, Bool, Int, Float, Str, Tuple, List, Dict, Global, Storage, Tensor, Layout };

const char* kind_name(Kind k) {
  switch (k) {
    case Kind::None: return "None";
    case Kind::Bool: return "a bool";
    case Kind::Int: return "an int";
    case Kind::Float: return "a float";
    case Kind::Str: return "a str";
    case Kind::Tuple: return "a tuple";
    case Kind::List: return "a list";
    case Kind::Dict: return "a dict";
    case Kind::Global: return "a global";
    case Kind::Storage: return "a storage";
    case Kind::Tensor: return "a tensor";
    case Kind::Layout: return "a layout";
  }
  return "?";
}

struct Obj {
  Kind kind = Kind::None;
  int64_t i = 0;
  double f = 0;
  std::string s;              // Str; Global: "module.name"
  std::vector<Obj*> items;    // Tuple, List; Dict: key, value, key, value, ...
  std::map<std::string, size_t> keys;  // Dict: key -> index of its value in items
  TorchStorage storage;
  TorchTensor tensor;
};

struct StorageType {
  const char* global;
  TorchDType dtype;
};
const StorageType kStorageTypes[] = {
    {"torch.FloatStorage", TorchDType::F32},   {"torch.DoubleStorage", TorchDType::F64},
    {"torch.HalfStorage", TorchDType::F16},    {"torch.BFloat16Storage", TorchDType::BF16},
    {"torch.LongStorage", TorchDType::I64},    {"torch.IntStorage", TorchDType::I32},
    {"torch.ShortStorage", TorchDType::I16},   {"torch.CharStorage", TorchDType::I8},
    {"torch.ByteStorage", TorchDType::U8},     {"torch.BoolStorage", TorchDType::Bool},
};
const char* kOtherGlobals[] = {"collections.OrderedDict", "torch._utils._rebuild_tensor_v2",
                               "torch._utils._rebuild_parameter", "torch._utils._rebuild_sparse_tensor",
                               "torch.serialization._get_layout", "torch.Size"};

bool known_global(const std::string& name) {
  for (const StorageType& t : kStorageTypes)
    if (name == t.global) return true;
  for (const char* g : kOtherGlobals)
    if (name == g) return true;
  return false;
}

// Sizes beyond 2^40 elements are refused before any arithmetic could overflow.
constexpr int64_t kMaxElements = int64_t(1) << 40;

class Machine {
 public:
  Machine(std::string_view p, const std::string& where, const StorageLoader& load, uint64_t max_bytes)
      : p_(p), where_(where), load_(load), bytes_left_(max_bytes) {}

  Obj* run();

 private:
  [[noreturn]] void error(const std::string& msg) const {
    fail(str_cat(where_, " byte ", op_at_, ": ", msg));
  }
  Obj* make(Kind k) {
    arena_.push_back(std::make_unique<Obj>());
    arena_.back()->kind = k;
    return arena_.back().get();
  }
  uint64_t take(size_t n, const char* what) {
    if (n > p_.size() - pos_) error(str_cat("the pickle ends inside ", what, " (truncated?)"));
    uint64_t v = 0;
    for (size_t k = n; k-- > 0;) v = v << 8 | uint8_t(p_[pos_ + k]);
    pos_ += n;
    return v;
  }
  std::string take_bytes(uint64_t n, const char* what) {
    if (n > p_.size() - pos_) error(str_cat(what, " of ", n, " bytes runs past the end of the pickle"));
    std::string s(p_.substr(pos_, size_t(n)));
    pos_ += size_t(n);
    return s;
  }
  std::string take_line(const char* what) {
    const size_t end = p_.find('\n', pos_);
    if (end == std::string_view::npos || end - pos_ > 256) error(str_cat(what, ": no end of line within 256 bytes"));
    std::string s(p_.substr(pos_, end - pos_));
    pos_ = end + 1;
    return s;
  }
  Obj* pop() {
    if (stack_.size() <= (marks_.empty() ? 0 : marks_.back())) error("stack underflow (an opcode without its operands)");
    Obj* o = stack_.back();
    stack_.pop_back();
    return o;
  }
  Obj* top() {
    if (stack_.size() <= (marks_.empty() ? 0 : marks_.back())) error("stack underflow (an opcode without its operands)");
    return stack_.back();
  }
  // The objects above the topmost mark, removing them and the mark.
  std::vector<Obj*> pop_to_mark() {
    if (marks_.empty()) error("no MARK for this opcode");
    std::vector<Obj*> items(stack_.begin() + long(marks_.back()), stack_.end());
    stack_.resize(marks_.back());
    marks_.pop_back();
    return items;
  }
  Obj* tuple(std::vector<Obj*> items) {
    Obj* t = make(Kind::Tuple);
    t->items = std::move(items);
    return t;
  }
  void set_item(Obj* dict, Obj* key, Obj* value) {
    if (dict->kind != Kind::Dict) error(str_cat("SETITEM(S) on ", kind_name(dict->kind), ", expected a dict"));
    if (key->kind != Kind::Str) error(str_cat("a dict key is ", kind_name(key->kind), ", expected a str"));
    auto it = dict->keys.find(key->s);
    if (it != dict->keys.end()) {
      dict->items[it->second] = value;
      return;
    }
    dict->keys[key->s] = dict->items.size() + 1;
    dict->items.push_back(key);
    dict->items.push_back(value);
  }
  void expect(const Obj* o, Kind k, const std::string& what) const {
    if (o->kind != k) error(str_cat(what, " is ", kind_name(o->kind), ", expected ", kind_name(k)));
  }
  int64_t int_in(const Obj* o, int64_t lo, int64_t hi, const std::string& what) const {
    expect(o, Kind::Int, what);
    if (o->i < lo || o->i > hi) error(str_cat(what, " = ", o->i, " is outside [", lo, ", ", hi, "]"));
    return o->i;
  }
  std::vector<int64_t> int_tuple(const Obj* o, int64_t lo, const std::string& what) const {
    expect(o, Kind::Tuple, what);
    if (o->items.size() > 16) error(str_cat(what, " has ", o->items.size(), " dimensions (at most 16)"));
    std::vector<int64_t> v;
    for (const Obj* x : o->items) v.push_back(int_in(x, lo, kMaxElements, what));
    return v;
  }

  Obj* persistent_load(Obj* pid);
  Obj* reduce(Obj* callable, Obj* args);
  Obj* rebuild_tensor(const std::vector<Obj*>& a);
  Obj* rebuild_sparse(const std::vector<Obj*>& a);

  std::string_view p_;
  const std::string& where_;
  const StorageLoader& load_;
  uint64_t bytes_left_;  // what the tensors built so far leave of max_bytes
  size_t pos_ = 0, op_at_ = 0;
  std::vector<std::unique_ptr<Obj>> arena_;
  std::vector<Obj*> stack_;
  std::vector<size_t> marks_;
  std::unordered_map<uint32_t, Obj*> memo_;
  std::map<std::string, Obj*> storages_;
};

Obj* Machine::persistent_load(Obj* pid) {
  if (pid->kind != Kind::Tuple || pid->items.size() != 5 || pid->items[0]->kind != Kind::Str ||
      pid->items[0]->s != "storage")
    error("persistent id is not ('storage', type, key, location, numel)");
  const Obj* type = pid->items[1];
  expect(type, Kind::Global, "the storage type");
  TorchDType dtype = TorchDType::F32;
  bool found = false;
  for (const StorageType& t : kStorageTypes)
    if (type->s == t.global) dtype = t.dtype, found = true;
  if (!found) error(str_cat("'", type->s, "' is not a storage type"));
  expect(pid->items[2], Kind::Str, "the storage key");
  expect(pid->items[3], Kind::Str, "the storage location");  // "cpu", "cuda:0": all land on the CPU
  const std::string& key = pid->items[2]->s;
  const int64_t numel = int_in(pid->items[4], 0, kMaxElements, "the storage size");
  auto it = storages_.find(key);
  if (it != storages_.end()) {
    if (it->second->storage.dtype != dtype || it->second->storage.numel != numel)
      error(str_cat("storage '", key, "' is referenced with two types or sizes"));
    return it->second;
  }
  Obj* s = make(Kind::Storage);
  s->storage = load_(dtype, key, numel);
  storages_[key] = s;
  return s;
}

// _rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks[, metadata]):
// the view copied out of its storage into a contiguous row-major tensor.
Obj* Machine::rebuild_tensor(const std::vector<Obj*>& a) {
  if (a.size() != 6 && a.size() != 7) error(str_cat("_rebuild_tensor_v2 takes 6 or 7 arguments, got ", a.size()));
  expect(a[0], Kind::Storage, "_rebuild_tensor_v2's storage");
  const TorchStorage& st = a[0]->storage;
  const int64_t offset = int_in(a[1], 0, kMaxElements, "the tensor's storage offset");
  const std::vector<int64_t> size = int_tuple(a[2], 0, "the tensor's size");
  const std::vector<int64_t> stride = int_tuple(a[3], 0, "the tensor's stride");
  if (size.size() != stride.size())
    error(str_cat("the tensor's size has ", size.size(), " dimensions, its stride ", stride.size()));
  expect(a[4], Kind::Bool, "requires_grad");
  if (a[5]->kind != Kind::Dict || !a[5]->items.empty()) error("a tensor with backward hooks");
  Obj* t = make(Kind::Tensor);
  TorchTensor& out = t->tensor;
  out.dtype = st.dtype;
  out.shape = size;
  int64_t numel = 1;
  for (int64_t s : size) {
    if (s != 0 && numel > kMaxElements / s) error("the tensor has more than 2^40 elements");
    numel *= s;
  }
  if (numel == 0) return t;
  // The last element the view reads must lie inside the storage.
  if (offset >= st.numel)
    error(str_cat("the tensor's offset ", offset, " is past its storage of ", st.numel, " elements"));
  int64_t last = offset;
  for (size_t d = 0; d < size.size(); ++d) {
    if (stride[d] != 0 && size[d] - 1 > (st.numel - 1 - last) / stride[d])
      error(str_cat("the tensor (offset ", offset, ", size ", out.shape_str(), ") reads past its storage of ", st.numel,
                    " elements"));
    last += (size[d] - 1) * stride[d];
  }
  if (last >= st.numel)
    error(str_cat("the tensor (offset ", offset, ") reads past its storage of ", st.numel, " elements"));
  const size_t es = torch_dtype_size(st.dtype);
  if (uint64_t(numel) * es > bytes_left_)
    error(str_cat("the tensors would hold more than ", bytes_left_, " more bytes (a view of ", out.shape_str(),
                  " repeats its storage's elements)"));
  bytes_left_ -= uint64_t(numel) * es;
  out.data.resize(size_t(numel) * es);
  const uint8_t* src = reinterpret_cast<const uint8_t*>(st.bytes.data());
  bool contiguous = true;
  for (int64_t d = int64_t(size.size()) - 1, expected = 1; d >= 0; expected *= size[size_t(d)], --d)
    contiguous = contiguous && (size[size_t(d)] == 1 || stride[size_t(d)] == expected);
  if (contiguous) {
    std::memcpy(out.data.data(), src + size_t(offset) * es, out.data.size());
    return t;
  }
  std::vector<int64_t> idx(size.size(), 0);
  int64_t at = offset;  // storage element of the current index
  for (int64_t n = 0; n < numel; ++n) {
    std::memcpy(out.data.data() + size_t(n) * es, src + size_t(at) * es, es);
    for (size_t d = size.size(); d-- > 0;) {  // odometer over the index, last dimension fastest
      at += stride[d];
      if (++idx[d] < size[d]) break;
      at -= stride[d] * size[d];
      idx[d] = 0;
    }
  }
  return t;
}

// _rebuild_sparse_tensor(layout, (indices, values, size[, coalesced])), COO only.
Obj* Machine::rebuild_sparse(const std::vector<Obj*>& a) {
  if (a.size() != 2) error(str_cat("_rebuild_sparse_tensor takes 2 arguments, got ", a.size()));
  expect(a[0], Kind::Layout, "_rebuild_sparse_tensor's layout");
  expect(a[1], Kind::Tuple, "_rebuild_sparse_tensor's data");
  const std::vector<Obj*>& d = a[1]->items;
  if (d.size() != 3 && d.size() != 4) error("sparse COO data is not (indices, values, size[, coalesced])");
  expect(d[0], Kind::Tensor, "the sparse indices");
  expect(d[1], Kind::Tensor, "the sparse values");
  const TorchTensor& ind = d[0]->tensor;
  const TorchTensor& val = d[1]->tensor;
  Obj* t = make(Kind::Tensor);
  TorchTensor& out = t->tensor;
  out.sparse = true;
  out.shape = int_tuple(d[2], 0, "the sparse size");
  out.dtype = val.dtype;
  const int64_t ndim = int64_t(out.shape.size());
  if (ind.sparse || ind.dtype != TorchDType::I64 || ind.shape.size() != 2 || ind.shape[0] != ndim)
    error(str_cat("sparse indices are ", ind.describe(), ", expected int64 [", ndim, ", nnz]"));
  if (val.sparse || val.shape.size() != 1 || val.shape[0] != ind.shape[1])
    error(str_cat("sparse values are ", val.describe(), ", expected [", ind.shape[1], "] (hybrid tensors are not supported)"));
  out.data = val.data;
  out.indices = torch_ints(ind, where_ + ": sparse indices");
  return t;
}

Obj* Machine::reduce(Obj* callable, Obj* args) {
  expect(callable, Kind::Global, "REDUCE's callable");
  expect(args, Kind::Tuple, "REDUCE's arguments");
  const std::string& g = callable->s;
  const std::vector<Obj*>& a = args->items;
  if (g == "collections.OrderedDict") {
    if (!a.empty()) error("OrderedDict called with arguments");
    return make(Kind::Dict);
  }
  if (g == "torch._utils._rebuild_tensor_v2") return rebuild_tensor(a);
  if (g == "torch._utils._rebuild_parameter") {
    if (a.size() != 3) error(str_cat("_rebuild_parameter takes 3 arguments, got ", a.size()));
    expect(a[0], Kind::Tensor, "_rebuild_parameter's data");
    return a[0];
  }
  if (g == "torch.serialization._get_layout") {
    if (a.size() != 1 || a[0]->kind != Kind::Str) error("_get_layout takes one str");
    if (a[0]->s != "torch.sparse_coo") error(str_cat("layout '", a[0]->s, "' is not supported (only torch.sparse_coo)"));
    return make(Kind::Layout);
  }
  if (g == "torch._utils._rebuild_sparse_tensor") return rebuild_sparse(a);
  if (g == "torch.Size") {
    if (a.size() != 1) error("torch.Size takes one tuple");
    int_tuple(a[0], 0, "torch.Size");
    return a[0];
  }
  error(str_cat("global '", g, "' cannot be called"));
}

Obj* Machine::run() {
  while (true) {
    op_at_ = pos_;
    const uint8_t op = uint8_t(take(1, "an opcode"));
    switch (op) {
      case 0x80: {  // PROTO
        const uint64_t v = take(1, "PROTO");
        if (v < 2 || v > 4) error(str_cat("pickle protocol ", v, " (supported: 2 to 4)"));
        break;
      }
      case 0x95: take(8, "FRAME"); break;  // FRAME: protocol 4 framing, transparent here
      case 'c': {                          // GLOBAL
        std::string module = take_line("GLOBAL's module");
        std::string name = take_line("GLOBAL's name");
        Obj* o = make(Kind::Global);
        o->s = module + "." + name;
        if (!known_global(o->s))
          error(str_cat("global '", o->s, "' is not part of a PyTorch state dict (wsnerf reads tensors only)"));
        stack_.push_back(o);
        break;
      }
      case 'q': memo_[uint32_t(take(1, "BINPUT"))] = top(); break;
      case 'r': memo_[uint32_t(take(4, "LONG_BINPUT"))] = top(); break;
      case 0x94: memo_[uint32_t(memo_.size())] = top(); break;  // MEMOIZE
      case 'h':
      case 'j': {  // BINGET, LONG_BINGET
        const uint32_t k = uint32_t(take(op == 'h' ? 1 : 4, "BINGET"));
        auto it = memo_.find(k);
        if (it == memo_.end()) error(str_cat("memo ", k, " read before it was written"));
        stack_.push_back(it->second);
        break;
      }
      case '(': marks_.push_back(stack_.size()); break;  // MARK
      case ')': stack_.push_back(tuple({})); break;     // EMPTY_TUPLE
      case 't': stack_.push_back(tuple(pop_to_mark())); break;  // TUPLE
      case 0x85:
      case 0x86:
      case 0x87: {  // TUPLE1..3
        std::vector<Obj*> items(size_t(op - 0x84));
        for (size_t k = items.size(); k-- > 0;) items[k] = pop();
        stack_.push_back(tuple(std::move(items)));
        break;
      }
      case 'N': stack_.push_back(make(Kind::None)); break;
      case 0x88:
      case 0x89: {  // NEWTRUE, NEWFALSE
        Obj* o = make(Kind::Bool);
        o->i = op == 0x88;
        stack_.push_back(o);
        break;
      }
      case 'J':
      case 'K':
      case 'M': {  // BININT (signed 32), BININT1, BININT2
        Obj* o = make(Kind::Int);
        o->i = op == 'J' ? int64_t(int32_t(uint32_t(take(4, "BININT")))) : int64_t(take(op == 'K' ? 1 : 2, "BININT"));
        stack_.push_back(o);
        break;
      }
      case 0x8a: {  // LONG1: n-byte two's complement, up to 8 bytes here
        const uint64_t n = take(1, "LONG1");
        if (n > 8) error(str_cat("LONG1 of ", n, " bytes (at most 8)"));
        uint64_t v = n ? take(size_t(n), "LONG1") : 0;
        if (n && n < 8 && (v >> (8 * n - 1)) & 1) v |= ~uint64_t(0) << (8 * n);  // sign-extend
        Obj* o = make(Kind::Int);
        o->i = int64_t(v);
        stack_.push_back(o);
        break;
      }
      case 'G': {  // BINFLOAT: big-endian double
        uint64_t bits = 0;
        for (int k = 0; k < 8; ++k) bits = bits << 8 | take(1, "BINFLOAT");
        Obj* o = make(Kind::Float);
        std::memcpy(&o->f, &bits, 8);
        stack_.push_back(o);
        break;
      }
      case 'X':
      case 0x8c: {  // BINUNICODE, SHORT_BINUNICODE
        const uint64_t n = take(op == 'X' ? 4 : 1, "a string length");
        Obj* o = make(Kind::Str);
        o->s = take_bytes(n, "a string");
        stack_.push_back(o);
        break;
      }
      case 'Q': {  // BINPERSID
        Obj* pid = pop();
        stack_.push_back(persistent_load(pid));
        break;
      }
      case 'R': {  // REDUCE
        Obj* args = pop();
        Obj* callable = pop();
        stack_.push_back(reduce(callable, args));
        break;
      }
      case '}': stack_.push_back(make(Kind::Dict)); break;  // EMPTY_DICT
      case ']': stack_.push_back(make(Kind::List)); break;  // EMPTY_LIST
      case 's': {                                           // SETITEM
        Obj* value = pop();
        Obj* key = pop();
        set_item(top(), key, value);
        break;
      }
      case 'u': {  // SETITEMS
        std::vector<Obj*> kv = pop_to_mark();
        if (kv.size() % 2) error("SETITEMS with an odd number of items");
        Obj* dict = top();
        for (size_t k = 0; k < kv.size(); k += 2) set_item(dict, kv[k], kv[k + 1]);
        break;
      }
      case 'a':
      case 'e': {  // APPEND, APPENDS
        std::vector<Obj*> items = op == 'a' ? std::vector<Obj*>{pop()} : pop_to_mark();
        Obj* list = top();
        expect(list, Kind::List, "APPEND's target");
        list->items.insert(list->items.end(), items.begin(), items.end());
        break;
      }
      case 'b': {  // BUILD: a state dict's _metadata attribute; nothing to keep
        Obj* state = pop();
        expect(top(), Kind::Dict, "BUILD's object");
        if (state->kind != Kind::Dict && state->kind != Kind::None) error(str_cat("BUILD with ", kind_name(state->kind)));
        break;
      }
      case '.': {  // STOP
        Obj* result = pop();
        if (!stack_.empty() || !marks_.empty()) error("objects left on the stack at STOP");
        return result;
      }
      default: {
        const bool printable = op >= 0x20 && op < 0x7f;
        error(str_cat("pickle opcode 0x", "0123456789abcdef"[op >> 4], "0123456789abcdef"[op & 15],
                      printable ? str_cat(" ('", char(op), "')") : std::string(),
                      " is not supported (torch.save writes a closed subset)"));
      }
    }
  }
}

}  // namespace

std::vector<std::pair<std::string, TorchTensor>> unpickle_state_dict(std::string_view pickle, const std::string& where,
                                                                     const StorageLoader& load, uint64_t max_bytes) {
  Machine m(pickle, where, load, max_bytes);
  Obj* result = m.run();
  WS_CHECK(result->kind == Kind::Dict, where, ": the pickle holds ", kind_name(result->kind), ", not a state dict");
  std::vector<std::pair<std::string, TorchTensor>> out;
  for (size_t k = 0; k < result->items.size(); k += 2) {
    const Obj* v = result->items[k + 1];
    WS_CHECK(v->kind == Kind::Tensor, where, ": '", result->items[k]->s, "' holds ", kind_name(v->kind),
             ", not a tensor");
    out.emplace_back(result->items[k]->s, v->tensor);
  }
  return out;
}

}  // namespace ws
