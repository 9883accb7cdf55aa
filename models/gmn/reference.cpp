#include "models/gmn/reference.h"

#include <algorithm>

namespace ws {

ReferenceValues::Values ReferenceValues::cached(const NerfFile& nerf, const std::string& where, bool init) {
  // The spec, not just the name, keys the cache: two specs may share a name.
  std::string key = nerf.arch.to_json().dump();
  if (init) {
    WS_CHECK(nerf.records_init(), where, ": encoder reference '", encoder_reference_name(mode_), "' needs the weights the fit started from, ",
             "and the file does not record them (init_seed, init_stream): refit it with this version of wsnerf fit");
    key += "|" + nerf.stats.at("init_seed") + "|" + nerf.stats.at("init_stream");
  }
  auto it = cache_.find(key);
  if (it != cache_.end()) return it->second;
  if (cache_.size() >= next_trim_) {  // drop the starts only this cache holds
    for (auto e = cache_.begin(); e != cache_.end();) e = e->second.use_count() == 1 ? cache_.erase(e) : std::next(e);
    next_trim_ = std::max(kKept, 2 * cache_.size());
  }
  Values v = std::make_shared<const std::vector<float>>(
      init ? nerf.initial_flat_params(where) : std::vector<float>(size_t(nerf.arch.total_params()), 0.0f));
  cache_.emplace(key, v);
  return v;
}

std::shared_ptr<const std::vector<float>> ReferenceValues::of(const NerfFile& nerf, const std::string& where) {
  if (mode_ == EncoderReference::None) return nullptr;
  return cached(nerf, where, mode_ == EncoderReference::Init);
}

void ReferenceValues::input(const NerfFile& nerf, const std::string& where, std::vector<float>& params) {
  if (mode_ != EncoderReference::Delta) return;
  const Values start = cached(nerf, where, true);
  WS_CHECK(start->size() == params.size(), where, ": ", params.size(), " parameters but ", start->size(),
           " starting weights");
  for (size_t i = 0; i < params.size(); ++i) params[i] -= (*start)[i];
}

GraphBatch make_encoder_batch(const std::vector<const GraphTemplate*>& templates, const std::vector<const float*>& params,
                              const std::vector<const float*>& references, const GmnConfig& cfg, Device d) {
  const GraphExtras extras{cfg.probe_grid, cfg.field_grid};
  return references.empty() ? make_graph_batch(templates, params, d, extras)
                             : make_graph_batch(templates, params, references, d, extras);
}

}  // namespace ws
