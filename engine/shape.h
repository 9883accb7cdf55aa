// Shapes of up to 4 dimensions, row-major.
#pragma once
#include <cstdint>
#include <initializer_list>
#include <string>

#include "engine/error.h"

namespace ws {

struct Shape {
  static constexpr int kMaxDims = 4;
  int64_t dims[kMaxDims] = {0, 0, 0, 0};
  int ndim = 0;

  Shape() = default;
  Shape(std::initializer_list<int64_t> d) {
    WS_CHECK(d.size() <= size_t(kMaxDims), "shape with ", d.size(), " dims (at most 4)");
    for (int64_t v : d) {
      WS_CHECK(v >= 0, "negative dimension ", v);
      dims[ndim++] = v;
    }
  }

  int64_t numel() const {
    int64_t n = 1;
    for (int i = 0; i < ndim; ++i) n *= dims[i];
    return n;
  }
  // Dimension i; negative i counts from the end.
  int64_t operator[](int i) const {
    int j = i < 0 ? i + ndim : i;
    WS_CHECK(j >= 0 && j < ndim, "dimension ", i, " of a ", ndim, "-d shape ", str());
    return dims[j];
  }
  // Size of the last dimension (1 for a scalar) and the number of rows before it.
  int64_t last() const { return ndim ? dims[ndim - 1] : 1; }
  int64_t rows() const { return ndim ? numel() / (last() ? last() : 1) : 1; }

  bool operator==(const Shape& o) const {
    if (ndim != o.ndim) return false;
    for (int i = 0; i < ndim; ++i)
      if (dims[i] != o.dims[i]) return false;
    return true;
  }
  bool operator!=(const Shape& o) const { return !(*this == o); }

  std::string str() const {
    std::string s = "[";
    for (int i = 0; i < ndim; ++i) s += (i ? ", " : "") + std::to_string(dims[i]);
    return s + "]";
  }
};

}  // namespace ws
