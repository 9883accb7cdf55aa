// Encoder checkpoints: the encoder's parameters in safetensors with its configuration
// in the metadata (format wsnerf.encoder/1), so a checkpoint rebuilds its own model and
// loading into a model of another configuration fails naming both.
#pragma once
#include <string>

#include "models/gmn/encoder.h"

namespace ws {

void save_encoder(const std::string& path, const GmnEncoder& enc, const ParamSet& ps, Metadata extra = {});
// The configuration a checkpoint was saved with.
GmnConfig read_encoder_config(const std::string& path);
// Fills `ps` (declared by a GmnEncoder of `cfg`, materialized). Returns the metadata.
Metadata load_encoder(const std::string& path, const GmnConfig& cfg, ParamSet& ps);

}  // namespace ws
