#include "models/train/nerf_loader.h"

#include <omp.h>

#include <filesystem>

#include "data/nerf_dataset.h"
#include "models/train/teacher_cache.h"

namespace fs = std::filesystem;

namespace ws {

const EnumNames<LoaderMode>& loader_mode_names() {
  static const EnumNames<LoaderMode> names = {{"memory", LoaderMode::Memory}, {"stream", LoaderMode::Stream}};
  return names;
}

std::string SplitIndex::path(int64_t file) const { return nerf_path(nerfs_dir, arch_of(file), objects[size_t(object_of(file))]); }

SplitIndex index_split(const std::string& data, const std::string& nerfs_dir, const std::vector<std::string>& archs,
                       const std::string& split) {
  SplitIndex s;
  s.archs = archs;
  s.nerfs_dir = nerfs_dir.empty() ? (fs::path(data) / "nerfs").string() : nerfs_dir;
  // Every file is required, so objects arrive with all their architectures, in order.
  for_each_nerf(data, archs, {split}, true, s.nerfs_dir, [&](const NerfEntry& e) {
    if (e.arch == archs[0]) s.objects.push_back(e.object);
  });
  return s;
}

namespace {
// The encoder's side of a NeRF: edge values, graph template, reference.
void fill_encoder_input(const NerfFile& n, const std::string& path, ReferenceValues& refs, LoadedNerf& out) {
  out.params = n.flat_params();
  refs.input(n, path, out.params);
  out.graph = &graph_template(n.arch);
  out.reference = refs.of(n, path);
}
}  // namespace

NerfLoader::NerfLoader(LoaderSettings settings, const std::string& split)
    : settings_(std::move(settings)),
      index_(index_split(settings_.data, settings_.nerfs_dir, settings_.archs, split)),
      references_(settings_.reference) {
  WS_CHECK(settings_.depth >= 1, "loader: depth must be 1 or more, got ", settings_.depth);
  if (settings_.mode == LoaderMode::Stream) return;
  all_.resize(size_t(index_.files()));
  const int64_t n_objects = int64_t(index_.objects.size());
  for (size_t a = 0; a < index_.archs.size(); ++a) {  // one architecture at a time: its pools render together
    std::vector<NerfFile> group;
    std::vector<std::vector<PinholeCamera>> cams;
    for (int64_t o = 0; o < n_objects; ++o) {
      const int64_t f = index_.file(o, a);
      NerfFile n = load_nerf(index_.path(f));
      fill_encoder_input(n, index_.path(f), references_, all_[size_t(f)]);
      if (!settings_.pools) continue;
      group.push_back(std::move(n));
      cams.push_back(training_cameras(settings_.data, index_.objects[size_t(o)]));
    }
    if (!settings_.pools) continue;
    std::vector<TeacherPool> pools = build_teacher_pools(group, cams, index_.objects, settings_.teacher_pool,
                                                         settings_.teacher_seed, settings_.device);
    for (int64_t o = 0; o < n_objects; ++o) all_[size_t(index_.file(o, a))].pool = std::move(pools[size_t(o)]);
  }
}

NerfLoader::~NerfLoader() { stop(); }

void NerfLoader::stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  std::lock_guard<std::mutex> lock(mu_);
  ready_.clear();
  error_ = nullptr;
  stopping_ = false;
}

void NerfLoader::plan(std::vector<std::vector<int64_t>> batches, bool pools) {
  WS_CHECK(!pools || settings_.pools, "loader: teacher pools asked of a loader made without them");
  for (const std::vector<int64_t>& b : batches)
    for (int64_t f : b) WS_CHECK(f >= 0 && f < index_.files(), "loader: file ", f, " of ", index_.files());
  stop();
  current_.clear();
  planned_ = std::move(batches);
  served_ = 0;
  if (settings_.mode == LoaderMode::Stream && !planned_.empty()) thread_ = std::thread([this, pools] { produce(pools); });
}

LoadedNerf NerfLoader::load(int64_t file, bool pool) {
  const std::string path = index_.path(file);
  NerfFile n = load_nerf(path);
  LoadedNerf out;
  fill_encoder_input(n, path, references_, out);
  if (pool) {
    const std::string& object = index_.objects[size_t(index_.object_of(file))];
    CachedTeacherRays r = cached_teacher_rays(n, path, settings_.data, object, settings_.teacher_pool,
                                              settings_.teacher_seed, settings_.device);
    out.pool = make_teacher_pool(n, r.rays, settings_.device);
  }
  return out;
}

void NerfLoader::produce(bool pools) {
  // One thread: the training step keeps the cores; loading keeps ahead of it all the same.
  omp_set_num_threads(1);
  try {
    for (const std::vector<int64_t>& files : planned_) {
      {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [&] { return stopping_ || int(ready_.size()) < settings_.depth; });
        if (stopping_) return;
      }
      Batch batch;
      for (int64_t f : files) {
        {
          std::lock_guard<std::mutex> lock(mu_);
          if (stopping_) return;
        }
        batch.push_back(std::make_unique<LoadedNerf>(load(f, pools)));
      }
      std::lock_guard<std::mutex> lock(mu_);
      ready_.push_back(std::move(batch));
      cv_.notify_all();
    }
  } catch (...) {
    std::lock_guard<std::mutex> lock(mu_);
    error_ = std::current_exception();
    cv_.notify_all();
  }
}

std::vector<const LoadedNerf*> NerfLoader::next() {
  WS_CHECK(served_ < planned_.size(), "loader: next() past the ", planned_.size(), " planned batches");
  std::vector<const LoadedNerf*> out;
  if (settings_.mode == LoaderMode::Memory) {
    for (int64_t f : planned_[served_++]) out.push_back(&all_[size_t(f)]);
    return out;
  }
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [&] { return !ready_.empty() || error_; });
  if (ready_.empty()) std::rethrow_exception(error_);  // the batches before it were all served
  current_ = std::move(ready_.front());
  ready_.pop_front();
  ++served_;
  cv_.notify_all();
  for (const std::unique_ptr<LoadedNerf>& n : current_) out.push_back(n.get());
  return out;
}

}  // namespace ws
