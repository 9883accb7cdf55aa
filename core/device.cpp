#include "core/device.h"

#include <cstdio>
#include <mutex>

#include "core/error.h"
#ifdef WS_CUDA
#include "core/cuda_check.h"
#endif

namespace ws {

namespace {
struct CudaProbe {
  bool available = false;
  int count = 0;
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
      r.count = n;
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
int cuda_device_count() { return probe().count; }
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
    int index = 0;
    if (s != "cuda") {
      size_t used = 0;
      try {
        index = std::stoi(s.substr(5), &used);
      } catch (const std::exception&) {
        used = 0;
      }
      WS_CHECK(used > 0 && used == s.size() - 5 && index >= 0, "device '", s, "': expected cuda:N with N >= 0");
    }
    WS_CHECK(index < cuda_device_count(), "device '", s, "': only ", cuda_device_count(), " CUDA device",
             cuda_device_count() == 1 ? "" : "s", " visible");
    return Device::cuda(index);
  }
  fail(str_cat("unknown device '", s, "' (expected cpu, cuda, cuda:N or auto)"));
}

void device_synchronize(Device d) {
#ifdef WS_CUDA
  if (!d.is_cuda()) return;
  use_device(d);
  WS_CUDA_CHECK(cudaDeviceSynchronize());
#else
  (void)d;
#endif
}

namespace {
thread_local int t_current = -1;  // the CUDA device this thread last set (-1: never set)
}

void use_device(Device d) {
  if (!d.is_cuda() || d.index == t_current) return;
#ifdef WS_CUDA
  WS_CUDA_CHECK(cudaSetDevice(d.index));
  t_current = d.index;
#else
  fail(str_cat("device ", d.str(), " in a build without CUDA"));
#endif
}

Device current_cuda_device() {
#ifdef WS_CUDA
  if (t_current < 0) {
    int i = 0;
    WS_CUDA_CHECK(cudaGetDevice(&i));
    t_current = i;
  }
  return Device::cuda(t_current);
#else
  fail("current_cuda_device: this binary was built without CUDA");
#endif
}

}  // namespace ws
