// Process-wide counts of data crossing between the host and tensors: host reads
// (Tensor::item, to_vector*, to(cpu), copies into host memory, host views of index
// tensors) and uploads (Tensor::from and copies from host memory into a tensor).
// Counted at these calls on every device, so a CPU run counts what a GPU run of the
// same code would transfer: on a GPU each host read is a device synchronisation and each
// upload a host-to-device copy. Code that reads a CPU tensor's memory directly, on a
// branch the GPU never takes, has nothing to count. Tests use these counts to hold a
// training step to a per-step budget (tests/test_sync_budget.cpp).
#pragma once
#include <cstddef>
#include <cstdint>

namespace ws {

struct TransferCounts {
  int64_t host_reads = 0, uploads = 0;
  int64_t read_bytes = 0, upload_bytes = 0;
  TransferCounts operator-(const TransferCounts& o) const {
    return {host_reads - o.host_reads, uploads - o.uploads, read_bytes - o.read_bytes, upload_bytes - o.upload_bytes};
  }
};

TransferCounts transfer_counts();  // since the process started (all threads)
void count_host_read(size_t bytes);
void count_upload(size_t bytes);

}  // namespace ws
