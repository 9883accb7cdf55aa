#include "models/train/step_losses.h"

#include <cmath>

namespace ws {

StepLosses::StepLosses(int64_t steps, Device d) : values_(Tensor::zeros({steps, 3}, DType::F32, d)) {}

void StepLosses::record(int64_t i, const Var& loss, const Var& render, const Var& contrastive) {
  WS_CHECK(i >= 0 && i < values_.size(0), "StepLosses: row ", i, " of ", values_.size(0));
  const Var* terms[3] = {&loss, &render, &contrastive};
  for (int k = 0; k < 3; ++k) {
    Tensor cell = values_.view_at(3 * i + k, {1});
    if (terms[k]->defined()) cell.copy_from(terms[k]->value().reshape({1}));
    else cell.zero_();
  }
}

std::vector<std::array<float, 3>> StepLosses::read(int64_t begin, int64_t end, int64_t step_of_row0) const {
  WS_CHECK(0 <= begin && begin <= end && end <= values_.size(0), "StepLosses: rows [", begin, ", ", end, ") of ",
           values_.size(0));
  std::vector<std::array<float, 3>> rows(size_t(end - begin));
  if (rows.empty()) return rows;
  values_.slice_rows(begin, end).copy_to_host(rows.data(), rows.size() * sizeof(rows[0]));
  for (size_t r = 0; r < rows.size(); ++r)
    WS_CHECK(std::isfinite(rows[r][0]), "train: the loss became ", rows[r][0], " at step ",
             step_of_row0 + begin + int64_t(r));
  return rows;
}

}  // namespace ws
