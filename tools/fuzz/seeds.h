// The valid files every fuzz case starts from, made by the real wsnerf binary (a tiny
// dataset, NeRFs fitted to it, a trained run, its embeddings) plus a hand-written OBJ.
// Made once into WORK/seeds and reused while WORK/seeds/done exists.
#pragma once
#include <string>

namespace ws::fuzz {

struct Seeds {
  std::string bin;         // the wsnerf binary
  std::string root;        // WORK/seeds
  std::string preset;      // a preset file: tiny, cut down to seconds
  std::string data;        // a synth dataset (2 classes x 3 objects, 8 px)
  std::string object;      // "chair/<id>", a training object of `data`
  std::string nerf;        // data/nerfs/MLP/<object>.safetensors
  std::string tri_nerf;    // the same object's TRI NeRF (hash tables, grids: other tensors)
  std::string run;         // a finished training run
  std::string encoder;     // run/best.safetensors
  std::string embeddings;  // every split of `data` embedded by `encoder`
  std::string obj, mtl;    // a textured cube and its material
  std::string arch;        // an architecture spec (JSON)
  std::string png16;       // a 16 px PNG (the dataset's views are 8 px)
  // The authors' layout (wsnerf import) holding one object: authors/nerf/shapenet/mlp/
  // <synset>/<id>/ (authors_object) with nerf_weights.pth and grid.pth from the test
  // fixtures (torch_fixtures, tests/data/torch in the source tree) and the seed object's views.
  std::string authors, authors_object, torch_fixtures;
};

// Makes (or finds) the seeds; throws std::runtime_error naming the step that failed.
Seeds make_seeds(const std::string& bin, const std::string& work);

}  // namespace ws::fuzz
