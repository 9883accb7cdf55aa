// Synthetic embeddings files for the evaluation tests: Gaussian clusters per class, one
// vector per object, seen by every architecture with a little noise of its own.
#pragma once
#include <string>
#include <vector>

#include "data/embeddings.h"
#include "core/error.h"
#include "core/rng.h"

namespace ws::test {

struct ClusterSpec {
  int classes = 4;
  int train = 12, val = 4, test = 4;  // objects per class and split
  std::vector<std::string> archs = {"MLP", "TRI", "HASH"};
  int64_t dim = 16;
  float centre_scale = 3.0f;  // class centres ~ N(0, centre_scale^2)
  float object_noise = 1.0f;  // an object's offset from its class centre
  float arch_noise = 0.1f;    // each architecture's offset from the object's vector
  uint64_t seed = 1;
};

inline EmbeddingSet clustered_embeddings(const ClusterSpec& s) {
  static const char* names[] = {"airplane", "bench", "cabinet", "car", "chair", "display", "lamp",
                                "speaker", "rifle", "sofa", "table", "phone", "watercraft"};
  Rng rng(s.seed);
  std::vector<std::vector<float>> centres(size_t(s.classes), std::vector<float>(size_t(s.dim)));
  for (auto& c : centres)
    for (float& v : c) v = s.centre_scale * rng.normal();
  EmbeddingSet set;
  std::vector<float> values;
  const char* splits[] = {"train", "val", "test"};
  const int counts[] = {s.train, s.val, s.test};
  int id = 0;
  for (int sp = 0; sp < 3; ++sp)
    for (int c = 0; c < s.classes; ++c)
      for (int o = 0; o < counts[sp]; ++o, ++id) {
        std::vector<float> obj(size_t(s.dim));
        for (int64_t k = 0; k < s.dim; ++k) obj[size_t(k)] = centres[size_t(c)][size_t(k)] + s.object_noise * rng.normal();
        std::string cls = names[c % 13], key = str_cat(cls, "/", id);
        for (const std::string& a : s.archs) {
          for (int64_t k = 0; k < s.dim; ++k) values.push_back(obj[size_t(k)] + s.arch_noise * rng.normal());
          set.rows.push_back({key, cls, a, splits[sp], str_cat("nerfs/", a, "/", key, ".safetensors")});
        }
      }
  set.embeddings = Tensor::from(values, {set.size(), s.dim});
  return set;
}

}  // namespace ws::test
