#include "tools/fuzz/seeds.h"

#include <filesystem>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "tools/fuzz/mutate.h"
#include "tools/fuzz/spawn.h"

namespace fs = std::filesystem;

namespace ws::fuzz {
namespace {
void must_run(const Seeds& s, std::vector<std::string> args) {
  args.insert(args.begin(), s.bin);
  Finished f = run_with_timeout(args, 600, s.root + "/step.stderr", s.root + "/step.stdout");
  if (f.timed_out || f.exit_code != 0) {
    std::string cmd;
    for (const std::string& a : args) cmd += " " + a;
    throw std::runtime_error("making the fuzz seeds:" + cmd + " failed:\n" + f.err);
  }
}

// tiny with fewer steps and one epoch: seeds in seconds, every section still present.
void write_seed_preset(const Seeds& s) {
  must_run(s, {"preset", "tiny"});
  nlohmann::ordered_json p = nlohmann::ordered_json::parse(read_bytes(s.root + "/step.stdout"));
  p["name"] = "fuzz-seed";
  p["data"]["classes"] = {"chair", "lamp"};
  p["data"]["per_class"] = 3;
  p["data"]["test"] = 1;
  p["fit"]["archs"] = {"MLP", "TRI"};
  p["fit"]["steps"] = 16;
  p["train"]["epochs"] = 1;
  p["classify"]["epochs"] = 5;
  write_bytes(s.preset, p.dump(2) + "\n");
}

// The first training object of the dataset.
std::string first_object(const Seeds& s) {
  const std::string split = read_bytes(s.data + "/splits/train.txt");
  return split.substr(0, split.find('\n'));
}

const char* kCubeObj =
    "mtllib cube.mtl\n"
    "v -1 -1 -1\nv 1 -1 -1\nv 1 1 -1\nv -1 1 -1\nv -1 -1 1\nv 1 -1 1\nv 1 1 1\nv -1 1 1\n"
    "vt 0 0\nvt 1 0\nvt 1 1\nvt 0 1\n"
    "usemtl red\n"
    "f 1/1 3/3 2/2\nf 1/1 4/4 3/3\nf 5/1 6/2 7/3\nf 5/1 7/3 8/4\n"
    "usemtl green\n"
    "f 1/1 2/2 6/3\nf 1/1 6/3 5/4\nf 2/1 3/2 7/3\nf 2/1 7/3 6/4\n"
    "f 3/1 4/2 8/3\nf 3/1 8/3 7/4\nf 4/1 1/2 5/3\nf 4/1 5/3 8/4\n";
const char* kCubeMtl = "newmtl red\nKd 0.8 0.1 0.1\n\nnewmtl green\nKd 0.1 0.8 0.2\n";

// The seed object ("chair/<id>") as the authors lay it out: its views and transforms, an MLP
// NeRF's weights and grid (torch.save files from the test fixtures), split lists naming it.
void write_authors_tree(const Seeds& s) {
  const std::string id = s.object.substr(s.object.find('/') + 1);
  const fs::path shapenet = fs::path(s.authors) / "nerf" / "shapenet", dir = shapenet / s.authors_object;
  fs::create_directories(dir);
  fs::copy(fs::path(s.data) / "objects" / s.object, dir, fs::copy_options::recursive);
  fs::copy_file(s.torch_fixtures + "/mlp_f32.pth", dir / "nerf_weights.pth");
  fs::copy_file(s.torch_fixtures + "/grid_dense16.pth", dir / "grid.pth");
  write_bytes((shapenet / "train.txt").string(), "03001627/" + id + "\n");
  write_bytes((shapenet / "val.txt").string(), "");
  write_bytes((shapenet / "test.txt").string(), "");
}
}  // namespace

Seeds make_seeds(const std::string& bin, const std::string& work) {
  Seeds s;
  s.bin = fs::absolute(bin).string();
  s.root = fs::absolute(fs::path(work) / "seeds").string();
  s.preset = s.root + "/preset.json";
  s.data = s.root + "/data";
  s.run = s.root + "/run";
  s.encoder = s.run + "/best.safetensors";
  s.embeddings = s.root + "/embeddings.safetensors";
  s.obj = s.root + "/cube/cube.obj";
  s.mtl = s.root + "/cube/cube.mtl";
  s.arch = s.root + "/arch.json";
  s.png16 = s.root + "/16px.png";
  s.authors = s.root + "/authors";
  s.torch_fixtures = WS_SOURCE_DIR "/tests/data/torch";
  const std::string done = s.root + "/done";
  if (!fs::exists(done)) {
    fs::remove_all(s.root);
    fs::create_directories(s.root + "/cube");
    write_seed_preset(s);
    must_run(s, {"synth", "--out", s.data, "--classes", "chair,lamp", "--per-class", "3", "--val", "1", "--test", "1",
                 "--size", "8", "--supersample", "1"});
    must_run(s, {"fit", "--data", s.data, "--preset", s.preset, "--quiet", "--workers", "1"});
    must_run(s, {"train", "--data", s.data, "--preset", s.preset, "--out", s.run});
    must_run(s, {"embed", "--encoder", s.encoder, "--data", s.data, "--out", s.embeddings});
    write_bytes(s.obj, kCubeObj);
    write_bytes(s.mtl, kCubeMtl);
    write_bytes(s.arch, "{\"family\": \"mlp\", \"hidden_layers\": 2, \"hidden_dim\": 32}\n");
    must_run(s, {"archs", "--spec", s.arch});
    must_run(s, {"render", "--nerf", s.data + "/nerfs/MLP/" + first_object(s) + ".safetensors", "--out", s.root + "/16px.png",
                 "--size", "16"});
    write_bytes(done, "");
  }
  s.object = first_object(s);
  if (s.object.rfind("chair/", 0) != 0)
    throw std::runtime_error("making the fuzz seeds: the first object is " + s.object + ", not a chair");
  s.authors_object = "mlp/03001627/" + s.object.substr(6);  // ShapeNet's synset for chairs
  if (!fs::exists(s.authors + "/done")) {  // also for seeds made before the tree existed
    fs::remove_all(s.authors);
    write_authors_tree(s);
    write_bytes(s.authors + "/done", "");
  }
  s.nerf = s.data + "/nerfs/MLP/" + s.object + ".safetensors";
  s.tri_nerf = s.data + "/nerfs/TRI/" + s.object + ".safetensors";
  if (!fs::exists(s.nerf)) throw std::runtime_error("making the fuzz seeds: no NeRF at " + s.nerf);
  return s;
}

}  // namespace ws::fuzz
