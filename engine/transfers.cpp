#include "engine/transfers.h"

#include <atomic>

namespace ws {

namespace {
std::atomic<int64_t> g_reads{0}, g_uploads{0}, g_read_bytes{0}, g_upload_bytes{0};
}

TransferCounts transfer_counts() {
  return {g_reads.load(), g_uploads.load(), g_read_bytes.load(), g_upload_bytes.load()};
}

void count_host_read(size_t bytes) {
  g_reads.fetch_add(1, std::memory_order_relaxed);
  g_read_bytes.fetch_add(int64_t(bytes), std::memory_order_relaxed);
}

void count_upload(size_t bytes) {
  g_uploads.fetch_add(1, std::memory_order_relaxed);
  g_upload_bytes.fetch_add(int64_t(bytes), std::memory_order_relaxed);
}

}  // namespace ws
