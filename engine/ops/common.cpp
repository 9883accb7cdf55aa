#include "engine/ops.h"

namespace ws {

Device common_device(const char* op, std::initializer_list<const Tensor*> ts) {
  const Tensor* first = nullptr;
  for (const Tensor* t : ts) {
    if (!t || !t->defined()) continue;
    if (!first) first = t;
    WS_CHECK(t->device() == first->device(), op, ": inputs on different devices: ", describe(*first), " and ",
             describe(*t));
  }
  return first ? first->device() : Device::cpu();
}

void check_f32(const char* op, const Tensor& t, const char* what) {
  WS_CHECK(t.defined(), op, ": ", what, " is undefined");
  WS_CHECK(t.dtype() == DType::F32, op, ": ", what, " must be F32, got ", describe(t));
}

}  // namespace ws
