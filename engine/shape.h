// Shapes of up to 4 dimensions, row-major.
#pragma once
#include <cstdint>
#include <initializer_list>
#include <string>

#include "core/error.h"

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

  // A zero dimension makes the product 0 whatever the others (a file may declare
  // [2^62, 2^62, 0]); otherwise a product past int64 is an error, not signed overflow.
  int64_t numel() const {
    for (int i = 0; i < ndim; ++i)
      if (dims[i] == 0) return 0;
    int64_t n = 1;
    for (int i = 0; i < ndim; ++i)
      WS_CHECK(!__builtin_mul_overflow(n, dims[i], &n), "shape ", str(), " has more than 2^63 elements");
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

  std::string str() const { return dims_str(dims, size_t(ndim)); }
};

}  // namespace ws
