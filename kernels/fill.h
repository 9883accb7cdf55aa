// Fill a float array with one value: the smallest example of the kernel-family pattern.
#pragma once
#include "kernels/launch.h"

namespace ws {

// p: [n] on d.
void fill(float* p, int64_t n, float value, Device d);
// p: [n, n] on d; `diagonal` on the diagonal, `off` elsewhere (built on the device: no upload).
void fill_eye(float* p, int64_t n, float diagonal, float off, Device d);

#ifdef WS_CUDA
namespace cuda {
void fill(float* p, int64_t n, float value);
void fill_eye(float* p, int64_t n, float diagonal, float off);
}  // namespace cuda
#endif

}  // namespace ws
