// Named ranges: on the Nsight Systems timeline (NVTX, the header-only nvtx3 shipped with
// the CUDA toolkit) and, while a profile is being taken, in a per-name time table.
//   WS_TRACE("encoder");  a range from here to the end of the scope (trainer phases)
//   WS_OP("linear");      an op's forward range; the backward closures the op records
//                         then run inside a range "linear backward" (engine/autograd.cpp)
//   WS_PHASE("encoder");  a phase of a step: a range, and the closures recorded inside it
//                         run inside a range "encoder backward"
// Without CUDA the NVTX half compiles to nothing; the profile costs one relaxed atomic
// load per range when it is off.
#pragma once
#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "core/device.h"
#ifdef WS_CUDA
#include <nvtx3/nvToolsExt.h>
#endif

namespace ws {

namespace trace_detail {
extern std::atomic<bool> g_profiling;
void profile_push(const char* name, bool phase);
void profile_pop();
}  // namespace trace_detail

class TraceRange {
 public:
  // `phase`: the range is a phase of a step (WS_PHASE), listed apart in a profile.
  explicit TraceRange(const char* name, bool phase = false) {
#ifdef WS_CUDA
    nvtxRangePushA(name);
#endif
    profiled_ = trace_detail::g_profiling.load(std::memory_order_relaxed);
    if (profiled_) trace_detail::profile_push(name, phase);
  }
  ~TraceRange() {
    if (profiled_) trace_detail::profile_pop();
#ifdef WS_CUDA
    nvtxRangePop();
#endif
  }
  TraceRange(const TraceRange&) = delete;
  TraceRange& operator=(const TraceRange&) = delete;

 private:
  bool profiled_ = false;
};

// The name of the backward range for closures recorded now (the innermost WS_OP), or null.
const char* current_backward_name();

// The backward range name of the innermost WS_PHASE (closures recorded now), or null.
const char* current_phase_backward_name();

// An op's (WS_OP) or a phase's (WS_PHASE) scope: its forward range, and the backward range
// name record() gives the closures recorded inside it (current_backward_name or
// current_phase_backward_name), restored when the scope ends.
class BackwardScope {
 public:
  enum Kind { Op, Phase };
  BackwardScope(Kind kind, const char* forward, const char* backward);
  ~BackwardScope();
  BackwardScope(const BackwardScope&) = delete;
  BackwardScope& operator=(const BackwardScope&) = delete;

 private:
  TraceRange range_;
  const char** slot_;  // the thread's name slot of this kind
  const char* prev_;
};

// One row of a profile: a range name, how often it ran, its time with and without the
// ranges nested inside it (self), in milliseconds summed over the profiled runs.
struct ProfileRow {
  std::string name;
  bool phase = false;  // a WS_PHASE range (or its backward)
  int64_t calls = 0;
  double total_ms = 0, self_ms = 0;
  double self_gflop = 0;  // GEMM work issued in the range itself (kernels/gemm.h)
};

struct Profile {
  std::vector<ProfileRow> rows;  // sorted by self time, largest first
  double traced_ms = 0;          // time inside outermost ranges (the rest ran outside any range)
};

// Times every range on every thread from profile_start() to profile_stop(). On a CUDA
// device each range boundary synchronises `d`, so the times are the device's (and the
// run is slower).
void profile_start(Device d);
Profile profile_stop();

}  // namespace ws

#define WS_TRACE_CAT2(a, b) a##b
#define WS_TRACE_CAT(a, b) WS_TRACE_CAT2(a, b)
#define WS_TRACE(name) ::ws::TraceRange WS_TRACE_CAT(ws_trace_, __LINE__)(name)
// `name` must be a string literal (the backward name is built by concatenation).
#define WS_OP(name) \
  ::ws::BackwardScope WS_TRACE_CAT(ws_op_, __LINE__)(::ws::BackwardScope::Op, name, name " backward")
#define WS_PHASE(name) \
  ::ws::BackwardScope WS_TRACE_CAT(ws_phase_, __LINE__)(::ws::BackwardScope::Phase, name, name " backward")
