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
// The encoder name that asks for embed_field_signature.
inline constexpr const char* kFieldEncoder = "field";
// The probe grid of embed_field_signature: 16^3 points, 16,384 values per NeRF.
inline constexpr int kFieldSignatureGrid = 16;

// encoder: a checkpoint written by save_encoder (its configuration comes with it), or
// kFlatWeightsEncoder or kFieldEncoder for the baselines below.
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

// The functional baseline (`wsnerf embed --encoder field`): each NeRF's field read at
// fixed points (models/nerf/field_signature.h, grid g), [N, 4 g^3]. Unlike flat weights it
// compares NeRFs of any architectures, since it reads what they render rather than how they
// store it; it is what an encoder of the weights would know if it recovered the function.
EmbeddingSet embed_field_signature(const std::vector<NerfEntry>& nerfs, Device d, int batch = 8,
                                   int g = kFieldSignatureGrid,
                                   const std::function<void(int64_t, int64_t)>& progress = nullptr);

}  // namespace ws
