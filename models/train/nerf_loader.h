// Where training reads its NeRFs from (docs/design.md §7.7). A split is indexed once: its
// objects' names, in split order, and the training architectures; file f is object
// f / archs in architecture f % archs, at nerfs/<ARCH>/<class>/<id>.safetensors. That index
// is all that is held for the whole split in mode "stream".
//
// - memory: every NeRF's edge values, references and teacher pool are loaded before the
//   first step and kept (the pools rendered a few NeRFs at a time); memory grows with the
//   dataset.
// - stream: the trainer plans the batches it will ask for (an epoch's are known in advance,
//   pair_sampler.h); a background thread loads them in that order, at most `depth` batches
//   ahead, each NeRF's teacher rays from its cache beside the file (teacher_cache.h) or
//   rendered and cached there. Memory is bounded by the batches in flight.
// Both serve the same values bit for bit: a pool depends only on (seed, object), not on the
// NeRFs it was rendered with.
#pragma once
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "engine/named_enum.h"
#include "models/gmn/reference.h"
#include "models/graph/param_graph.h"
#include "models/train/teacher.h"

namespace ws {

enum class LoaderMode { Memory, Stream };
const EnumNames<LoaderMode>& loader_mode_names();  // memory, stream
inline LoaderMode parse_loader_mode(const std::string& s, const std::string& what) {
  return parse_enum(s, loader_mode_names(), what);
}
inline const char* loader_mode_name(LoaderMode m) { return enum_name(m, loader_mode_names()); }

// A split's NeRFs by name only. Every (object, architecture) file exists (checked by stat).
struct SplitIndex {
  std::vector<std::string> objects;  // "class/id", in split order
  std::vector<std::string> archs;
  std::string nerfs_dir;
  int64_t files() const { return int64_t(objects.size() * archs.size()); }
  int64_t file(int64_t object, size_t arch) const { return object * int64_t(archs.size()) + int64_t(arch); }
  int64_t object_of(int64_t file) const { return file / int64_t(archs.size()); }
  const std::string& arch_of(int64_t file) const { return archs[size_t(file % int64_t(archs.size()))]; }
  std::string path(int64_t file) const;
};
// nerfs_dir "" means DATA/nerfs; a missing file is an error naming it.
SplitIndex index_split(const std::string& data, const std::string& nerfs_dir, const std::vector<std::string>& archs,
                       const std::string& split);

// One NeRF as a training step reads it.
struct LoadedNerf {
  std::vector<float> params;          // [P] the graph's edge values (minus the fit's start for reference delta)
  const GraphTemplate* graph = nullptr;
  std::shared_ptr<const std::vector<float>> reference;  // [P] the encoder's reference values; null for none
  TeacherPool pool;                   // empty when the pass asked for no pools
};

struct LoaderSettings {
  std::string data, nerfs_dir;
  std::vector<std::string> archs;
  EncoderReference reference = EncoderReference::None;
  bool pools = false;             // teacher pools are needed at all (the objective renders)
  int64_t teacher_pool = 0;       // rays per pool
  uint64_t teacher_seed = 0;
  Device device = Device::cpu();  // where pools live
  LoaderMode mode = LoaderMode::Memory;
  int depth = 2;                  // stream: batches loaded ahead of the one in use
};

class NerfLoader {
 public:
  NerfLoader(LoaderSettings settings, const std::string& split);
  ~NerfLoader();  // stops the loading thread (it finishes the NeRF it is on) and joins it
  NerfLoader(const NerfLoader&) = delete;
  NerfLoader& operator=(const NerfLoader&) = delete;

  const SplitIndex& index() const { return index_; }
  // The batches (file indices) next() serves from now on, in order, replacing what was left
  // of the previous plan. `pools`: this pass reads the teacher pools (embedding does not).
  void plan(std::vector<std::vector<int64_t>> batches, bool pools);
  // The next planned batch's NeRFs, in its order, valid until the next call of next() or
  // plan(). An error loading one of them is thrown here, by the batch that needs it.
  std::vector<const LoadedNerf*> next();

 private:
  using Batch = std::vector<std::unique_ptr<LoadedNerf>>;
  LoadedNerf load(int64_t file, bool pool);  // stream mode, on the loading thread
  void produce(bool pools);  // the loading thread: planned_ in order
  void stop();

  LoaderSettings settings_;
  SplitIndex index_;
  ReferenceValues references_;
  std::vector<LoadedNerf> all_;  // memory mode: every file
  // The plan: memory mode walks it; stream mode hands it to the thread.
  std::vector<std::vector<int64_t>> planned_;
  size_t served_ = 0;
  Batch current_;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Batch> ready_;       // guarded by mu_
  bool stopping_ = false;         // guarded by mu_
  std::exception_ptr error_;      // guarded by mu_: the loading thread's failure, thrown by next()
};

}  // namespace ws
