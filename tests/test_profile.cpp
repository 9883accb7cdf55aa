// The profile behind `wsnerf bench --profile` (engine/trace.h): which ranges it records,
// how it nests them and how a backward is grouped by phase. Structure only: no timing
// thresholds.
#include <algorithm>

#include "engine/trace.h"
#include "tests/testing.h"

using namespace ws;

namespace {
const ProfileRow* find_row(const Profile& p, const std::string& name) {
  auto it = std::find_if(p.rows.begin(), p.rows.end(), [&](const ProfileRow& r) { return r.name == name; });
  return it == p.rows.end() ? nullptr : &*it;
}

// One step of a tiny model: two phases, a backward.
void tiny_step(const Var& w) {
  Var h;
  {
    WS_PHASE("first");
    h = relu(matmul(Var(Tensor::full({4, 3}, 0.5f)), w));  // [4, 3] x [3, 2]
  }
  Var loss;
  {
    WS_PHASE("second");
    loss = sum(mul(h, h));
  }
  backward(loss);
}
}  // namespace

TEST_CASE("profile: records nothing while off, then every range with its calls, phases apart") {
  Var w(Tensor::full({3, 2}, 0.25f), true);
  tiny_step(w);  // profile off: nothing to report
  profile_start(Device::cpu());
  Profile none = profile_stop();
  CHECK(none.rows.empty());

  profile_start(Device::cpu());
  tiny_step(w);
  tiny_step(w);
  Profile p = profile_stop();
  for (const char* name : {"first", "second", "first backward", "second backward", "matmul", "Relu", "sum", "mul",
                           "matmul backward", "Relu backward", "backward"})
    REQUIRE_MESSAGE(find_row(p, name) != nullptr, name);
  CHECK(find_row(p, "first")->calls == 2);
  CHECK(find_row(p, "matmul")->calls == 2);
  CHECK(find_row(p, "matmul backward")->calls == 2);
  // Phases are marked, ops are not; backward closures of phase "first" ran in "first backward".
  CHECK(find_row(p, "first")->phase);
  CHECK(find_row(p, "first backward")->phase);
  CHECK_FALSE(find_row(p, "matmul")->phase);
  CHECK_FALSE(find_row(p, "backward")->phase);
  for (const ProfileRow& r : p.rows) {
    CHECK(r.self_ms >= 0);
    CHECK(r.self_ms <= r.total_ms + 1e-9);
  }
  // Nesting: a phase's whole time holds its ops' times, and its own time is the rest.
  const ProfileRow &first = *find_row(p, "first"), &mm = *find_row(p, "matmul"), &relu_row = *find_row(p, "Relu");
  CHECK(first.total_ms >= mm.total_ms + relu_row.total_ms - 1e-9);
  CHECK(first.self_ms == doctest::Approx(first.total_ms - mm.total_ms - relu_row.total_ms).epsilon(1e-6));
  const ProfileRow &bw = *find_row(p, "backward"), &fb = *find_row(p, "first backward"),
                   &sb = *find_row(p, "second backward");
  CHECK(bw.total_ms >= fb.total_ms + sb.total_ms - 1e-9);
  // The outermost ranges: the two phases and the backward, twice.
  CHECK(p.traced_ms == doctest::Approx(first.total_ms + find_row(p, "second")->total_ms + bw.total_ms).epsilon(1e-6));
  // Sorted by own time, largest first.
  CHECK(std::is_sorted(p.rows.begin(), p.rows.end(),
                       [](const ProfileRow& a, const ProfileRow& b) { return a.self_ms > b.self_ms; }));
}

TEST_CASE("profile: gradients are the same with the profile on") {
  Var w0(Tensor::full({3, 2}, 0.25f), true), w1(Tensor::full({3, 2}, 0.25f), true);
  tiny_step(w0);
  profile_start(Device::cpu());
  tiny_step(w1);
  profile_stop();
  CHECK(w0.grad().to_vector() == w1.grad().to_vector());
}

TEST_CASE("profile: each range gets the GEMM work it issued itself, nested ranges theirs") {
  Var w(Tensor::full({3, 2}, 0.25f), true);
  profile_start(Device::cpu());
  tiny_step(w);
  tiny_step(w);
  Profile p = profile_stop();
  // Per step: forward [4,3]x[3,2] = 2*4*2*3 = 48 flop; backward dW [3,2] = 48 (x needs no gradient).
  CHECK(find_row(p, "matmul")->self_gflop == doctest::Approx(2 * 48e-9));
  CHECK(find_row(p, "matmul backward")->self_gflop == doctest::Approx(2 * 48e-9));
  // The enclosing phase holds the matmul but issued no GEMM itself; elementwise ops issue none.
  CHECK(find_row(p, "first")->self_gflop == 0.0);
  CHECK(find_row(p, "Relu")->self_gflop == 0.0);
}
