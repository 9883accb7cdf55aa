// Embedding NeRF files with a trained encoder (`wsnerf embed`): batches of graphs
// through the GMN, one row per NeRF with its object, class, architecture and split.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "data/embeddings.h"
#include "data/nerf_dataset.h"

namespace ws {

// The encoder name that asks for embed_flat_weights instead of a checkpoint.
inline constexpr const char* kFlatWeightsEncoder = "weights";

// encoder: a checkpoint written by save_encoder (its configuration comes with it), or
// kFlatWeightsEncoder for embed_flat_weights (below).
// progress(done, total) is called after each batch.
EmbeddingSet embed_nerfs(const std::string& encoder, const std::vector<NerfEntry>& nerfs, Device d, int batch = 8,
                         const std::function<void(int64_t, int64_t)>& progress = nullptr);

// The baseline with no encoder (`wsnerf embed --encoder weights`): each NeRF's flat
// parameters (NerfFile::flat_params(), [encoding; mlp]) as its row, [N, P]. It answers
// "how much does a classifier learn from the weights themselves?", the ceiling an encoder
// should approach. Parameter i means the same thing in every file only within one
// architecture whose NeRFs start from shared weights (fit.shared_init): every NeRF must be
// of one architecture (the error names the first that is not).
EmbeddingSet embed_flat_weights(const std::vector<NerfEntry>& nerfs,
                                const std::function<void(int64_t, int64_t)>& progress = nullptr);

}  // namespace ws
