#include "engine/trace.h"

namespace ws {

namespace {
thread_local const char* t_backward_name = nullptr;
}

const char* current_backward_name() { return t_backward_name; }

OpScope::OpScope(const char* forward, const char* backward) : range_(forward), prev_(t_backward_name) {
  t_backward_name = backward;
}

OpScope::~OpScope() { t_backward_name = prev_; }

}  // namespace ws
