#include <algorithm>

#include "data/nerf_dataset.h"
#include "models/nerf/nerf_file.h"
#include "models/train/teacher.h"
#include "tests/pipeline_testing.h"
#include "tests/testing.h"

using namespace ws;

TEST_CASE("teacher: a pool rendered in several rounds begins with the pool of one round") {
  std::string data = test::random_nerf_dataset({"chair", "lamp", "table"}, 3, {"MLP", "TRI", "HASH"});
  std::vector<NerfFile> nerfs;
  std::vector<std::vector<PinholeCamera>> cams;
  std::vector<std::string> objects;
  for (const NerfEntry& e : list_nerfs(data, {"TRI"}, {"train"}, true)) {
    nerfs.push_back(load_nerf(e.path));
    cams.push_back(training_cameras(data, e.object));
    objects.push_back(e.object);
  }
  REQUIRE(nerfs.size() == 3);
  // 256 rays: 1024 candidates, one round; 400 rays: 1600 candidates, two rounds.
  std::vector<TeacherPool> one = build_teacher_pools(nerfs, cams, objects, 256, 5, Device::cpu());
  std::vector<TeacherPool> two = build_teacher_pools(nerfs, cams, objects, 400, 5, Device::cpu());
  for (size_t i = 0; i < nerfs.size(); ++i) {
    const int64_t q1 = one[i].opacity.numel(), q2 = two[i].opacity.numel();
    CHECK(q1 == 256);  // random NeRFs render something almost everywhere
    CHECK(q2 == 400);  // so the second round was needed and used
    std::vector<float> o1 = one[i].origins.to_vector(), o2 = two[i].origins.to_vector();
    std::vector<float> c1 = one[i].color.to_vector(), c2 = two[i].color.to_vector();
    CHECK(std::equal(o1.begin(), o1.end(), o2.begin()));
    CHECK(std::equal(c1.begin(), c1.end(), c2.begin()));
    for (float a : two[i].opacity.to_vector()) CHECK(a > 0.01f);
  }
}
