#include "kernels/gmn_impl.h"

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
  masked_graph_rows_impl<CpuExec>(bits, gz, graph, inv_count, g, R, C);
}

}  // namespace ws
