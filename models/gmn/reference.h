// The reference edge values an encoder with GmnConfig::reference subtracts the readout of
// (models/gmn/encoder.h): all zeros, or the weights a NeRF's fit started from; "delta"
// also feeds the encoder the weights minus that start (input()) against zeros. NeRFs that
// share a reference (zeros per architecture; one shared start) share one vector, so a
// batch holds one reference graph per architecture rather than one per NeRF.
#pragma once
#include <map>
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
  // The reference values of a NeRF in flat_params() order (stable while this object
  // lives), or nullptr for mode "none". `where` names the file in errors.
  const float* of(const NerfFile& nerf, const std::string& where);
  bool active() const { return mode_ != EncoderReference::None; }

 private:
  EncoderReference mode_;
  const std::vector<float>& cached(const NerfFile& nerf, const std::string& where, bool init);
  std::map<std::string, std::vector<float>> cache_;  // by architecture (+ init seed and stream)
};

// make_graph_batch with references when `references` is non-empty (one per NeRF).
GraphBatch make_encoder_batch(const std::vector<const GraphTemplate*>& templates, const std::vector<const float*>& params,
                              const std::vector<const float*>& references, Device d);

}  // namespace ws
