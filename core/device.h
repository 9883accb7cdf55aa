// Devices: the CPU is always there; CUDA devices only in a CUDA build with a visible GPU.
#pragma once
#include <string>

namespace ws {

enum class DeviceType : uint8_t { CPU, CUDA };

struct Device {
  DeviceType type = DeviceType::CPU;
  int index = 0;

  static Device cpu() { return {}; }
  static Device cuda(int i = 0) { return {DeviceType::CUDA, i}; }
  bool is_cpu() const { return type == DeviceType::CPU; }
  bool is_cuda() const { return type == DeviceType::CUDA; }
  bool operator==(const Device& o) const { return type == o.type && index == o.index; }
  bool operator!=(const Device& o) const { return !(*this == o); }
  std::string str() const { return is_cpu() ? "cpu" : "cuda:" + std::to_string(index); }
};

// True when this binary has the CUDA backend compiled in.
bool cuda_built();
// True when the CUDA backend is built and a GPU is visible (checked once).
bool cuda_available();
// CUDA devices visible (0 without CUDA).
int cuda_device_count();
// Why CUDA is not available ("not built", the runtime's error, ...); empty when it is.
std::string cuda_unavailable_reason();
// The device work runs on by default: cuda:0 when available, else the CPU.
// A CUDA build on a machine without a GPU prints a one-line notice the first time.
Device default_device();
// Parses "cpu", "cuda", "cuda:N" or "auto"; a CUDA request without a GPU is an error.
Device parse_device(const std::string& s);

// Waits for all queued device work (no-op on the CPU).
void device_synchronize(Device d);

// Makes a CUDA device the calling thread's current one (cudaSetDevice, skipped when it
// already is), so kernels, cuBLAS and allocations of cuda:N run on GPU N. Every
// device-dispatching entry point calls it (WS_DISPATCH_CUDA); a no-op for the CPU.
void use_device(Device d);
// The calling thread's current CUDA device (what kernels launched now run on).
Device current_cuda_device();

}  // namespace ws
