#include "engine/trace.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <mutex>

#include "kernels/gemm.h"

namespace ws {

namespace {
thread_local const char* t_backward_name = nullptr;
thread_local const char* t_phase_backward_name = nullptr;

using Clock = std::chrono::steady_clock;
struct Open {
  const char* name;
  bool phase;
  Clock::time_point start;
  double child_ms;        // time of the ranges nested inside this one
  uint64_t flops_start;   // gemm_flops_issued() at the start
  uint64_t child_flops;   // GEMM work of the ranges nested inside this one
};
thread_local std::vector<Open> t_open;

std::mutex g_mutex;
std::map<std::string, ProfileRow> g_rows;  // guarded by g_mutex
Device g_device = Device::cpu();
double g_top_ms = 0;  // time inside outermost ranges, guarded by g_mutex
}  // namespace

namespace trace_detail {
std::atomic<bool> g_profiling{false};

void profile_push(const char* name, bool phase) {
  if (g_device.is_cuda()) device_synchronize(g_device);
  t_open.push_back({name, phase, Clock::now(), 0.0, gemm_flops_issued(), 0});
}

void profile_pop() {
  if (t_open.empty()) return;  // the range opened before profile_start()
  if (g_device.is_cuda()) device_synchronize(g_device);
  const Open o = t_open.back();
  t_open.pop_back();
  const double ms = std::chrono::duration<double, std::milli>(Clock::now() - o.start).count();
  const uint64_t flops = gemm_flops_issued() - o.flops_start;
  if (!t_open.empty()) {
    t_open.back().child_ms += ms;
    t_open.back().child_flops += flops;
  }
  std::lock_guard<std::mutex> lock(g_mutex);
  ProfileRow& row = g_rows[o.name];
  row.phase = o.phase;
  row.calls += 1;
  row.total_ms += ms;
  row.self_ms += ms - o.child_ms;
  row.self_gflop += double(flops - o.child_flops) * 1e-9;
  if (t_open.empty()) g_top_ms += ms;
}
}  // namespace trace_detail

const char* current_backward_name() { return t_backward_name; }

const char* current_phase_backward_name() { return t_phase_backward_name; }

BackwardScope::BackwardScope(Kind kind, const char* forward, const char* backward)
    : range_(forward, kind == Phase), slot_(kind == Phase ? &t_phase_backward_name : &t_backward_name),
      prev_(*slot_) {
  *slot_ = backward;
}

BackwardScope::~BackwardScope() { *slot_ = prev_; }

void profile_start(Device d) {
  std::lock_guard<std::mutex> lock(g_mutex);
  g_rows.clear();
  g_top_ms = 0;
  g_device = d;
  trace_detail::g_profiling.store(true);
}

Profile profile_stop() {
  trace_detail::g_profiling.store(false);
  std::lock_guard<std::mutex> lock(g_mutex);
  Profile out;
  out.traced_ms = g_top_ms;
  std::vector<ProfileRow>& rows = out.rows;
  for (auto& [name, row] : g_rows) {
    rows.push_back(row);
    rows.back().name = name;
  }
  g_rows.clear();
  std::sort(rows.begin(), rows.end(), [](const ProfileRow& a, const ProfileRow& b) { return a.self_ms > b.self_ms; });
  return out;
}

}  // namespace ws
