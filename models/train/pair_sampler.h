// The balanced cross-architecture pair sampler (docs/design.md §7.5). Each epoch shuffles the
// objects (by seed and epoch, so any epoch can be replayed); the object at position i
// forms one pair cycling through the architecture pairs — for MLP, TRI, HASH:
// (MLP,TRI), (TRI,HASH), (MLP,HASH) — with every fourth pair a random one; pairs fill
// batches of `pairs_per_batch`. With one architecture there are no pairs: a batch is
// 2 * pairs_per_batch objects in it.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace ws {

struct SampledBatch {
  std::vector<int64_t> objects;    // per NeRF (pairs: consecutive entries share the object)
  std::vector<std::string> archs;  // per NeRF
  bool paired = false;             // entries 2k and 2k+1 are one object in two architectures
};

class PairSampler {
 public:
  PairSampler(int64_t objects, std::vector<std::string> archs, int pairs_per_batch, uint64_t seed);
  std::vector<SampledBatch> epoch(int64_t e) const;
  int64_t batches_per_epoch() const;

 private:
  int64_t objects_;
  std::vector<std::string> archs_;
  int pairs_per_batch_;
  uint64_t seed_;
  std::vector<std::pair<int, int>> cycle_;  // the fixed pairs, in order
};

}  // namespace ws
