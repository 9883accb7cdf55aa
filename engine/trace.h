// Named ranges on the Nsight Systems timeline (NVTX, the header-only nvtx3 shipped with
// the CUDA toolkit); without CUDA they compile to nothing.
//   WS_TRACE("encoder");  a range from here to the end of the scope (trainer phases)
//   WS_OP("linear");      an op's forward range; the backward closures the op records
//                         then run inside a range "linear backward" (engine/autograd.cpp)
#pragma once
#ifdef WS_CUDA
#include <nvtx3/nvToolsExt.h>
#endif

namespace ws {

class TraceRange {
 public:
#ifdef WS_CUDA
  explicit TraceRange(const char* name) { nvtxRangePushA(name); }
  ~TraceRange() { nvtxRangePop(); }
#else
  explicit TraceRange(const char*) {}
#endif
  TraceRange(const TraceRange&) = delete;
  TraceRange& operator=(const TraceRange&) = delete;
};

// The name of the backward range for closures recorded now (the innermost WS_OP), or null.
const char* current_backward_name();

// An op's scope: its forward range, and the name record() gives its backward closures.
class OpScope {
 public:
  OpScope(const char* forward, const char* backward);
  ~OpScope();
  OpScope(const OpScope&) = delete;
  OpScope& operator=(const OpScope&) = delete;

 private:
  TraceRange range_;
  const char* prev_;
};

}  // namespace ws

#define WS_TRACE_CAT2(a, b) a##b
#define WS_TRACE_CAT(a, b) WS_TRACE_CAT2(a, b)
#define WS_TRACE(name) ::ws::TraceRange WS_TRACE_CAT(ws_trace_, __LINE__)(name)
// `name` must be a string literal (the backward name is built by concatenation).
#define WS_OP(name) ::ws::OpScope WS_TRACE_CAT(ws_op_, __LINE__)(name, name " backward")
