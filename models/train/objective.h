// The training objective (which losses a step sums) and the contrastive loss's centring.
#pragma once
#include <string>

#include "engine/named_enum.h"

namespace ws {

enum class Objective {
  Render,             // "r": the rendering loss through the decoder
  RenderContrastive,  // "rc": rendering + weight x SigLIP across architectures
  Contrastive,        // "c": SigLIP alone (no decoder, no teacher targets)
};
const EnumNames<Objective>& objective_names();  // r, rc, c
inline Objective parse_objective(const std::string& s, const std::string& what) {
  return parse_enum(s, objective_names(), what);
}
inline const char* objective_name(Objective o) { return enum_name(o, objective_names()); }
inline bool renders(Objective o) { return o != Objective::Contrastive; }
inline bool contrasts(Objective o) { return o != Objective::Render; }

// Centring of the embeddings SigLIP compares: none (the paper) or per architecture over the
// batch (siglip.h centre_by_group).
enum class ContrastiveCentring { None, Batch };
const EnumNames<ContrastiveCentring>& contrastive_centring_names();  // none, batch
inline ContrastiveCentring parse_contrastive_centring(const std::string& s, const std::string& what) {
  return parse_enum(s, contrastive_centring_names(), what);
}
inline const char* contrastive_centring_name(ContrastiveCentring c) {
  return enum_name(c, contrastive_centring_names());
}

}  // namespace ws
