#include "models/gmn/checkpoint.h"

#include "engine/json.h"

namespace ws {

namespace {
constexpr const char* kFormat = "wsnerf.encoder/1";

GmnConfig config_of(const TensorFile& f, const std::string& path) {
  WS_CHECK(f.metadata.count("format") && f.metadata.at("format") == kFormat, path,
           ": not an encoder checkpoint (metadata 'format' is not ", kFormat, ")");
  WS_CHECK(f.metadata.count("config"), path, ": encoder checkpoint without a 'config' entry");
  nlohmann::json j = parse_json(f.metadata.at("config"), path + ": the encoder 'config' metadata");
  return GmnConfig::from_json(j, path);
}
}  // namespace

void save_encoder(const std::string& path, const GmnEncoder& enc, const ParamSet& ps, Metadata extra) {
  extra["format"] = kFormat;
  extra["config"] = enc.config().to_json().dump();
  save_params(path, ps, extra);
}

GmnConfig read_encoder_config(const std::string& path) { return config_of(load_safetensors(path), path); }

Metadata load_encoder(const std::string& path, const GmnConfig& cfg, ParamSet& ps) {
  TensorFile f = load_safetensors(path);
  GmnConfig saved = config_of(f, path);
  WS_CHECK(saved == cfg, path, ": checkpoint of an encoder with ", saved.to_json().dump(), ", model has ",
           cfg.to_json().dump());
  // NaN weights would embed every NeRF to NaN without a word.
  for (const auto& [name, t] : f.tensors)
    WS_CHECK(first_non_finite(t) < 0, path, ": tensor '", name, "' holds a non-finite value (element ",
             first_non_finite(t), ")");
  return load_params(f, ps);
}

}  // namespace ws
