// The reference edge values an encoder with GmnConfig::reference subtracts the readout of
// (models/gmn/encoder.h): all zeros, or the weights a NeRF's fit started from; "delta"
// also feeds the encoder the weights minus that start (input()) against zeros. NeRFs that
// share a reference (zeros per architecture; one shared start) share one vector, so a
// batch holds one reference graph per architecture rather than one per NeRF.
#pragma once
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "models/gmn/encoder.h"
#include "models/graph/graph_batch.h"
#include "models/nerf/nerf_file.h"

namespace ws {

class ReferenceValues {
 public:
  explicit ReferenceValues(EncoderReference mode) : mode_(mode) {}
  // The encoder's edge values of a NeRF, in place: flat_params() [P], minus the fit's
  // starting weights in mode "delta", untouched otherwise.
  void input(const NerfFile& nerf, const std::string& where, std::vector<float>& params);
  // The reference values of a NeRF in flat_params() order [P], or null for mode "none".
  // `where` names the file in errors. The holder keeps them alive; this object keeps
  // shared ones for the next NeRF.
  std::shared_ptr<const std::vector<float>> of(const NerfFile& nerf, const std::string& where);
  bool active() const { return mode_ != EncoderReference::None; }
  // Starts kept (for tests): about kKept beyond those still held elsewhere.
  size_t kept() const { return cache_.size(); }
  static constexpr size_t kKept = 32;

 private:
  using Values = std::shared_ptr<const std::vector<float>>;
  EncoderReference mode_;
  Values cached(const NerfFile& nerf, const std::string& where, bool init);
  // By architecture (+ init seed and stream). With fit.shared_init that is one start per
  // architecture; without it, one per NeRF, so starts nobody holds are dropped past kKept
  // (a stream-loaded split or an embedding run would otherwise keep every NeRF's).
  std::map<std::string, Values> cache_;
  // The size at which the cache is next searched for starts to drop: twice what a search
  // left, so a cache of starts all still held (memory mode) is not searched per NeRF.
  size_t next_trim_ = kKept;
};

// make_graph_batch with references when `references` is non-empty (one per NeRF), with the
// node probes and field signatures an encoder of `cfg` reads (GmnConfig::probe_grid, field_grid).
GraphBatch make_encoder_batch(const std::vector<const GraphTemplate*>& templates, const std::vector<const float*>& params,
                              const std::vector<const float*>& references, const GmnConfig& cfg, Device d);

}  // namespace ws
