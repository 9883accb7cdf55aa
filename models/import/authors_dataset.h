// `wsnerf import`: the authors' released dataset (Hugging Face frallebini/gmnerf, its
// nerf/ folder) -> our dataset layout (data/dataset.h, data/nerf_dataset.h; docs/design.md
// §3.8). Source folder S is ROOT/nerf/shapenet, or ROOT itself when it holds the lists:
//   S/{train,val,test}.txt                 one <synset>/<id> a line (shared by the families)
//   S/{mlp,triplane,hash}/<synset>/<id>/   nerf_weights.pth, grid.pth, train/*.png and
//                                          transforms_train.json or _compressed.json
//   S/<name>_unseen/.../<synset>/<id>/     the unseen-architecture sets, extracted, at any depth
// Output (DATA = out): objects/<class>/<id>/{transforms_train.json, train/NN.png, import.json},
// nerfs/<ARCH>/<class>/<id>.safetensors (ARCH identified from the tensor shapes),
// splits/{train,val,test}.txt, dataset.json. Every file is written atomically; import.json,
// written last, records which source folders an object's NeRFs came from, so a rerun skips
// what is done and picks up folders downloaded since.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "data/dataset.h"
#include "models/nerf/arch.h"

namespace ws {

struct AuthorsImportOptions {
  std::string from;                    // ROOT or S
  std::string out;                     // DATA
  std::vector<std::string> families;   // of mlp, triplane, hash, unseen; empty = all four
  int limit = 0;                       // at most this many objects per class in each split; 0 = all
  bool keep_going = false;             // a bad object is reported and left out instead of stopping
  std::vector<ArchSpec> archs = builtin_archs();  // what a NeRF's shapes may be identified as
};

struct AuthorsImportSummary {
  int objects = 0;          // objects in the written splits
  int views_copied = 0;     // object folders written this run (the others were complete)
  int nerfs_written = 0, nerfs_up_to_date = 0;
  int not_found = 0;        // listed objects with no folder in the chosen families (not downloaded)
  int failed = 0;           // objects left out after an error (keep_going)
  std::map<std::string, int> nerfs_per_arch;  // NeRF files of the listed objects, per architecture
};

// The class name of a ShapeNet synset of the 13 classes ("02691156" -> "airplane"); "" otherwise.
std::string synset_class(const std::string& synset);

// Lines of progress and of objects left out go to `progress`; a progress bar to stderr.
AuthorsImportSummary import_authors_dataset(const AuthorsImportOptions& opt, const ProgressFn& progress = nullptr);

}  // namespace ws
