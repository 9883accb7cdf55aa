// A training run's checkpoint as one unit: the files of one position (encoder, heads, both
// optimizers' moments, state.json) live in RUN/ckpt-<epoch>-<batch>/, and RUN/checkpoint
// is a symbolic link to the current one, switched by a single rename. A run killed at any
// moment resumes from a complete checkpoint, never a mix of two steps.
#pragma once
#include <cstdint>
#include <string>

namespace ws {

// A fresh, empty folder for the checkpoint of (epoch, batch); write its files there, then
// commit_checkpoint.
std::string begin_checkpoint(const std::string& run, int64_t epoch, int64_t batch);
// Makes `dir` the current checkpoint (one rename of the link) and removes the others.
void commit_checkpoint(const std::string& run, const std::string& dir);
// The current checkpoint's folder; "" when the run has none. A run written before
// checkpoints were folders (state.json beside config.json) is its own folder.
std::string current_checkpoint(const std::string& run);
// Removes what an interrupted save left: folders that are not the current checkpoint,
// a link that was never switched.
void remove_stale_checkpoints(const std::string& run);

}  // namespace ws
