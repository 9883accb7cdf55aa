#include "kernels/gmn_impl.h"
#include "kernels/launch_cuda.cuh"

namespace ws::cuda {

void edge_terms(float* out, int64_t E, int64_t C, const float* bias, RowGather g0, RowGather g1, const float* residual) {
  edge_terms_impl<CudaExec>(out, E, C, bias, g0, g1, residual);
}

void relu_mask_bits(float* y, uint8_t* bits, int64_t R, int64_t C) { relu_mask_bits_impl<CudaExec>(y, bits, R, C); }

void masked_graph_rows(const uint8_t* bits, const float* gz, const int32_t* graph, const float* inv_count, float* g,
                       int64_t R, int64_t C) {
  masked_graph_rows_impl<CudaExec>(bits, gz, graph, inv_count, g, R, C);
}

}  // namespace ws::cuda
