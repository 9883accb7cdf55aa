// ReferenceValues (models/gmn/reference.h): one start per architecture when NeRFs share it,
// and a bounded cache when every NeRF has its own (no fit.shared_init).
#include <doctest/doctest.h>

#include "data/nerf_dataset.h"
#include "models/gmn/reference.h"
#include "tests/pipeline_testing.h"

using namespace ws;

namespace {
NerfFile nerf_with_start(uint64_t stream) {
  const std::string data = test::random_nerf_dataset({"chair", "lamp"}, 3, {"MLP"});
  NerfFile n = load_nerf(list_nerfs(data, {"MLP"}, {"train"}, false).at(0).path);
  n.stats["init_seed"] = "7";
  n.stats["init_stream"] = std::to_string(stream);
  return n;
}
}  // namespace

TEST_CASE("reference values: a shared start is one vector, each NeRF's own start is dropped once nobody holds it") {
  ReferenceValues refs(EncoderReference::Init);
  const NerfFile a = nerf_with_start(1), b = nerf_with_start(1);
  auto ra = refs.of(a, "a"), rb = refs.of(b, "b");
  CHECK(ra == rb);  // the same start: one vector
  CHECK(*ra == a.initial_flat_params("a"));
  CHECK(refs.kept() == 1);

  // Many NeRFs with starts of their own, each released after use as a batch would be: the
  // cache stays bounded, and a start still held is kept and stays correct.
  const size_t n = 3 * ReferenceValues::kKept;
  for (size_t i = 0; i < n; ++i) {
    const NerfFile own = nerf_with_start(100 + i);
    auto r = refs.of(own, "own");
    CHECK(r->size() == size_t(own.arch.total_params()));
    CHECK(refs.kept() <= ReferenceValues::kKept + 1);
  }
  CHECK(*ra == a.initial_flat_params("a"));
  CHECK(refs.of(a, "a") == ra);  // held above, so never dropped
  // A start dropped earlier comes back equal.
  const NerfFile again = nerf_with_start(100);
  CHECK(*refs.of(again, "again") == again.initial_flat_params("again"));
}

TEST_CASE("reference values: zeros per architecture, none gives no reference") {
  ReferenceValues zeros(EncoderReference::Zeros), none(EncoderReference::None);
  const NerfFile a = nerf_with_start(1), b = nerf_with_start(2);
  auto za = zeros.of(a, "a");
  CHECK(za == zeros.of(b, "b"));  // starts differ, zeros do not
  CHECK(za->size() == size_t(a.arch.total_params()));
  for (float v : *za) CHECK(v == 0.0f);
  CHECK(none.of(a, "a") == nullptr);
  CHECK(!none.active());
}
