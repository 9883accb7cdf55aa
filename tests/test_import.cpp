// wsnerf import (issue 14): the PyTorch checkpoint reader on real torch.save files
// (tests/data/torch/, made by make_fixtures.py with Debian's python3-torch), the mapping of
// the authors' NeRFs onto ours, and the dataset importer on a small tree of those files.
#include <sys/wait.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "core/rng.h"
#include "data/camera.h"
#include "data/image.h"
#include "data/nerf_dataset.h"
#include "data/torch_checkpoint.h"
#include "data/torch_unpickler.h"
#include "data/zip_archive.h"
#include "engine/io.h"
#include "models/fit/object_views.h"
#include "models/import/authors_dataset.h"
#include "models/import/authors_nerf.h"
#include "models/nerf/occupancy_bits.h"
#include "models/render/ray_box.h"
#include "models/render/render_image.h"
#include "tests/data_testing.h"
#include "tests/testing.h"

using namespace ws;
using doctest::Contains;
namespace fs = std::filesystem;

namespace {
std::string fixture(const std::string& name) { return str_cat(WS_SOURCE_DIR, "/tests/data/torch/", name); }

// make_fixtures.py's formulas: k/1024 * 2^s, k in [-1024, 1023] from a multiplicative hash.
std::vector<float> fixture_weights(int64_t n, uint64_t seed, int scale_log2) {
  std::vector<float> v(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    const uint64_t h = (uint64_t(i) * 2654435761ull + seed * 97531ull) % (uint64_t(1) << 32);
    v[size_t(i)] = float(double(int64_t(h >> 21) - 1024) / 1024.0 * std::ldexp(1.0, scale_log2));
  }
  return v;
}
std::vector<uint8_t> fixture_occupancy(int res, double radius) {
  std::vector<uint8_t> flags(size_t(res) * res * res);
  const double c = (res - 1) / 2.0;
  for (int ix = 0; ix < res; ++ix)
    for (int iy = 0; iy < res; ++iy)
      for (int iz = 0; iz < res; ++iz) {
        const double d2 = (ix - c) * (ix - c) + (iy - c) * (iy - c) + (iz - c) * (iz - c);
        const int64_t cell = (int64_t(ix) * res + iy) * res + iz;
        flags[size_t(cell)] = d2 <= radius * radius && cell % 7 != 0;
      }
  return flags;
}

// One weights fixture and what it holds.
struct WeightsFixture {
  const char* file;
  const char* arch;
  const char* grid;  // paired with it in these tests
  int grid_res;
};
const WeightsFixture kWeights[] = {{"mlp_f32.pth", "MLP", "grid_dense16.pth", 16},
                                   {"tri16w_f16.pth", "TRI-16W", "grid_sparse16.pth", 16},
                                   {"hash_f16.pth", "HASH", "grid_sparse96.pth", 96},
                                   {"mlp32h_f32.pth", "MLP-32H", "grid_sparse16.pth", 16}};

// The same NeRF as a fixture pair, made by wsnerf from the formulas.
NerfFile direct_nerf(const WeightsFixture& w) {
  NerfFile n;
  n.arch = find_arch(w.arch);
  n.mlp = Tensor::from(fixture_weights(n.arch.mlp_params(), 1, -3), {n.arch.mlp_params()});
  if (n.arch.family == Family::Tri)
    n.encoding = Tensor::from(fixture_weights(n.arch.encoding_params(), 2, -1),
                              {3, n.arch.tri_res, n.arch.tri_res, n.arch.tri_channels});
  if (n.arch.family == Family::Hash)
    n.encoding = Tensor::from(fixture_weights(n.arch.encoding_params(), 3, -1), {n.arch.encoding_params()});
  n.occupancy_res = w.grid_res;
  const std::vector<uint8_t> bits = pack_occupancy(fixture_occupancy(w.grid_res, 5.0));
  n.occupancy = Tensor::from(bits, {int64_t(bits.size())});
  n.render_step = kDefaultRenderStep;
  return n;
}

double psnr(const Image& a, const Image& b) {
  REQUIRE(a.rgba.size() == b.rgba.size());
  double se = 0;
  for (size_t i = 0; i < a.rgba.size(); ++i) se += (double(a.rgba[i]) - b.rgba[i]) * (double(a.rgba[i]) - b.rgba[i]);
  if (se == 0) return INFINITY;
  return 10 * std::log10(255.0 * 255.0 / (se / double(a.rgba.size())));
}

void copy_file(const std::string& from, const fs::path& to) {
  fs::create_directories(to.parent_path());
  fs::copy_file(from, to, fs::copy_options::overwrite_existing);
}

// n views of 8x8 px named <name>_<i>.png under dir/train, and their transforms file
// (file_path without extension, as the authors' files have it).
void write_views(const fs::path& dir, const std::string& transforms_name, const std::string& name, int n) {
  Transforms t;
  for (int i = 0; i < n; ++i) {
    Image img(8, 8);
    for (size_t k = 0; k < img.rgba.size(); ++k) img.rgba[k] = uint8_t(k * 7 + size_t(i) * 31);
    save_png((dir / "train" / str_cat(name, "_", i, ".png")).string(), img);
    t.frames.push_back({str_cat("./train/", name, "_", i), rig_poses()[size_t(i)]});
  }
  write_transforms((dir / transforms_name).string(), t);
}

// The authors' layout: airplane a (train; mlp/ with views, hash/, an MLP-32H unseen set),
// chair b (val; listed, not downloaded), table c (test; only a TRI-16W unseen set, with a
// compressed transforms file).
fs::path make_tree(const fs::path& root) {
  const fs::path s = root / "nerf" / "shapenet";
  fs::create_directories(s);
  std::ofstream(s / "train.txt") << "02691156/a\n";
  std::ofstream(s / "val.txt") << "03001627/b\r\n";
  std::ofstream(s / "test.txt") << "\n04379243/c\n";
  const fs::path a = s / "mlp" / "02691156" / "a";
  copy_file(fixture("mlp_f32.pth"), a / "nerf_weights.pth");
  copy_file(fixture("grid_dense16.pth"), a / "grid.pth");
  write_views(a, "transforms_train.json", "r", 3);
  const fs::path ha = s / "hash" / "02691156" / "a";
  copy_file(fixture("hash_f16.pth"), ha / "nerf_weights.pth");
  copy_file(fixture("grid_sparse96.pth"), ha / "grid.pth");
  const fs::path ua = s / "mlp_unseen" / "32_hidden" / "02691156" / "a";
  copy_file(fixture("mlp32h_f32.pth"), ua / "nerf_weights.pth");
  copy_file(fixture("grid_sparse16.pth"), ua / "grid.pth");
  const fs::path uc = s / "triplane_unseen" / "16_resolution" / "04379243" / "c";
  copy_file(fixture("tri16w_f16.pth"), uc / "nerf_weights.pth");
  copy_file(fixture("grid_sparse16.pth"), uc / "grid.pth");
  write_views(uc, "transforms_train_compressed.json", "view", 2);
  return s;
}

}  // namespace

TEST_CASE("import: the checkpoint reader reads torch.save files (F32, F16, views, int64)") {
  const TorchCheckpoint mlp = load_torch_checkpoint(fixture("mlp_f32.pth"));
  REQUIRE(mlp.tensors.size() == 1);
  CHECK(mlp.get("mlp_base.params").describe() == "float32 [18432]");
  CHECK(torch_floats(mlp.get("mlp_base.params"), "mlp") == fixture_weights(18432, 1, -3));

  const TorchCheckpoint tri = load_torch_checkpoint(fixture("tri16w_f16.pth"));
  CHECK(tri.keys() == "'triplane', 'encoding.params', 'mlp_base.params'");
  CHECK(tri.get("triplane").describe() == "float16 [3, 16, 16, 16]");
  CHECK(tri.get("encoding.params").describe() == "float16 [0]");
  CHECK(torch_floats(tri.get("triplane"), "tri") == fixture_weights(3 * 16 * 16 * 16, 2, -1));

  // A slice at an offset into a shared storage, a transposed view, and int64.
  const TorchCheckpoint v = load_torch_checkpoint(fixture("views.pth"));
  std::vector<float> slice(16), transposed(64);
  for (int i = 0; i < 16; ++i) slice[size_t(i)] = float(16 + i);
  for (int r = 0; r < 8; ++r)
    for (int c = 0; c < 8; ++c) transposed[size_t(r * 8 + c)] = float(c * 8 + r);
  CHECK(torch_floats(v.get("slice"), "slice") == slice);
  CHECK(v.get("transposed").describe() == "float32 [8, 8]");
  CHECK(torch_floats(v.get("transposed"), "transposed") == transposed);
  CHECK(torch_ints(v.get("int64"), "int64") == std::vector<int64_t>{-2, -1, 0, 1, 2});
  CHECK_THROWS_WITH_AS(v.get("nope"), Contains("views.pth: no tensor 'nope' (it holds 'slice', 'transposed'"), Error);
}

TEST_CASE("import: dense and sparse COO occupancy grids give our bits") {
  const std::vector<uint8_t> want16 = pack_occupancy(fixture_occupancy(16, 5.0));
  const AuthorsGrid dense = read_authors_grid(load_torch_checkpoint(fixture("grid_dense16.pth")));
  const AuthorsGrid sparse = read_authors_grid(load_torch_checkpoint(fixture("grid_sparse16.pth")));
  CHECK(load_torch_checkpoint(fixture("grid_sparse16.pth")).get("_binary").describe() == "sparse bool [16, 16, 16]");
  CHECK(dense.res == 16);
  CHECK(sparse.res == 16);
  CHECK(dense.bits == want16);
  CHECK(sparse.bits == want16);
  CHECK(dense.occupied > 300);
  const AuthorsGrid g96 = read_authors_grid(load_torch_checkpoint(fixture("grid_sparse96.pth")));
  CHECK(g96.res == 96);
  CHECK(g96.bits == pack_occupancy(fixture_occupancy(96, 5.0)));
}

TEST_CASE("import: each of the 13 architectures is identified from its shapes alone") {
  for (const ArchSpec& a : builtin_archs()) {
    TorchCheckpoint ck;
    ck.path = "ck.pth";
    auto add = [&](const char* key, std::vector<int64_t> shape) {
      TorchTensor t;
      t.shape = std::move(shape);
      t.data.resize(size_t(t.numel()) * 4);
      ck.tensors.emplace_back(key, t);
    };
    if (a.family == Family::Tri) add("triplane", {3, a.tri_res, a.tri_res, a.tri_channels});
    add("encoding.params", {a.family == Family::Hash ? a.encoding_params() : 0});
    add("mlp_base.params", {a.mlp_params()});
    CHECK(identify_authors_arch(ck, builtin_archs()).name == a.name);
  }
}

TEST_CASE("import: an imported NeRF renders as the same weights written by wsnerf (F32, F16, tri, hash, unseen)") {
  test::TempDir dir("import_render");
  std::vector<PinholeCamera> cams;
  for (int v : {3, 20}) cams.push_back(make_camera(rig_poses()[size_t(v)], kCameraAngleX, 32, 32));
  for (const WeightsFixture& w : kWeights) {
    const std::string file = w.file;
    CAPTURE(file);
    NerfFile imported = import_authors_nerf(fixture(w.file), fixture(w.grid));
    CHECK(imported.arch.name == w.arch);
    CHECK(imported.stats.at("source_dtype") == (std::string(w.file).find("f16") != std::string::npos ? "float16" : "float32"));
    imported.object = "a";
    imported.cls = "airplane";
    save_nerf(dir.file(str_cat(w.arch, "_imported.safetensors")), imported);
    const NerfFile a = load_nerf(dir.file(str_cat(w.arch, "_imported.safetensors")));
    save_nerf(dir.file(str_cat(w.arch, "_direct.safetensors")), direct_nerf(w));
    const NerfFile b = load_nerf(dir.file(str_cat(w.arch, "_direct.safetensors")));
    CHECK(a.flat_params() == b.flat_params());
    REQUIRE(a.occupancy.numel() == b.occupancy.numel());
    CHECK(std::equal(a.occupancy.u8(), a.occupancy.u8() + a.occupancy.numel(), b.occupancy.u8()));
    CHECK(a.occupancy_res == w.grid_res);
    const std::vector<Image> ia = render_images(a, cams, Background::Black);
    const std::vector<Image> ib = render_images(b, cams, Background::Black);
    int lit = 0;
    for (size_t v = 0; v < cams.size(); ++v) {
      CHECK(psnr(ia[v], ib[v]) >= 50.0);
      for (size_t k = 0; k < ia[v].rgba.size(); k += 4) lit += ia[v].rgba[k] + ia[v].rgba[k + 1] + ia[v].rgba[k + 2] > 0;
    }
    CHECK(lit > 0);  // the ball of occupied cells is visible: the comparison is not of two empty images
  }
}

TEST_CASE("import: damaged and foreign checkpoints give errors naming the file and the problem") {
  auto refused = [](const std::string& name, const std::string& what) {
    CAPTURE(name);
    CHECK_THROWS_WITH_AS(import_authors_nerf(fixture(name), fixture("grid_dense16.pth")), Contains(what.c_str()), Error);
    CHECK_THROWS_WITH_AS(import_authors_nerf(fixture(name), fixture("grid_dense16.pth")), Contains(name.c_str()), Error);
  };
  refused("bad_global.pth", "global '__main__.NotATensor' is not part of a PyTorch state dict");
  refused("bad_shape.pth", "no mlp architecture has these shapes (mlp_base.params [1000]); known: MLP:");
  refused("bad_triplane.pth", "tensor 'triplane' is float32 [3, 8, 8], expected [3, R, R, C]");
  refused("deflated.pth", "is compressed (zip method 8)");
  refused("legacy.pth", "the legacy PyTorch format (torch < 1.6)");
  refused("grid.pth.gz", "gzip-compressed");
  refused("bad_expand.pth", "repeats its storage's elements");
  CHECK_THROWS_WITH_AS(import_authors_nerf(fixture("mlp_f32.pth"), fixture("bad_aabb_grid.pth")),
                       Contains("bad_aabb_grid.pth: the grid covers the box _roi_aabb = (-1, -1, -1, 1, 1, 1)"), Error);
  CHECK_THROWS_WITH_AS(import_authors_nerf(fixture("mlp_f32.pth"), fixture("mlp_f32.pth")),
                       Contains("mlp_f32.pth: no tensor '_roi_aabb' (it holds 'mlp_base.params')"), Error);

  // Truncated files, and a flipped byte in a storage.
  test::TempDir dir("import_bad");
  const std::string whole = read_file(fixture("mlp_f32.pth"));
  for (size_t keep : {size_t(0), size_t(3), size_t(100), whole.size() / 2, whole.size() - 30, whole.size() - 1}) {
    CAPTURE(keep);
    const std::string path = dir.write("cut.pth", whole.substr(0, keep));
    CHECK_THROWS_WITH_AS(load_torch_checkpoint(path), Contains((path + ": ").c_str()), Error);
  }
  const std::string cut = dir.write("cut.pth", whole.substr(0, whole.size() - 30));
  CHECK_THROWS_WITH_AS(load_torch_checkpoint(cut), Contains("not a zip archive, or a truncated one"), Error);
  std::string flipped = whole;
  flipped[whole.size() / 2] ^= 0x10;
  CHECK_THROWS_WITH_AS(load_torch_checkpoint(dir.write("flip.pth", flipped)), Contains("fails its CRC-32 check"), Error);
}

TEST_CASE("import: damaged pickles and zip directories never crash the reader") {
  // Random bytes changed in the pickle (run directly, past the zip's CRC) and in the zip's
  // directory: each either reads or is a ws::Error, never a crash (make test-asan checks more).
  for (const char* name : {"grid_sparse16.pth", "tri16w_f16.pth", "views.pth"}) {
    const std::string bytes = read_file(fixture(name));
    ZipArchive zip(bytes, name);
    const ZipEntry* pkl = nullptr;
    for (const ZipEntry& e : zip.entries())
      if (e.name.size() > 9 && e.name.compare(e.name.size() - 9, 9, "/data.pkl") == 0) pkl = &e;
    REQUIRE(pkl);
    const std::string pickle(zip.read(*pkl));
    const std::string prefix = pkl->name.substr(0, pkl->name.size() - 8);
    auto load = [&](TorchDType dtype, const std::string& key, int64_t numel) {
      const ZipEntry* e = zip.find(prefix + "data/" + key);
      WS_CHECK(e && e->size == uint64_t(numel) * torch_dtype_size(dtype), "no storage ", key);
      return TorchStorage{dtype, zip.read(*e), numel};
    };
    Rng rng(7, 0);
    int ok = 0, refused = 0;
    for (int round = 0; round < 600; ++round) {
      std::string p = pickle;
      const int changes = 1 + int(rng.next_u32() % 3);
      for (int c = 0; c < changes; ++c) p[rng.next_u32() % p.size()] = char(rng.next_u32());
      if (round % 5 == 0) p.resize(rng.next_u32() % p.size());
      try {
        unpickle_state_dict(p, name, load, uint64_t(4) << 20);
        ++ok;
      } catch (const Error&) {
        ++refused;
      }
      std::string z = bytes;
      const size_t tail = std::min<size_t>(z.size(), 400);
      z[z.size() - 1 - rng.next_u32() % tail] = char(rng.next_u32());
      try {
        parse_torch_checkpoint(z, name);
        ++ok;
      } catch (const Error&) {
        ++refused;
      }
    }
    CHECK(refused > 0);
    CHECK(ok + refused == 1200);
  }
}

TEST_CASE("import: the authors' tree becomes our dataset layout, and a rerun skips it") {
  test::TempDir dir("import_tree");
  make_tree(dir.path / "gmnerf");
  AuthorsImportOptions opt;
  opt.from = (dir.path / "gmnerf").string();
  opt.out = (dir.path / "data").string();
  std::vector<std::string> lines;
  AuthorsImportSummary s = import_authors_dataset(opt, [&](const std::string& l) { lines.push_back(l); });
  CHECK(s.objects == 2);
  CHECK(s.nerfs_written == 4);
  CHECK(s.nerfs_up_to_date == 0);
  CHECK(s.views_copied == 2);
  CHECK(s.not_found == 1);
  CHECK(s.failed == 0);
  CHECK(s.nerfs_per_arch == std::map<std::string, int>{{"HASH", 1}, {"MLP", 1}, {"MLP-32H", 1}, {"TRI-16W", 1}});

  const Splits splits = read_splits(opt.out);
  REQUIRE(splits.train.size() == 1);
  CHECK(splits.train[0].key() == "airplane/a");
  CHECK(splits.val.empty());
  REQUIRE(splits.test.size() == 1);
  CHECK(splits.test[0].key() == "table/c");

  // Our readers take it: NeRF listing, the files with their identity, the views.
  CHECK(list_nerfs(opt.out, {"MLP", "HASH", "MLP-32H"}, {"train"}, true).size() == 3);
  const NerfFile tri = load_nerf(nerf_path(opt.out + "/nerfs", "TRI-16W", "table/c"));
  CHECK(tri.cls == "table");
  CHECK(tri.object == "c");
  CHECK(tri.stats.at("source") == "triplane_unseen/16_resolution/04379243/c");
  const Transforms t = read_transforms(opt.out + "/objects/airplane/a/transforms_train.json");
  REQUIRE(t.frames.size() == 3);
  CHECK(t.frames[2].file_path == "./train/02");
  CHECK(t.frames[2].transform_matrix == rig_poses()[2]);
  CHECK(read_file(opt.out + "/objects/airplane/a/train/01.png") ==
        read_file((dir.path / "gmnerf/nerf/shapenet/mlp/02691156/a/train/r_1.png").string()));
  CHECK(load_object_views(opt.out + "/objects/table/c", ViewSet::Training).views() == 1);
  CHECK(training_cameras(opt.out, "airplane/a").size() == 2);

  // A rerun writes nothing; a folder downloaded since is picked up.
  const auto stamp = fs::last_write_time(nerf_path(opt.out + "/nerfs", "MLP", "airplane/a"));
  s = import_authors_dataset(opt);
  CHECK(s.nerfs_written == 0);
  CHECK(s.nerfs_up_to_date == 4);
  CHECK(s.views_copied == 0);
  CHECK(fs::last_write_time(nerf_path(opt.out + "/nerfs", "MLP", "airplane/a")) == stamp);
  const fs::path tc = dir.path / "gmnerf/nerf/shapenet/triplane/04379243/c";
  copy_file(fixture("tri16w_f16.pth"), tc / "nerf_weights.pth");  // same shapes: TRI-16W again
  copy_file(fixture("grid_dense16.pth"), tc / "grid.pth");
  CHECK_THROWS_WITH_AS(import_authors_dataset(opt),
                       Contains("triplane/04379243/c/nerf_weights.pth: identified as TRI-16W, as "
                                "triplane_unseen/16_resolution/04379243/c was: an object has one NeRF per architecture"),
                       Error);
  fs::remove_all(tc);

  // --families and --limit choose what is read.
  AuthorsImportOptions only;
  only.from = (dir.path / "gmnerf/nerf/shapenet").string();  // the shapenet folder itself
  only.out = (dir.path / "mlp_only").string();
  only.families = {"mlp"};
  s = import_authors_dataset(only);
  CHECK(s.objects == 1);
  CHECK(s.nerfs_per_arch == std::map<std::string, int>{{"MLP", 1}});
  CHECK(s.not_found == 2);
}

TEST_CASE("import: the command line, --keep-going, and refusals") {
  test::TempDir dir("import_cli");
  const fs::path s = make_tree(dir.path / "gmnerf");
  // A damaged NeRF for the table: the default stops, naming the file; --keep-going leaves it out.
  copy_file(fixture("bad_shape.pth"), s / "triplane_unseen/16_resolution/04379243/c/nerf_weights.pth");
  const std::string from = (dir.path / "gmnerf").string(), out = (dir.path / "data").string();
  test::CliRun r = test::run_wsnerf(str_cat("import --from ", from, " --out ", out, " --keep-going"));
  CHECK(r.status == 1);
  CHECK_MESSAGE(r.err.find("left out 04379243/c: ") != std::string::npos, r.err);
  CHECK_MESSAGE(r.out.find("import: 1 objects (1 view folders written), 3 NeRFs written, 0 up to date (HASH 1, MLP 1, "
                           "MLP-32H 1); 1 listed objects not in the download, 1 left out after errors") !=
                    std::string::npos,
                r.out);
  CHECK(read_splits(out).train.size() == 1);
  CHECK(read_splits(out).test.empty());
  r = test::run_wsnerf(str_cat("import --from ", from, " --out ", out));
  CHECK(r.status == 1);
  CHECK_MESSAGE(r.err.find("04379243/c/nerf_weights.pth: no mlp architecture has these shapes") != std::string::npos,
                r.err);

  r = test::run_wsnerf(str_cat("import --from ", from, " --out ", out, " --families mlp,tri"));
  CHECK(r.status == 1);
  CHECK_MESSAGE(r.err.find("unknown family 'tri' (expected mlp, triplane, hash or unseen)") != std::string::npos, r.err);
  r = test::run_wsnerf(str_cat("import --from ", dir.path.string(), " --out ", out));
  CHECK(r.status == 1);
  CHECK_MESSAGE(r.err.find("expected the dataset root or its nerf/shapenet folder") != std::string::npos, r.err);
  std::ofstream(s / "val.txt") << "99999999/x\n";
  r = test::run_wsnerf(str_cat("import --from ", from, " --out ", out, " --keep-going"));
  CHECK_MESSAGE(r.err.find("val.txt: '99999999/x': 99999999 is not a synset of the 13 classes") != std::string::npos,
                r.err);
}

TEST_CASE("import: a failed first object leaves no dataset behind, and a non-file weights path is named") {
  test::TempDir dir("import_fail");
  const fs::path s = make_tree(dir.path / "gmnerf");
  const std::string from = (dir.path / "gmnerf").string(), out = (dir.path / "data").string();
  // Only the MLP family, whose one object's weights are damaged: nothing may be written.
  copy_file(fixture("bad_shape.pth"), s / "mlp/02691156/a/nerf_weights.pth");
  test::CliRun r = test::run_wsnerf(str_cat("import --from ", from, " --out ", out, " --families mlp"));
  CHECK(r.status == 1);
  CHECK_MESSAGE(r.err.find("02691156/a/nerf_weights.pth: no mlp architecture") != std::string::npos, r.err);
  CHECK_FALSE(fs::exists(fs::path(out) / "dataset.json"));
  // A folder where the weights file should be is an error naming it, not "no NeRF found".
  fs::remove(s / "mlp/02691156/a/nerf_weights.pth");
  fs::create_directories(s / "mlp/02691156/a/nerf_weights.pth");
  r = test::run_wsnerf(str_cat("import --from ", from, " --out ", out, " --families mlp"));
  CHECK(r.status == 1);
  CHECK_MESSAGE(r.err.find("02691156/a/nerf_weights.pth: not a regular file") != std::string::npos, r.err);
}
