// Object datasets on disk (docs/design.md §9.3):
//   <root>/objects/<class>/<id>/transforms_train.json + train/NN.png   (36 RGBA views)
//   <root>/splits/{train,val,test}.txt                                 (one class/id a line)
//   <root>/dataset.json   how the views were made; a rerun with other settings is refused
// Every file is written atomically and transforms_train.json last, so an object folder
// holding it is complete and a rerun skips it.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "data/mesh.h"
#include "engine/preset.h"
#include "data/rasterizer.h"

namespace ws {

std::string object_dir(const std::string& root, const std::string& cls, const std::string& id);

// True when transforms_train.json and all views it lists exist.
bool object_folder_complete(const std::string& dir);

// Renders the 36 rig views of a normalised mesh at size x size into `dir`.
void render_object_folder(const Mesh& mesh, const std::string& dir, int size, const RasterOptions& opt = RasterOptions());

struct ObjectRef {
  std::string cls, id;
  std::string key() const { return cls + "/" + id; }
};
struct Splits {
  std::vector<ObjectRef> train, val, test;
};
// Per class, n_val objects go to val and n_test to test, chosen by a shuffle seeded by
// (seed, class name); the rest train. Classes keep their order of first appearance and
// ids their given order within each split.
Splits make_splits(const std::vector<ObjectRef>& objects, int n_val, int n_test, uint64_t seed);
void write_splits(const std::string& root, const Splits& s);
Splits read_splits(const std::string& root);

// Writes <root>/dataset.json with `settings`, or checks that the one there matches.
void check_or_write_manifest(const std::string& root, const nlohmann::json& settings);

// ---- the two dataset builders behind `wsnerf synth` and `wsnerf views --meshes` ----
using ProgressFn = std::function<void(const std::string& line)>;

struct SynthDatasetOptions {
  std::string out;
  int per_class = 8, n_val = 1, n_test = 1, size = 64;
  uint64_t seed = 0;
  std::vector<std::string> classes;  // empty = all 13
  RasterOptions raster;
};
struct DatasetSummary {
  int rendered = 0, skipped = 0, failed = 0;
};
// The preset's data section (per_class, val, test, image_size, seed, classes; unknown keys
// are errors); `out` is left empty.
SynthDatasetOptions synth_options_from_preset(const Preset& p);
DatasetSummary make_synth_dataset(const SynthDatasetOptions& opt, const ProgressFn& progress = nullptr);

struct MeshDatasetOptions {
  std::string meshes;  // ROOT/<class>/<id>/.../*.obj (ShapeNet layout)
  std::string out;
  int n_val = 1, n_test = 1, size = 64;
  uint64_t seed = 0;
  bool y_up = true;    // OBJ files are y-up (ShapeNet); false = already z-up
  RasterOptions raster;
};
// Objects whose mesh fails to load are reported through `progress`, counted as failed
// and left out of the splits.
DatasetSummary make_mesh_dataset(const MeshDatasetOptions& opt, const ProgressFn& progress = nullptr);

// A mesh file made ready for the rig: loaded, turned z-up when `y_up`, normalised.
Mesh load_normalized_obj(const std::string& path, bool y_up);

}  // namespace ws
