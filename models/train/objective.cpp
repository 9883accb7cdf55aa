#include "models/train/objective.h"

namespace ws {

const EnumNames<Objective>& objective_names() {
  static const EnumNames<Objective> names = {
      {"r", Objective::Render}, {"rc", Objective::RenderContrastive}, {"c", Objective::Contrastive}};
  return names;
}

const EnumNames<ContrastiveCentring>& contrastive_centring_names() {
  static const EnumNames<ContrastiveCentring> names = {{"none", ContrastiveCentring::None},
                                                       {"batch", ContrastiveCentring::Batch}};
  return names;
}

}  // namespace ws
