// The bodies of freq_encoding.h, written once over the launcher (CPU in freq_encoding.cpp,
// CudaExec in freq_encoding.cu): docs/design.md §2.4.
#pragma once
#include "kernels/freq_encoding.h"

namespace ws {

// One item per output value (the GPU's layout).
template <class Exec>
void freq_encode_items(const float* x, int64_t n, int bands, float* out, int64_t ld, int64_t ones_begin,
                       int64_t ones_end) {
  const int64_t nf = 6 * int64_t(bands), width = nf + (ones_end - ones_begin);
  if (width == 0) return;
  Exec::for_n(n * width, [=] WS_HD(int64_t i) {
    int64_t r = i / width, j = i % width;
    if (j < nf) {
      int d = int(j / (2 * bands)), f = int(j % (2 * bands));
      out[r * ld + j] = freq_feature(x[r * 3 + d], f >> 1, f & 1);
    } else {
      out[r * ld + ones_begin + (j - nf)] = 1.0f;
    }
  });
}

}  // namespace ws
