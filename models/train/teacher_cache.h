// Teacher rays cached on disk beside each NeRF (docs/design.md §7.2), for the streaming
// loader: nerfs/<ARCH>/<class>/<id>.teacher-<hash>.pool, a safetensors file (own extension,
// so listings of *.safetensors never take it for a NeRF) holding origins, dirs, color
// [Q, 3] and opacity [Q] (F32), with metadata naming what it was made from: the settings
// (pool size, seed), a fingerprint of the NeRF's weights and occupancy grid, the CRC of the
// object's transforms_train.json, and the CRCs of its own tensors. <hash> names the
// settings, so runs with other settings keep their own files.
#pragma once
#include <cstdint>
#include <string>

#include "models/train/teacher.h"

namespace ws {

constexpr const char* kTeacherCacheFormat = "wsnerf.teacher/1";

// The cache file of the NeRF file nerf_path for these pool settings.
std::string teacher_cache_path(const std::string& nerf_path, int64_t pool_size, uint64_t seed);

enum class TeacherCacheOutcome { Hit, Missing, Stale, Damaged };

struct CachedTeacherRays {
  TeacherRays rays;
  TeacherCacheOutcome outcome = TeacherCacheOutcome::Missing;  // what was found on disk
};

// The NeRF's teacher rays (render_teacher_rays of it alone, object "class/id" of data_dir):
// from its cache file when that was made from this NeRF, these views and these settings
// and its data is intact; otherwise rendered on d and the cache (re)written atomically.
// A stale or damaged cache is named on stderr and replaced, never used; a folder that
// cannot be written is named once and the rays are rendered every time.
CachedTeacherRays cached_teacher_rays(const NerfFile& nerf, const std::string& nerf_path, const std::string& data_dir,
                                      const std::string& object, int64_t pool_size, uint64_t seed, Device d);

}  // namespace ws
