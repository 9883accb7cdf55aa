#include "engine/tensor.h"

#include <cstring>

#include "engine/transfers.h"
#include "kernels/fill.h"

namespace ws {

Tensor Tensor::empty(Shape s, DType t, Device d) {
  Tensor x;
  x.shape_ = s;
  x.dtype_ = t;
  x.device_ = d;
  x.storage_ = std::make_shared<Storage>(size_t(s.numel()) * dtype_size(t), d);
  return x;
}

Tensor Tensor::zeros(Shape s, DType t, Device d) {
  Tensor x = empty(s, t, d);
  x.zero_();
  return x;
}

Tensor Tensor::full(Shape s, float value, Device d) {
  Tensor x = empty(s, DType::F32, d);
  x.fill_(value);
  return x;
}

namespace {
template <class T>
Tensor from_host(const std::vector<T>& v, Shape s, Device d) {
  WS_CHECK(int64_t(v.size()) == s.numel(), "Tensor::from: ", v.size(), " values for shape ", s.str());
  Tensor x = Tensor::empty(s, dtype_of<T>(), d);
  count_upload(v.size() * sizeof(T));
  copy_bytes(x.raw(), d, v.data(), Device::cpu(), v.size() * sizeof(T));
  return x;
}
}  // namespace

Tensor Tensor::from(const std::vector<float>& v, Shape s, Device d) { return from_host(v, s, d); }
Tensor Tensor::from(const std::vector<int32_t>& v, Shape s, Device d) { return from_host(v, s, d); }
Tensor Tensor::from(const std::vector<uint8_t>& v, Shape s, Device d) { return from_host(v, s, d); }

Tensor Tensor::slice_rows(int64_t begin, int64_t end) const {
  WS_CHECK(ndim() >= 1 && 0 <= begin && begin <= end && end <= shape_.dims[0],
           "slice_rows [", begin, ", ", end, ") of ", describe(*this));
  Tensor v = *this;
  int64_t row = shape_.dims[0] ? numel() / shape_.dims[0] : 0;
  v.offset_ += size_t(begin * row) * dtype_size(dtype_);
  v.shape_.dims[0] = end - begin;
  return v;
}

Tensor Tensor::reshape(Shape s) const {
  WS_CHECK(s.numel() == numel(), "reshape of ", describe(*this), " to ", s.str());
  Tensor v = *this;
  v.shape_ = s;
  return v;
}

Tensor Tensor::view_at(int64_t offset, Shape s) const {
  WS_CHECK(offset >= 0 && offset + s.numel() <= numel(), "view_at(", offset, ", ", s.str(), ") of ",
           describe(*this));
  Tensor v = *this;
  v.offset_ += size_t(offset) * dtype_size(dtype_);
  v.shape_ = s;
  return v;
}

Tensor Tensor::to(Device d) const {
  if (d == device_) {
    if (d.is_cpu()) count_host_read(nbytes());  // counted on the CPU too: on a GPU the same call reads back
    return *this;
  }
  Tensor x = empty(shape_, dtype_, d);
  x.copy_from(*this);
  return x;
}

Tensor Tensor::clone() const {
  Tensor x = empty(shape_, dtype_, device_);
  x.copy_from(*this);
  return x;
}

void Tensor::copy_from(const Tensor& src) const {
  WS_CHECK(src.shape_ == shape_ && src.dtype_ == dtype_, "copy_from: ", describe(src), " into ",
           describe(*this));
  if (device_.is_cpu() && !src.device_.is_cpu()) count_host_read(nbytes());
  if (!device_.is_cpu() && src.device_.is_cpu()) count_upload(nbytes());
  copy_bytes(raw(), device_, src.raw(), src.device_, nbytes());
}

void Tensor::copy_from_host(const void* src, size_t bytes) const {
  WS_CHECK(bytes == nbytes(), "copy_from_host: ", bytes, " bytes into ", describe(*this));
  count_upload(bytes);
  copy_bytes(raw(), device_, src, Device::cpu(), bytes);
}

void Tensor::copy_to_host(void* dst, size_t bytes) const {
  WS_CHECK(bytes == nbytes(), "copy_to_host: ", bytes, " bytes from ", describe(*this));
  count_host_read(bytes);
  copy_bytes(dst, Device::cpu(), raw(), device_, bytes);
}

void Tensor::zero_() const { zero_bytes(raw(), device_, nbytes()); }

void Tensor::fill_(float v) const {
  WS_CHECK(dtype_ == DType::F32, "fill_ on ", describe(*this));
  fill(f32(), numel(), v, device_);
}

std::vector<float> Tensor::to_vector() const {
  std::vector<float> v(static_cast<size_t>(numel()));
  data<float>();  // checks the dtype
  copy_to_host(v.data(), nbytes());
  return v;
}

std::vector<int32_t> Tensor::to_vector_i32() const {
  std::vector<int32_t> v(static_cast<size_t>(numel()));
  data<int32_t>();
  copy_to_host(v.data(), nbytes());
  return v;
}

float Tensor::item() const {
  WS_CHECK(numel() == 1, "item() of ", describe(*this));
  return to_vector()[0];
}

std::string describe(const Tensor& t) {
  if (!t.defined()) return "undefined tensor";
  return str_cat(dtype_name(t.dtype()), t.shape().str(), " on ", t.device().str());
}

}  // namespace ws
