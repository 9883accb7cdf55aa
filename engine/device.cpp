#include "engine/device.h"

#include <cstdio>
#include <mutex>

#include "engine/error.h"
#ifdef WS_CUDA
#include "engine/cuda_check.h"
#endif

namespace ws {

namespace {
struct CudaProbe {
  bool available = false;
  std::string reason = "this binary was built without CUDA";
};

const CudaProbe& probe() {
  static CudaProbe p = [] {
    CudaProbe r;
#ifdef WS_CUDA
    int n = 0;
    cudaError_t err = cudaGetDeviceCount(&n);
    if (err != cudaSuccess) {
      r.reason = cudaGetErrorString(err);
      cudaGetLastError();  // clear the sticky error so later checks start clean
    } else if (n == 0) {
      r.reason = "no CUDA device visible";
    } else {
      r.available = true;
      r.reason.clear();
    }
#endif
    return r;
  }();
  return p;
}
}  // namespace

bool cuda_built() {
#ifdef WS_CUDA
  return true;
#else
  return false;
#endif
}

bool cuda_available() { return probe().available; }
std::string cuda_unavailable_reason() { return probe().reason; }

Device default_device() {
  if (cuda_available()) return Device::cuda(0);
  static std::once_flag once;
  if (cuda_built())
    std::call_once(once, [] {
      std::fprintf(stderr, "wsnerf: CUDA build but no usable GPU (%s); running on the CPU\n",
                   cuda_unavailable_reason().c_str());
    });
  return Device::cpu();
}

Device parse_device(const std::string& s) {
  if (s == "auto" || s.empty()) return default_device();
  if (s == "cpu") return Device::cpu();
  if (s == "cuda" || s.rfind("cuda:", 0) == 0) {
    WS_CHECK(cuda_available(), "device '", s, "' requested but CUDA is unavailable: ", cuda_unavailable_reason());
    return Device::cuda(s == "cuda" ? 0 : std::stoi(s.substr(5)));
  }
  fail(str_cat("unknown device '", s, "' (expected cpu, cuda, cuda:N or auto)"));
}

void device_synchronize(Device d) {
#ifdef WS_CUDA
  if (d.is_cuda()) WS_CUDA_CHECK(cudaDeviceSynchronize());
#else
  (void)d;
#endif
}

}  // namespace ws
