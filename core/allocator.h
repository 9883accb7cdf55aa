// Caching allocator, one per device: freed blocks are kept and handed out again, so a
// training step allocates nothing from the system once warm. Stats feed the benchmarks.
#pragma once
#include <cstddef>
#include <map>
#include <mutex>
#include <unordered_map>

#include "core/device.h"

namespace ws {

struct MemoryStats {
  size_t in_use = 0;          // bytes handed out now
  size_t peak_in_use = 0;     // high-water mark of in_use since the last reset
  size_t cached = 0;          // bytes held in the free lists
  size_t system_allocs = 0;   // calls that reached malloc / cudaMalloc
};

class Allocator {
 public:
  static Allocator& of(Device d);

  // Returns a block of at least `bytes` (64-byte aligned on the CPU); nullptr for 0 bytes.
  // Out of memory: the cache is emptied and the request retried once, then a ws::Error
  // states the bytes asked, in use and cached.
  void* allocate(size_t bytes);
  void release(void* p);
  void empty_cache();
  // Returns the cached blocks to the system at exit, so a leak checker reports only blocks
  // still handed out (real leaks), not the cache.
  ~Allocator();
  MemoryStats stats() const;
  void reset_peak();

 private:
  explicit Allocator(Device d) : device_(d) {}
  void* system_alloc(size_t bytes);
  void system_free(void* p);
  void free_cached_locked();  // mu_ held
  static size_t round_size(size_t bytes);

  Device device_;
  mutable std::mutex mu_;
  std::multimap<size_t, void*> free_;          // size -> block
  std::unordered_map<void*, size_t> live_;     // block -> size
  MemoryStats stats_;
};

// Copies raw bytes between any two devices (synchronous).
void copy_bytes(void* dst, Device dst_dev, const void* src, Device src_dev, size_t bytes);
// Sets raw bytes to zero.
void zero_bytes(void* dst, Device dev, size_t bytes);

}  // namespace ws

namespace ws {
// Scratch memory from the caching allocator, returned when the object goes out of scope.
class ScratchBuffer {
 public:
  ScratchBuffer(size_t bytes, Device d) : dev_(d), ptr_(Allocator::of(d).allocate(bytes)) {}
  ~ScratchBuffer() { Allocator::of(dev_).release(ptr_); }
  ScratchBuffer(const ScratchBuffer&) = delete;
  ScratchBuffer& operator=(const ScratchBuffer&) = delete;
  template <class T> T* as() const { return static_cast<T*>(ptr_); }

 private:
  Device dev_;
  void* ptr_;
};
}  // namespace ws
