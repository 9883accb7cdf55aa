// Data inputs: a dataset's PNG views, OBJ meshes and their MTL materials, split files.
#include <filesystem>

#include "tools/fuzz/generate.h"

namespace fs = std::filesystem;

namespace ws::fuzz {
namespace {
// The seed dataset's files, copied into the case (its NeRFs are not needed).
void copy_dataset(Ctx& x) {
  x.copy(x.s.data + "/objects", "data/objects");
  x.copy(x.s.data + "/splits", "data/splits");
  x.copy(x.s.data + "/dataset.json", "data/dataset.json");
}

void fit_object(Ctx& x) {
  x.command({"fit", "--data", x.c.dir + "/data", "--preset", x.s.preset, "--objects", x.s.object, "--archs", "MLP",
             "--out", x.out(), "--quiet", "--workers", "1"});
}

// `seed` with `line` appended, or its line `i` replaced.
std::string edit_lines(const std::string& seed, const std::string& find, const std::string& replace) {
  std::string text = read_bytes(seed);
  if (find.empty()) return text + replace + "\n";
  const size_t at = text.find(find);
  return text.replace(at, find.size(), replace);
}
}  // namespace

std::vector<Format> data_formats(const Seeds& s) {
  std::vector<Format> f;
  // A PNG view of the object fit reads.
  Layout png = [](Ctx& x) {
    copy_dataset(x);
    fit_object(x);
    char name[16];
    std::snprintf(name, sizeof name, "%02d.png", int(x.rng.below(36)));
    // A view of the wrong size may be reported against the object's first view.
    x.c.names = {std::string("train/") + name, "but the object's first view is"};
    return x.path("data/objects/" + x.s.object + "/train/" + name);
  };
  std::vector<Kind> pk = file_damage(s.data + "/objects/" + s.object + "/train/00.png", png, true);
  pk.push_back([=](Ctx& x) { place(x, png, read_bytes(s.png16), "a 16 px view among 8 px ones"); });
  pk.push_back([=](Ctx& x) { place(x, png, read_bytes(s.preset), "JSON text named .png"); });
  f.push_back({"png", pk});

  // OBJ meshes and their materials, rendered by views.
  auto mesh = [](const std::string& name) {
    return [name](Ctx& x) {
      x.copy(x.s.root + "/cube", "cube");
      x.command({"views", "--obj", x.c.dir + "/cube/cube.obj", "--out", x.out() + "/obj", "--size", "8",
                 "--supersample", "1"});
      x.c.names = {name};
      // An empty or cut MTL defines fewer materials: the OBJ line naming one is the error.
      if (name == "cube.mtl") x.c.names.push_back("unknown material");
      return x.path("cube/" + name);
    };
  };
  Layout obj = mesh("cube.obj"), mtl = mesh("cube.mtl");
  std::vector<Kind> ok = file_damage(s.obj, obj, false, false);
  for (Kind& k : file_damage(s.mtl, mtl, false, false)) ok.push_back(std::move(k));
  const std::vector<std::pair<std::string, std::string>> obj_edits = {
      {"", "f 1 2 99"}, {"", "f 0 1 2"}, {"", "f -99 1 2"}, {"", "f 1 2 4294967298"}, {"", "f 1 2"},
      {"", "f 1/9 2/1 3/1"}, {"", "usemtl nope"}, {"", "mtllib missing.mtl"}, {"", "v 0 0"},
      {"v -1 -1 -1", "v nan -1 -1"}, {"v -1 -1 -1", "v 1e999 -1 -1"}, {"v 1 1 1", "v 1 inf 1"},
      {"mtllib cube.mtl", "mtllib /dev/zero"}, {"f 1/1 3/3 2/2", "f 1/1 3/3 2.5/2"}};
  ok.push_back([=](Ctx& x) {
    const auto& [find, repl] = x.rng.pick(obj_edits);
    place(x, obj, edit_lines(s.obj, find, repl), find.empty() ? "line '" + repl + "' added" : "'" + find + "' -> '" + repl + "'");
  });
  const std::vector<std::pair<std::string, std::string>> mtl_edits = {
      {"Kd 0.8 0.1 0.1", "Kd nan 0.1 0.1"}, {"Kd 0.8 0.1 0.1", "Kd 1e999 0 0"}, 
      {"", "map_Kd missing.png"}, {"", "map_Kd /dev/zero"}, {"newmtl green", "newmtl"},
      {"Kd 0.8 0.1 0.1", "Kd -3 0 0"}};
  ok.push_back([=](Ctx& x) {
    const auto& [find, repl] = x.rng.pick(mtl_edits);
    place(x, mtl, edit_lines(s.mtl, find, repl), find.empty() ? "line '" + repl + "' added" : "'" + find + "' -> '" + repl + "'");
  });
  ok.push_back([=](Ctx& x) {  // cut right after the keyword of a line: never a valid statement
    const std::string text = read_bytes(s.obj);
    std::vector<size_t> starts;
    for (size_t i = 0; i + 1 < text.size(); ++i)
      if (i == 0 || text[i - 1] == '\n') starts.push_back(i);
    const size_t at = x.rng.pick(starts);
    const size_t cut = text.find(' ', at);
    place(x, obj, text.substr(0, cut), "cut after the keyword at byte " + std::to_string(at));
  });
  f.push_back({"obj", ok});

  // The train split, read by fit.
  Layout split = [](Ctx& x) {
    copy_dataset(x);
    x.command({"fit", "--data", x.c.dir + "/data", "--preset", x.s.preset, "--split", "train", "--archs", "MLP",
               "--out", x.out(), "--quiet", "--workers", "1"});
    // A line naming no object: the error names the object the split listed.
    x.c.names = {"train.txt", "(object "};
    return x.path("data/splits/train.txt");
  };
  std::vector<Kind> sk;
  for (Kind& k : file_damage(s.data + "/splits/train.txt", split, true, false)) {
    sk.push_back([k](Ctx& x) {
      k(x);
      if (x.c.name == "empty file") x.c.accept_reason = "an empty split is valid (synth --val 0 writes one): nothing to fit";
    });
  }
  const std::vector<std::string> split_lines = {"chair/nope", "lamp/missing", "../../etc", "chair", "chair/a/b",
                                                std::string(100000, 'a'), "\xff\xfe", "chair/."};
  sk.push_back([=](Ctx& x) {
    const std::string line = x.rng.pick(split_lines);
    place(x, split, edit_lines(s.data + "/splits/train.txt", "", line),
          "line '" + line.substr(0, 20) + (line.size() > 20 ? "...'" : "'") + " added");
    if (line.size() > 20) x.c.names.push_back(line.substr(0, 20));
    else x.c.names.push_back(line);
  });
  f.push_back({"splits", sk});
  return f;
}

}  // namespace ws::fuzz
