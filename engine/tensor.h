// Tensor: a contiguous row-major array on one device, sharing its storage between views.
// Copies of a Tensor are handles to the same memory; clone() copies the data.
#pragma once
#include <memory>
#include <vector>

#include "core/allocator.h"
#include "engine/dtype.h"
#include "engine/shape.h"

namespace ws {

// A block from the device's caching allocator; returned to it when the last view goes.
struct Storage {
  void* ptr = nullptr;
  size_t bytes = 0;
  Device device;
  Storage(size_t n, Device d) : ptr(Allocator::of(d).allocate(n)), bytes(n), device(d) {}
  ~Storage() { Allocator::of(device).release(ptr); }
  Storage(const Storage&) = delete;
  Storage& operator=(const Storage&) = delete;
};

class Tensor {
 public:
  Tensor() = default;

  static Tensor empty(Shape s, DType t = DType::F32, Device d = Device::cpu());
  static Tensor zeros(Shape s, DType t = DType::F32, Device d = Device::cpu());
  static Tensor full(Shape s, float value, Device d = Device::cpu());
  static Tensor from(const std::vector<float>& v, Shape s, Device d = Device::cpu());
  static Tensor from(const std::vector<int32_t>& v, Shape s, Device d = Device::cpu());
  static Tensor from(const std::vector<uint8_t>& v, Shape s, Device d = Device::cpu());
  static Tensor scalar(float v, Device d = Device::cpu()) { return full({1}, v, d); }

  bool defined() const { return storage_ != nullptr; }
  const Shape& shape() const { return shape_; }
  int ndim() const { return shape_.ndim; }
  int64_t size(int i) const { return shape_[i]; }
  int64_t numel() const { return shape_.numel(); }
  int64_t rows() const { return shape_.rows(); }
  int64_t cols() const { return shape_.last(); }
  DType dtype() const { return dtype_; }
  Device device() const { return device_; }
  size_t nbytes() const { return size_t(numel()) * dtype_size(dtype_); }

  void* raw() const { return storage_ ? static_cast<char*>(storage_->ptr) + offset_ : nullptr; }
  template <class T> T* data() const {
    WS_CHECK(dtype_ == dtype_of<T>(), "tensor of ", dtype_name(dtype_), " read as ",
             dtype_name(dtype_of<T>()));
    return static_cast<T*>(raw());
  }
  float* f32() const { return data<float>(); }
  int32_t* i32() const { return data<int32_t>(); }
  uint8_t* u8() const { return data<uint8_t>(); }

  // Views sharing storage: rows [begin, end) of dim 0, or the same data in another shape.
  Tensor slice_rows(int64_t begin, int64_t end) const;
  Tensor reshape(Shape s) const;
  // A view of `s` elements starting `offset` elements in (slabs of parameters use this).
  Tensor view_at(int64_t offset, Shape s) const;

  Tensor to(Device d) const;  // a copy on d (this tensor when already there)
  Tensor clone() const;
  void copy_from(const Tensor& src) const;  // same shape and dtype, any devices (writes the data, not the handle)
  // Raw bytes (exactly nbytes()) from / to host memory; counted as an upload / a host read
  // (engine/transfers.h), as are from(), to_vector*(), item() and to(cpu).
  void copy_from_host(const void* src, size_t bytes) const;
  void copy_to_host(void* dst, size_t bytes) const;
  void zero_() const;
  void fill_(float v) const;  // F32 only

  std::vector<float> to_vector() const;        // F32, copied to the host
  std::vector<int32_t> to_vector_i32() const;  // I32, copied to the host
  float item() const;                          // single-element F32

  bool same_storage(const Tensor& o) const { return storage_ == o.storage_; }

 private:
  std::shared_ptr<Storage> storage_;
  size_t offset_ = 0;  // bytes
  Shape shape_;
  DType dtype_ = DType::F32;
  Device device_;
};

// "F32[3, 4] on cpu": for error messages.
std::string describe(const Tensor& t);

}  // namespace ws
