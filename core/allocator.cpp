#include "core/allocator.h"

#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

#include "core/error.h"
#ifdef WS_CUDA
#include "core/cuda_check.h"
#endif

// Under AddressSanitizer a cached block is poisoned until it is handed out again, so a use
// after release is reported although the block never went back to malloc.
#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#define WS_POISON(p, n) ASAN_POISON_MEMORY_REGION(p, n)
#define WS_UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION(p, n)
#else
#define WS_POISON(p, n) ((void)(p), (void)(n))
#define WS_UNPOISON(p, n) ((void)(p), (void)(n))
#endif

namespace ws {

Allocator& Allocator::of(Device d) {
  // Devices live for the whole program; the CPU is slot 0, cuda:i is slot i + 1.
  static std::mutex mu;
  static std::vector<std::unique_ptr<Allocator>> all;
  std::lock_guard<std::mutex> lock(mu);
  size_t slot = d.is_cpu() ? 0 : size_t(d.index) + 1;
  if (all.size() <= slot) all.resize(slot + 1);
  if (!all[slot]) all[slot].reset(new Allocator(d));
  return *all[slot];
}

size_t Allocator::round_size(size_t bytes) {
  constexpr size_t small = 512, large = size_t(1) << 20;
  if (bytes < large) return (bytes + small - 1) / small * small;
  return (bytes + large - 1) / large * large;
}

void* Allocator::system_alloc(size_t bytes) {
  if (device_.is_cpu()) return std::aligned_alloc(64, bytes);
#ifdef WS_CUDA
  use_device(device_);
  void* p = nullptr;
  if (cudaMalloc(&p, bytes) != cudaSuccess) {
    cudaGetLastError();
    return nullptr;
  }
  return p;
#else
  return nullptr;
#endif
}

void Allocator::system_free(void* p) {
  if (device_.is_cpu()) {
    std::free(p);
    return;
  }
#ifdef WS_CUDA
  use_device(device_);
  cudaFree(p);
#endif
}

void* Allocator::allocate(size_t bytes) {
  if (bytes == 0) return nullptr;
  size_t size = round_size(bytes);
  std::lock_guard<std::mutex> lock(mu_);
  // Best fit among cached blocks, but never more than twice the request (bounds waste).
  auto it = free_.lower_bound(size);
  void* p = nullptr;
  if (it != free_.end() && it->first <= 2 * size) {
    size = it->first;
    p = it->second;
    free_.erase(it);
    stats_.cached -= size;
    if (device_.is_cpu()) WS_UNPOISON(p, size);
  } else {
    p = system_alloc(size);
    if (!p) {  // give the cache back and try once more
      free_cached_locked();
      p = system_alloc(size);
    }
    if (!p)
      fail(str_cat("out of memory on ", device_.str(), ": asked ", bytes, " bytes, ", stats_.in_use,
                   " bytes in use (peak ", stats_.peak_in_use, ")"));
    ++stats_.system_allocs;
  }
  live_[p] = size;
  stats_.in_use += size;
  if (stats_.in_use > stats_.peak_in_use) stats_.peak_in_use = stats_.in_use;
  return p;
}

void Allocator::release(void* p) {
  if (!p) return;
  std::lock_guard<std::mutex> lock(mu_);
  auto it = live_.find(p);
  WS_CHECK(it != live_.end(), "allocator on ", device_.str(), ": release of an unknown block");
  size_t size = it->second;
  live_.erase(it);
  stats_.in_use -= size;
  stats_.cached += size;
  if (device_.is_cpu()) WS_POISON(p, size);
  free_.emplace(size, p);
}

void Allocator::free_cached_locked() {
  for (auto& kv : free_) {
    if (device_.is_cpu()) WS_UNPOISON(kv.second, kv.first);
    system_free(kv.second);
  }
  free_.clear();
  stats_.cached = 0;
}

void Allocator::empty_cache() {
  std::lock_guard<std::mutex> lock(mu_);
  free_cached_locked();
}

Allocator::~Allocator() {
  // GPU blocks are left to the driver: at exit the CUDA context may already be gone.
  if (device_.is_cpu()) empty_cache();
}

MemoryStats Allocator::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stats_;
}

void Allocator::reset_peak() {
  std::lock_guard<std::mutex> lock(mu_);
  stats_.peak_in_use = stats_.in_use;
}

void copy_bytes(void* dst, Device dst_dev, const void* src, Device src_dev, size_t bytes) {
  if (bytes == 0) return;
  if (dst_dev.is_cpu() && src_dev.is_cpu()) {
    std::memcpy(dst, src, bytes);
    return;
  }
#ifdef WS_CUDA
  use_device(dst_dev.is_cuda() ? dst_dev : src_dev);  // across GPUs, unified addressing finds the source
  cudaMemcpyKind kind = dst_dev.is_cpu()   ? cudaMemcpyDeviceToHost
                        : src_dev.is_cpu() ? cudaMemcpyHostToDevice
                                           : cudaMemcpyDeviceToDevice;
  WS_CUDA_CHECK(cudaMemcpy(dst, src, bytes, kind));
#else
  fail("copy to or from a CUDA device in a build without CUDA");
#endif
}

void zero_bytes(void* dst, Device dev, size_t bytes) {
  if (bytes == 0) return;
  if (dev.is_cpu()) {
    std::memset(dst, 0, bytes);
    return;
  }
#ifdef WS_CUDA
  use_device(dev);
  WS_CUDA_CHECK(cudaMemset(dst, 0, bytes));
#endif
}

}  // namespace ws
