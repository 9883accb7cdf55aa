// Embedding NeRF files with a trained encoder (`wsnerf embed`): batches of graphs
// through the GMN, one row per NeRF with its object, class, architecture and split.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "data/embeddings.h"
#include "data/nerf_dataset.h"

namespace ws {

// encoder: a checkpoint written by save_encoder (its configuration comes with it).
// progress(done, total) is called after each batch.
EmbeddingSet embed_nerfs(const std::string& encoder, const std::vector<NerfEntry>& nerfs, Device d, int batch = 8,
                         const std::function<void(int64_t, int64_t)>& progress = nullptr);

}  // namespace ws
