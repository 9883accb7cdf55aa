#include "models/train/pair_sampler.h"

#include <numeric>

#include "core/error.h"
#include "core/rng.h"

namespace ws {

PairSampler::PairSampler(int64_t objects, std::vector<std::string> archs, int pairs_per_batch, uint64_t seed)
    : objects_(objects), archs_(std::move(archs)), pairs_per_batch_(pairs_per_batch), seed_(seed) {
  WS_CHECK(objects_ > 0 && !archs_.empty() && pairs_per_batch_ > 0, "pair sampler: ", objects_, " objects, ",
           archs_.size(), " architectures, ", pairs_per_batch_, " pairs per batch");
  // Consecutive architectures first, then the wider gaps: (0,1), (1,2), (0,2) for three.
  int k = int(archs_.size());
  for (int gap = 1; gap < k; ++gap)
    for (int i = 0; i + gap < k; ++i) cycle_.push_back({i, i + gap});
  if (k == 3) cycle_ = {{0, 1}, {1, 2}, {0, 2}};
}

int64_t PairSampler::batches_per_epoch() const {
  int64_t per_batch = archs_.size() > 1 ? pairs_per_batch_ : 2LL * pairs_per_batch_;
  return (objects_ + per_batch - 1) / per_batch;
}

std::vector<SampledBatch> PairSampler::epoch(int64_t e) const {
  std::vector<int64_t> order(static_cast<size_t>(objects_));
  std::iota(order.begin(), order.end(), 0);
  Rng rng(seed_, uint64_t(e) + 1);
  rng.shuffle(order);
  std::vector<SampledBatch> batches;
  const bool paired = archs_.size() > 1;
  const int64_t per_batch = paired ? pairs_per_batch_ : 2LL * pairs_per_batch_;
  for (int64_t i = 0; i < objects_; ++i) {
    if (i % per_batch == 0) batches.push_back({{}, {}, paired});
    SampledBatch& b = batches.back();
    if (!paired) {
      b.objects.push_back(order[size_t(i)]);
      b.archs.push_back(archs_[0]);
      continue;
    }
    std::pair<int, int> p;
    if (i % 4 == 3) {  // a random pair of distinct architectures, in random order
      int x = int(rng.below(int64_t(archs_.size()))), y = int(rng.below(int64_t(archs_.size()) - 1));
      p = {x, y >= x ? y + 1 : y};
    } else {
      p = cycle_[size_t((i - i / 4) % int64_t(cycle_.size()))];
    }
    for (int a : {p.first, p.second}) {
      b.objects.push_back(order[size_t(i)]);
      b.archs.push_back(archs_[size_t(a)]);
    }
  }
  return batches;
}

}  // namespace ws
