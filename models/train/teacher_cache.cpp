#include "models/train/teacher_cache.h"

#include <atomic>
#include <cinttypes>
#include <cstdio>
#include <filesystem>

#include "core/hash.h"
#include "data/crc32.h"
#include "data/nerf_dataset.h"
#include "engine/io.h"
#include "engine/safetensors.h"

namespace fs = std::filesystem;

namespace ws {

namespace {

std::string hex(uint64_t v, int digits) {
  char buf[20];
  std::snprintf(buf, sizeof buf, "%0*" PRIx64, digits, v);
  return buf;
}

std::string crc_of(const void* p, size_t bytes) { return hex(crc32(static_cast<const unsigned char*>(p), bytes), 8); }
std::string crc_of(const Tensor& t) { return t.defined() ? crc_of(t.raw(), t.nbytes()) : "none"; }
std::string crc_of(const std::vector<float>& v) { return crc_of(v.data(), v.size() * sizeof(float)); }

// What a NeRF's pool is made from, besides the views and the settings.
std::string nerf_fingerprint(const NerfFile& n) {
  char step[32];
  std::snprintf(step, sizeof step, "%a", double(teacher_step(n)));
  return str_cat("arch ", crc_of(n.arch.to_json().dump().data(), n.arch.to_json().dump().size()), " mlp ",
                 crc_of(n.mlp), " encoding ", crc_of(n.encoding), " occupancy ", crc_of(n.occupancy), " res ",
                 n.occupancy_res, " step ", step);
}

std::string rays_fingerprint(const TeacherRays& r) {
  return str_cat(crc_of(r.origins), " ", crc_of(r.dirs), " ", crc_of(r.color), " ", crc_of(r.opacity));
}

std::string views_fingerprint(const std::string& data_dir, const std::string& object) {
  const std::string bytes = read_file((fs::path(data_dir) / "objects" / object / "transforms_train.json").string());
  return crc_of(bytes.data(), bytes.size());
}

std::vector<float> floats_of(const TensorFile& f, const char* name, int64_t rows, int64_t cols) {
  const Tensor& t = f.get(name);
  const bool ok = t.dtype() == DType::F32 &&
                  (cols == 0 ? t.shape() == Shape{rows} : t.shape() == Shape{rows, cols});
  WS_CHECK(ok, f.path, ": tensor '", name, "' is ", dtype_name(t.dtype()), " ", t.shape().str(), ", expected F32 [",
           rows, cols ? str_cat(", ", cols) : "", "]");
  return t.to_vector();
}

// The cache's rays when it matches `want` (settings, NeRF and views); Stale or Damaged otherwise.
TeacherCacheOutcome read_cache(const std::string& path, const Metadata& want, int64_t pool_size, TeacherRays& rays,
                               std::string& why) {
  try {
    TensorFile f = load_safetensors(path);
    for (const auto& [key, value] : want)
      if (f.meta_or(key, "") != value) {
        why = str_cat("its '", key, "' is '", f.meta_or(key, "(absent)"), "', not '", value, "'");
        return TeacherCacheOutcome::Stale;
      }
    const Tensor& opacity = f.get("opacity");
    WS_CHECK(opacity.ndim() == 1 && opacity.size(0) <= pool_size, path, ": ", opacity.shape().str(),
             " opacities for a pool of ", pool_size);
    const int64_t q = opacity.size(0);
    rays.origins = floats_of(f, "origins", q, 3);
    rays.dirs = floats_of(f, "dirs", q, 3);
    rays.color = floats_of(f, "color", q, 3);
    rays.opacity = floats_of(f, "opacity", q, 0);
    WS_CHECK(f.tensors.size() == 4, path, ": ", f.tensors.size(), " tensors, expected origins, dirs, color, opacity");
    WS_CHECK(rays_fingerprint(rays) == f.meta("data"), path, ": its tensors do not match their CRCs");
    return TeacherCacheOutcome::Hit;
  } catch (const Error& e) {
    why = e.what();
    return TeacherCacheOutcome::Damaged;
  }
}

std::atomic<bool> g_told_unwritable{false};

}  // namespace

std::string teacher_cache_path(const std::string& nerf_path, int64_t pool_size, uint64_t seed) {
  const uint64_t h = fnv1a(str_cat(kTeacherCacheFormat, " pool ", pool_size, " seed ", seed));
  fs::path p(nerf_path);
  return (p.parent_path() / (p.stem().string() + ".teacher-" + hex(h, 16) + ".pool")).string();
}

CachedTeacherRays cached_teacher_rays(const NerfFile& nerf, const std::string& nerf_path, const std::string& data_dir,
                                      const std::string& object, int64_t pool_size, uint64_t seed, Device d) {
  const std::string path = teacher_cache_path(nerf_path, pool_size, seed);
  const Metadata want = {{"format", kTeacherCacheFormat},
                         {"object", object},
                         {"pool_size", std::to_string(pool_size)},
                         {"seed", std::to_string(seed)},
                         {"nerf", nerf_fingerprint(nerf)},
                         {"views", views_fingerprint(data_dir, object)}};
  CachedTeacherRays out;
  if (fs::exists(path)) {
    std::string why;
    out.outcome = read_cache(path, want, pool_size, out.rays, why);
    if (out.outcome == TeacherCacheOutcome::Hit) return out;
    std::fprintf(stderr, "train: teacher cache %s is %s (%s): rendering it again\n", path.c_str(),
                 out.outcome == TeacherCacheOutcome::Stale ? "stale" : "damaged", why.c_str());
  }
  out.rays = std::move(render_teacher_rays({nerf}, {training_cameras(data_dir, object)}, {object}, pool_size, seed, d)[0]);
  const int64_t q = out.rays.count();
  Metadata meta = want;
  meta["data"] = rays_fingerprint(out.rays);
  try {
    save_safetensors(path,
                     {{"origins", Tensor::from(out.rays.origins, {q, 3})},
                      {"dirs", Tensor::from(out.rays.dirs, {q, 3})},
                      {"color", Tensor::from(out.rays.color, {q, 3})},
                      {"opacity", Tensor::from(out.rays.opacity, {q})}},
                     meta);
  } catch (const Error& e) {
    if (!g_told_unwritable.exchange(true))
      std::fprintf(stderr, "train: cannot write teacher caches (%s): rendering them on the fly\n", e.what());
  }
  return out;
}

}  // namespace ws
