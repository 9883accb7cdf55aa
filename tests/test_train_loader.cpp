// The training loaders (models/train/nerf_loader.h) and the teacher cache
// (models/train/teacher_cache.h): streaming gives the memory loader's results bit for bit,
// errors reach the step that needs the file, caches are checked before use.
#include <filesystem>
#include <fstream>

#include "data/dataset.h"
#include "data/nerf_dataset.h"
#include "engine/io.h"
#include "engine/safetensors.h"
#include "models/train/nerf_loader.h"
#include "models/train/teacher_cache.h"
#include "models/train/trainer.h"
#include "tests/pipeline_testing.h"
#include "tests/testing.h"

namespace fs = std::filesystem;
using namespace ws;

namespace {
const std::vector<std::string> kArchs = {"MLP", "TRI", "HASH"};

std::string shared_dataset() { return test::random_nerf_dataset({"chair", "lamp", "table"}, 3, kArchs); }

// A fresh copy of the shared dataset that a test may damage (each subcase gets its own).
std::string own_dataset(const std::string& name) {
  const std::string dir = test::temp_path(name);
  fs::remove_all(dir);
  fs::copy(shared_dataset(), dir, fs::copy_options::recursive);
  return dir;
}

TrainConfig tiny_config(const std::string& data, LoaderMode loader) {
  TrainConfig c = TrainConfig::from_preset(load_preset("tiny"));
  c.data = data;
  c.epochs = 2;
  c.pairs_per_batch = 2;  // 3 training objects: two batches an epoch
  c.device = "cpu";
  c.teacher_pool = 64;
  c.loader = loader;
  return c;
}

void check_same_tensors(const std::string& a_path, const std::string& b_path) {
  TensorFile a = load_safetensors(a_path), b = load_safetensors(b_path);
  REQUIRE(a.tensors.size() == b.tensors.size());
  for (size_t i = 0; i < a.tensors.size(); ++i) {
    CHECK(a.tensors[i].first == b.tensors[i].first);
    CHECK_MESSAGE(a.tensors[i].second.to_vector() == b.tensors[i].second.to_vector(), a_path, ": ", a.tensors[i].first);
  }
}

bool same_rays(const TeacherRays& a, const TeacherRays& b) {
  return a.origins == b.origins && a.dirs == b.dirs && a.color == b.color && a.opacity == b.opacity;
}

std::vector<std::string> files_named(const std::string& dir, const std::string& part) {
  std::vector<std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.path().filename().string().find(part) != std::string::npos) out.push_back(e.path().string());
  return out;
}
}  // namespace

TEST_CASE("teacher: a NeRF's pool rendered alone equals its pool rendered with other NeRFs") {
  const std::string data = shared_dataset();
  std::vector<NerfFile> nerfs;
  std::vector<std::vector<PinholeCamera>> cams;
  std::vector<std::string> objects;
  for (const NerfEntry& e : list_nerfs(data, {"HASH"}, {"train", "val"}, true)) {
    nerfs.push_back(load_nerf(e.path));
    cams.push_back(training_cameras(data, e.object));
    objects.push_back(e.object);
  }
  REQUIRE(nerfs.size() == 6);
  const std::vector<TeacherRays> together = render_teacher_rays(nerfs, cams, objects, 100, 3, Device::cpu());
  for (size_t i = 0; i < nerfs.size(); ++i) {
    const TeacherRays alone = render_teacher_rays({nerfs[i]}, {cams[i]}, {objects[i]}, 100, 3, Device::cpu())[0];
    CHECK(alone.count() == 100);
    CHECK_MESSAGE(same_rays(alone, together[i]), objects[i]);
  }
  // and the object names the stream: two objects draw different rays
  CHECK(together[0].origins != together[1].origins);
}

TEST_CASE("teacher cache: written on a miss, used on a hit, rendered again when damaged or stale") {
  const std::string data = own_dataset("cache_data");
  const std::string object = read_splits(data).train[0].key();
  const std::string path = nerf_path(data + "/nerfs", "TRI", object);
  const NerfFile nerf = load_nerf(path);
  const std::string cache = teacher_cache_path(path, 64, 7);
  CHECK(fs::path(cache).parent_path() == fs::path(path).parent_path());  // beside the NeRF
  CHECK(fs::path(cache).extension() == ".pool");                          // never listed as a NeRF
  CHECK(cache != teacher_cache_path(path, 65, 7));
  CHECK(cache != teacher_cache_path(path, 64, 8));
  const TeacherRays want = render_teacher_rays({nerf}, {training_cameras(data, object)}, {object}, 64, 7, Device::cpu())[0];

  CachedTeacherRays first = cached_teacher_rays(nerf, path, data, object, 64, 7, Device::cpu());
  CHECK(first.outcome == TeacherCacheOutcome::Missing);
  CHECK(same_rays(first.rays, want));
  REQUIRE(fs::exists(cache));
  CachedTeacherRays second = cached_teacher_rays(nerf, path, data, object, 64, 7, Device::cpu());
  CHECK(second.outcome == TeacherCacheOutcome::Hit);
  CHECK(same_rays(second.rays, want));

  // What is done to the cache or its sources, and what the next read must find.
  TeacherCacheOutcome expect = TeacherCacheOutcome::Damaged;
  NerfFile now = nerf;
  SUBCASE("a flipped byte in the data is caught by the CRCs") {
    std::string bytes = read_file(cache);
    bytes[bytes.size() - 5] ^= 0x40;
    write_file_atomic(cache, bytes);
  }
  SUBCASE("a cut file") {
    std::string bytes = read_file(cache);
    write_file_atomic(cache, bytes.substr(0, bytes.size() / 2));
  }
  SUBCASE("not a safetensors file") { write_file_atomic(cache, "garbage"); }
  SUBCASE("a refitted NeRF makes the cache stale") {
    now.mlp = nerf.mlp.clone();
    now.mlp.f32()[0] += 1.0f;
    save_nerf(path, now);
    expect = TeacherCacheOutcome::Stale;
  }
  SUBCASE("changed views make the cache stale") {
    const std::string t = data + "/objects/" + object + "/transforms_train.json";
    write_file_atomic(t, read_file(t) + " ");
    expect = TeacherCacheOutcome::Stale;
  }
  CachedTeacherRays again = cached_teacher_rays(now, path, data, object, 64, 7, Device::cpu());
  CHECK(again.outcome == expect);
  if (now.mlp.same_storage(nerf.mlp)) CHECK(same_rays(again.rays, want));  // rendered again, not read
  CHECK(cached_teacher_rays(now, path, data, object, 64, 7, Device::cpu()).outcome == TeacherCacheOutcome::Hit);
}

TEST_CASE("train: the stream loader trains to the bytes of the memory loader, and a run resumes across loaders") {
  const std::string data = own_dataset("stream_data");
  const std::string memory = test::temp_path("run_memory"), stream = test::temp_path("run_stream"),
                    mixed = test::temp_path("run_mixed");
  TrainSummary m = train(tiny_config(data, LoaderMode::Memory), memory);
  CHECK(files_named(data, ".teacher-").empty());  // the memory loader writes nothing
  TrainSummary s = train(tiny_config(data, LoaderMode::Stream), stream);
  CHECK(s.steps == m.steps);
  CHECK(s.best_metric == m.best_metric);
  for (const char* f : {"/checkpoint/last.safetensors", "/checkpoint/last_heads.safetensors", "/best.safetensors"})
    check_same_tensors(memory + f, stream + f);
  // Validation rendered every val NeRF: each has its cache, for this run's settings.
  const SplitIndex val = index_split(data, "", kArchs, "val");
  for (int64_t f = 0; f < val.files(); ++f)
    CHECK_MESSAGE(fs::exists(teacher_cache_path(val.path(f), 64, tiny_config(data, LoaderMode::Stream).seed + 17)),
                  val.path(f));
  CHECK(files_named(data, ".teacher-").size() > size_t(val.files()));  // and the training NeRFs the steps used
  // A second epoch and a second run read the caches: the same results again.
  TrainSummary s2 = train(tiny_config(data, LoaderMode::Stream), test::temp_path("run_stream_cached"));
  CHECK(s2.best_metric == m.best_metric);
  check_same_tensors(memory + "/checkpoint/last.safetensors", test::temp_path("run_stream_cached") + "/checkpoint/last.safetensors");

  // Stopped mid-epoch while the loader reads ahead, resumed with the other loader.
  TrainConfig first = tiny_config(data, LoaderMode::Stream);
  first.max_steps = 1;
  CHECK(train(first, mixed).interrupted);
  TrainSummary r = train(tiny_config(data, LoaderMode::Memory), mixed);
  CHECK(r.steps == m.steps);
  check_same_tensors(memory + "/checkpoint/last.safetensors", mixed + "/checkpoint/last.safetensors");
}

TEST_CASE("loader: a file that fails to load is reported by the batch that needs it, and the thread stops cleanly") {
  const std::string data = own_dataset("loader_bad");
  LoaderSettings ls;
  ls.data = data;
  ls.archs = kArchs;
  ls.mode = LoaderMode::Stream;
  ls.depth = 1;
  {
    NerfLoader loader(ls, "train");
    const SplitIndex& ix = loader.index();
    REQUIRE(ix.files() == 9);  // 3 training objects x 3 architectures
    write_file_atomic(ix.path(3), "not a NeRF");
    loader.plan({{0, 1}, {2, 3}, {4, 5}}, false);
    std::vector<const LoadedNerf*> b0 = loader.next();
    REQUIRE(b0.size() == 2);
    CHECK(b0[0]->graph == &graph_template(find_arch("MLP")));
    CHECK(b0[1]->graph == &graph_template(find_arch("TRI")));
    CHECK(b0[0]->params == load_nerf(ix.path(0)).flat_params());
    CHECK_THROWS_WITH_AS(loader.next(), doctest::Contains(ix.path(3).c_str()), Error);
    // a new plan starts over without the failure
    loader.plan({{0, 1}, {4, 5}, {0, 1}, {4, 5}}, false);
    CHECK(loader.next().size() == 2);
    CHECK(loader.next()[1]->params == load_nerf(ix.path(5)).flat_params());
    CHECK_THROWS_WITH_AS(loader.plan({{0, 1}}, true), doctest::Contains("without them"), Error);
    loader.plan({{0, 1}, {4, 5}, {0, 1}, {4, 5}}, false);
    // destroyed here with batches planned and being read: the thread is stopped and joined
  }
  NerfLoader loader(ls, "train");
  loader.plan({{0, 1}}, false);
  loader.next();
  CHECK_THROWS_WITH_AS(loader.next(), doctest::Contains("past the 1 planned"), Error);
  // A training run meets the damaged object at its step and names the file.
  for (int64_t f : {4, 5}) write_file_atomic(loader.index().path(f), "not a NeRF");
  const std::string bad = loader.index().objects[1] + ".safetensors";
  CHECK_THROWS_WITH_AS(train(tiny_config(data, LoaderMode::Stream), test::temp_path("run_bad")),
                       doctest::Contains(bad.c_str()), Error);
}
