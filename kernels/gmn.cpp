#include "kernels/gmn_impl.h"

#if defined(__AVX2__)
#include <immintrin.h>
#endif

namespace ws {

void edge_terms(float* out, int64_t E, int64_t C, const float* bias, RowGather g0, RowGather g1,
                const float* residual, Device d) {
  WS_DISPATCH_CUDA(d, cuda::edge_terms(out, E, C, bias, g0, g1, residual));
  edge_terms_impl<CpuExec>(out, E, C, bias, g0, g1, residual);
}

void relu_mask_bits(float* y, uint8_t* bits, int64_t R, int64_t C, Device d) {
  WS_DISPATCH_CUDA(d, cuda::relu_mask_bits(y, bits, R, C));
  relu_mask_bits_impl<CpuExec>(y, bits, R, C);
}

void masked_graph_rows(const uint8_t* bits, const float* gz, const int32_t* graph, const float* inv_count,
                       float* g, int64_t R, int64_t C, Device d) {
  WS_DISPATCH_CUDA(d, cuda::masked_graph_rows(bits, gz, graph, inv_count, g, R, C));
#if defined(__AVX2__)
  // A mask byte becomes an 8-lane select in three instructions; the shared body's bit loop
  // is not vectorised by the compiler (500k x 128 expansion, one thread: 220 -> 8 ms).
  // Same products, same zeros: bit-identical to the shared body.
  // Rows split over threads by their elements (a tile of 4096 rows is below for_n's grain).
  if (C % 8 == 0) {
    const int64_t nb = C / 8;
    CpuExec::for_rows(R, C, [=](int64_t r, int64_t c0, int64_t nc) {
      const __m256i lane_bit = _mm256_setr_epi32(1, 2, 4, 8, 16, 32, 64, 128);
      const int32_t k = graph[r];
      const __m256 scale = _mm256_set1_ps(inv_count[k]);
      const float* src = gz + int64_t(k) * C;
      const uint8_t* row_bits = bits + r * nb;
      float* out = g + r * C;
      for (int64_t b = c0 / 8; b < (c0 + nc) / 8; ++b) {
        const __m256i on = _mm256_cmpeq_epi32(_mm256_and_si256(_mm256_set1_epi32(row_bits[b]), lane_bit), lane_bit);
        const __m256 v = _mm256_mul_ps(_mm256_loadu_ps(src + 8 * b), scale);
        _mm256_storeu_ps(out + 8 * b, _mm256_and_ps(v, _mm256_castsi256_ps(on)));
      }
    });
    return;
  }
#endif
  masked_graph_rows_impl<CpuExec>(bits, gz, graph, inv_count, g, R, C);
}

}  // namespace ws
