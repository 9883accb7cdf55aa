#include "kernels/freq_encoding_impl.h"

namespace ws {

// Row chunks per thread; within a row the features of one coordinate are a contiguous
// run of 2*bands values, a loop the compiler vectorises (ws_sinf is branch-free).
void freq_encode(const float* x, int64_t n, int bands, float* out, int64_t ld, int64_t ones_begin, int64_t ones_end,
                 Device d) {
  WS_CHECK(bands >= 0 && bands <= 64, "freq_encode: ", bands, " bands (at most 64)");
  WS_CHECK(ones_begin <= ones_end && ones_end <= ld && 6 * int64_t(bands) <= ld, "freq_encode: columns [0, ",
           6 * bands, ") and [", ones_begin, ", ", ones_end, ") do not fit rows of ", ld);
  WS_DISPATCH_CUDA(d, cuda::freq_encode(x, n, bands, out, ld, ones_begin, ones_end));
  const int two_n = 2 * bands;
  parallel_chunks(
      n,
      [=](int64_t begin, int64_t end) {
        for (int64_t r = begin; r < end; ++r) {
          float* o = out + r * ld;
          for (int dim = 0; dim < 3; ++dim) {
            const float xd = x[r * 3 + dim];
            float* od = o + dim * two_n;
#pragma omp simd
            for (int f = 0; f < two_n; ++f) od[f] = freq_feature(xd, f >> 1, f & 1);
          }
          for (int64_t c = ones_begin; c < ones_end; ++c) o[c] = 1.0f;
        }
      },
      256);
}

}  // namespace ws
