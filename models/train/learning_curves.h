// Learning curves of training runs (`wsnerf plot --log RUN[,RUN...]`): the losses, the
// validation metric and the probes (models/eval/probes.h) that `wsnerf train` writes to
// RUN/log.jsonl, against the training step. One run: a line per architecture in the
// per-architecture charts; several runs: a line per run (architectures averaged).
#pragma once
#include <string>
#include <vector>

#include "data/chart.h"

namespace ws {

// The charts, in order: training losses, validation metric, cross-architecture recall@1,
// 1-NN class accuracy, the objects' share of the embedding raw and centred, and SigLIP's
// learned t and bias when a run's log has them. A run whose log has no lines fails naming it.
std::vector<Chart> learning_curve_charts(const std::vector<std::string>& runs);

// Those charts tiled three per row under a title naming the runs.
Image learning_curves_figure(const std::vector<std::string>& runs);

}  // namespace ws
