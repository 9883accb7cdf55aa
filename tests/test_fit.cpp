// NeRF fitting (models/fit) and rendering fitted NeRFs (models/render/render_image):
// tiny 16 px objects fitted for a few hundred steps per family, held-out views never
// read by the fitter, resumable dataset runs, the per-NeRF loss, and clear errors.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>

#include "data/dataset.h"
#include "data/image.h"
#include "data/synth.h"
#include "engine/io.h"
#include "models/fit/fit_dataset.h"
#include "models/fit/visual_hull.h"
#include "models/gmn/reference.h"
#include "models/nerf/occupancy_bits.h"
#include "models/render/ray_box.h"
#include "models/render/render_image.h"
#include "tests/data_testing.h"
#include "tests/testing.h"

using namespace ws;
namespace fs = std::filesystem;

namespace {
constexpr int kSize = 16;

// One object folder per (class, index), rendered once per process at 16 px.
std::string tiny_object(const std::string& cls, int index) {
  static const test::TempDir root("fit_objects");
  std::string dir = object_dir(root.path.string(), cls, std::to_string(index));
  if (!object_folder_complete(dir)) render_object_folder(synth_object(cls, 0, index), dir, kSize);
  return dir;
}

FitOptions tiny_options() { return FitOptions::from_preset(load_preset("tiny")); }

// The NeRF of `arch` fitted to chair 0 with the tiny preset, fitted once per process.
const NerfFile& fitted(const std::string& arch) {
  // Never destroyed: its tensors must not outlive the allocators at exit.
  static auto& cache = *new std::map<std::string, NerfFile>();
  auto it = cache.find(arch);
  if (it == cache.end())
    it = cache.emplace(arch, fit_nerfs(find_arch(arch), {{"chair", "0", tiny_object("chair", 0)}}, tiny_options())[0])
             .first;
  return it->second;
}

double psnr_of(const NerfFile& n) { return std::stod(n.stats.at("psnr_heldout")); }

// PSNR between two images composited on white, over all pixels and channels.
double psnr_on_white(const Image& a, const Image& b) {
  REQUIRE(a.width == b.width);
  REQUIRE(a.height == b.height);
  double se = 0.0;
  for (size_t p = 0; p < a.rgba.size(); p += 4)
    for (int k = 0; k < 3; ++k) {
      auto white = [&](const Image& im) {
        double al = im.rgba[p + 3] / 255.0;
        return im.rgba[p + size_t(k)] / 255.0 * al + (1.0 - al);
      };
      se += (white(a) - white(b)) * (white(a) - white(b));
    }
  return -10.0 * std::log10(std::max(se / double(a.rgba.size() / 4 * 3), 1e-10));
}

Image blank(int w, int h) { return Image(w, h); }  // fully transparent: white on white

std::vector<float> values(const Tensor& t) {
  if (t.dtype() == DType::F32) return t.to_vector();
  std::vector<float> v;
  for (int64_t i = 0; i < t.numel(); ++i) v.push_back(t.u8()[i]);
  return v;
}

void copy_folder(const std::string& from, const std::string& to) {
  fs::remove_all(to);
  fs::create_directories(fs::path(to).parent_path());
  fs::copy(from, to, fs::copy_options::recursive);
}
}  // namespace

TEST_CASE("fit: one tiny object per family reaches a held-out PSNR well above an empty NeRF's") {
  // An empty NeRF renders white: its PSNR on the held-out views is the baseline to beat.
  ObjectViews held = load_object_views(tiny_object("chair", 0), ViewSet::HeldOut);
  double empty = 0.0;
  for (int64_t v = 0; v < held.views(); ++v) {
    Image gt(kSize, kSize);
    std::copy(held.rgba.begin() + v * kSize * kSize * 4, held.rgba.begin() + (v + 1) * kSize * kSize * 4,
              gt.rgba.begin());
    empty += psnr_on_white(gt, blank(kSize, kSize)) / double(held.views());
  }
  for (const std::string arch : {"MLP", "TRI", "HASH"}) {
    CAPTURE(arch);
    const NerfFile& n = fitted(arch);
    const double psnr = psnr_of(n);
    MESSAGE(arch, ": held-out PSNR ", psnr, " dB (empty NeRF ", empty, " dB)");
    CHECK(psnr >= (arch == "MLP" ? 21.0 : 23.0));  // 24 frequency bands make the MLP the noisiest
    CHECK(psnr >= empty + 8.0);
    CHECK(n.arch.name == arch);
    CHECK(n.cls == "chair");
    CHECK(n.object == "0");
    CHECK(n.stats.at("fit_steps") == std::to_string(tiny_options().steps));
    CHECK(n.render_step == doctest::Approx(tiny_options().render_step));
    CHECK(n.occupancy_res == tiny_options().occupancy_res);
    // The fitted grid is neither empty nor full.
    int64_t occupied = 0, cells = int64_t(n.occupancy_res) * n.occupancy_res * n.occupancy_res;
    for (int64_t c = 0; c < cells; ++c) occupied += occupancy_bit(n.occupancy.u8(), c);
    CHECK(occupied > 0);
    CHECK(occupied < cells / 2);
  }
}

TEST_CASE("fit: the stored PSNR is what render_image gives on the held-out views") {
  const NerfFile& n = fitted("HASH");
  const std::string dir = tiny_object("chair", 0);
  Transforms t = read_transforms(dir + "/transforms_train.json");
  double se = 0.0;
  int64_t count = 0;
  for (int i = 0; i < int(t.frames.size()); i += kHeldOutEvery) {
    Image gt = load_image(view_image_path(dir, t.frames[size_t(i)].file_path));
    Image img = render_image(n, make_camera(t.frames[size_t(i)].transform_matrix, t.camera_angle_x, kSize, kSize),
                             Background::White);
    se += std::pow(10.0, -psnr_on_white(img, gt) / 10.0);
    ++count;
  }
  // The images are 8-bit, so a few tenths of a dB of rounding separate the two.
  CHECK(-10.0 * std::log10(se / double(count)) == doctest::Approx(psnr_of(n)).epsilon(0.02));
}

TEST_CASE("render: a fitted NeRF reproduces its training views, not other views") {
  const NerfFile& n = fitted("TRI");
  const std::string dir = tiny_object("chair", 0);
  Transforms t = read_transforms(dir + "/transforms_train.json");
  for (int frame : {1, 8, 23}) {
    CAPTURE(frame);
    PinholeCamera cam = make_camera(t.frames[size_t(frame)].transform_matrix, t.camera_angle_x, kSize, kSize);
    Image img = render_image(n, cam, Background::Transparent);
    Image gt = load_image(view_image_path(dir, t.frames[size_t(frame)].file_path));
    Image other = load_image(view_image_path(dir, t.frames[size_t(frame + 1)].file_path));
    const double same = psnr_on_white(img, gt), diff = psnr_on_white(img, other);
    MESSAGE("frame ", frame, ": ", same, " dB against its own view, ", diff, " dB against the next");
    CHECK(same >= 24.0);
    CHECK(same >= diff + 4.0);
    // Alpha is the opacity: background pixels of the view are (nearly) transparent.
    int64_t bg = 0, bg_clear = 0;
    for (size_t p = 0; p < gt.rgba.size(); p += 4)
      if (gt.rgba[p + 3] == 0) {
        ++bg;
        bg_clear += img.rgba[p + 3] < 64;
      }
    CHECK(bg_clear >= bg * 9 / 10);
    // White and black backgrounds are the transparent image composited on them.
    Image white = render_image(n, cam, Background::White), black = render_image(n, cam, Background::Black);
    for (size_t p = 0; p < img.rgba.size(); p += 4) {
      CHECK(white.rgba[p + 3] == 255);
      const double a = img.rgba[p + 3] / 255.0;
      for (int k = 0; k < 3; ++k) {
        CHECK(std::fabs(white.rgba[p + k] - (img.rgba[p + k] * a + 255.0 * (1 - a))) <= 2.5);
        CHECK(std::fabs(black.rgba[p + k] - img.rgba[p + k] * a) <= 2.5);
      }
    }
  }
}

TEST_CASE("render: rays marched in many small rounds give the colours of one round") {
  const NerfFile& n = fitted("MLP");
  FieldBatch f = field_batch_from({n, n}, Device::cpu());
  Tensor occ = Tensor::zeros({2, n.occupancy.numel()}, DType::U8);
  occ.slice_rows(0, 1).copy_from(n.occupancy.reshape({1, n.occupancy.numel()}));
  occ.slice_rows(1, 2).copy_from(n.occupancy.reshape({1, n.occupancy.numel()}));
  RayBatch rays;
  add_camera_rays(rays, make_camera(rig_poses()[3], kCameraAngleX, 12, 12), 0);
  add_camera_rays(rays, make_camera(rig_poses()[4], kCameraAngleX, 9, 9), 1);
  RayColors one = render_rays(f, occ, n.occupancy_res, rays, n.render_step, 1 << 20);
  RayColors many = render_rays(f, occ, n.occupancy_res, rays, n.render_step, 100);  // a few rays a round
  test::check_close(many.color, one.color, 1e-5, 1e-4, "colour");
  test::check_close(many.opacity, one.opacity, 1e-5, 1e-4, "opacity");
  double total = 0;
  for (float o : one.opacity) total += o;
  CHECK(total > 1.0);  // the object is in view
}

TEST_CASE("fit: held-out views are never read while fitting") {
  const std::string src = tiny_object("lamp", 1);
  test::TempDir tmp("fit_heldout");
  const std::string noisy = (tmp.path / "noisy").string(), missing = (tmp.path / "missing").string();
  copy_folder(src, noisy);
  copy_folder(src, missing);
  Transforms t = read_transforms(src + "/transforms_train.json");
  Rng rng(5);
  for (int i = 0; i < int(t.frames.size()); i += kHeldOutEvery) {
    Image junk(kSize, kSize);
    for (uint8_t& v : junk.rgba) v = uint8_t(rng.below(256));
    save_png(view_image_path(noisy, t.frames[size_t(i)].file_path), junk);
    fs::remove(view_image_path(missing, t.frames[size_t(i)].file_path));
  }
  FitOptions opt = tiny_options();
  opt.steps = 40;
  const ArchSpec arch = find_arch("HASH");
  NerfFile a = fit_nerfs(arch, {{"lamp", "1", src}}, opt)[0];
  NerfFile b = fit_nerfs(arch, {{"lamp", "1", noisy}}, opt)[0];
  CHECK(values(a.mlp) == values(b.mlp));
  CHECK(values(a.encoding) == values(b.encoding));
  CHECK(values(a.occupancy) == values(b.occupancy));
  CHECK(psnr_of(b) < psnr_of(a) - 3.0);  // the evaluation did read the (corrupted) held-out views
  // Without the held-out files the fit itself runs; only the evaluation after it fails.
  ObjectViews train = load_object_views(missing, ViewSet::Training);
  CHECK(train.views() == 30);
  for (int f : train.frames) CHECK(f % kHeldOutEvery != 0);
  FittedBatch fb = fit_field_batch(arch, {&train}, {nerf_seed(opt.seed, arch.name, "lamp/1")}, opt, Device::cpu());
  CHECK(fb.field.mlp.value().to_vector() == values(a.mlp));
  CHECK_THROWS_WITH_AS(fit_nerfs(arch, {{"lamp", "1", missing}}, opt), doctest::Contains("train/00.png"), Error);
}

TEST_CASE("fit: shared_init starts every NeRF of an architecture from the same weights") {
  // lr 1e-30: one Adam step moves no weight by a representable amount, so the fitted
  // values are the starting ones.
  FitOptions opt = tiny_options();
  opt.steps = 1;
  opt.lr = 1e-30f;
  opt.shared_init = false;
  const ArchSpec arch = find_arch("HASH");
  const std::vector<FitObject> objects = {{"chair", "0", tiny_object("chair", 0)}, {"lamp", "1", tiny_object("lamp", 1)}};
  auto max_gap = [](const Tensor& a, const Tensor& b) {
    std::vector<float> x = values(a), y = values(b);
    REQUIRE(x.size() == y.size());
    double g = 0.0;
    for (size_t i = 0; i < x.size(); ++i) g = std::max(g, std::fabs(double(x[i]) - double(y[i])));
    return g;
  };
  std::vector<NerfFile> own = fit_nerfs(arch, objects, opt);
  CHECK(max_gap(own[0].mlp, own[1].mlp) > 1e-3);  // one random start per NeRF
  CHECK(max_gap(own[0].encoding, own[1].encoding) > 1e-6);
  opt.shared_init = true;
  std::vector<NerfFile> shared = fit_nerfs(arch, objects, opt);
  CHECK(max_gap(shared[0].mlp, shared[1].mlp) < 1e-20);
  CHECK(max_gap(shared[0].encoding, shared[1].encoding) < 1e-20);
  // The shared start is still a function of the seed.
  opt.seed = 7;
  CHECK(max_gap(fit_nerfs(arch, {objects[0]}, opt)[0].mlp, shared[0].mlp) > 1e-3);
  // Each file records its start (encoder.reference "init" rebuilds it): here the fitted
  // weights are the starting ones, shared or not.
  for (const NerfFile* f : {&own[0], &own[1], &shared[0]}) {
    REQUIRE(f->records_init());
    CHECK(f->initial_flat_params("test") == f->flat_params());
  }
  CHECK(shared[0].stats.at("init_stream") == shared[1].stats.at("init_stream"));
  CHECK(own[0].stats.at("init_stream") != own[1].stats.at("init_stream"));
  // encoder.reference "delta": the encoder sees the weights minus that start, against zeros.
  NerfFile moved = shared[0];
  moved.mlp = moved.mlp.clone();  // copies of a Tensor share their memory
  moved.mlp.f32()[0] += 0.5f;
  std::vector<float> input = moved.flat_params();
  ReferenceValues delta(EncoderReference::Delta);
  delta.input(moved, "moved", input);
  const size_t k = size_t(moved.encoding.numel());  // flat order [encoding; mlp]
  for (size_t i = 0; i < input.size(); ++i)
    if (i != k) REQUIRE(input[i] == 0.0f);
  CHECK(input[k] == doctest::Approx(0.5).epsilon(1e-6));
  const auto zeros = delta.of(moved, "moved");
  REQUIRE(zeros->size() == input.size());
  CHECK(std::all_of(zeros->begin(), zeros->end(), [](float v) { return v == 0.0f; }));
  std::vector<float> untouched = moved.flat_params();
  ReferenceValues(EncoderReference::Init).input(moved, "moved", untouched);
  CHECK(untouched == moved.flat_params());
  NerfFile unrecorded = shared[0];
  unrecorded.stats.erase("init_stream");
  CHECK_THROWS_WITH_AS(unrecorded.initial_flat_params("old.safetensors"),
                       doctest::Contains("old.safetensors: the file does not record its starting weights"), Error);
  std::vector<float> old_input = unrecorded.flat_params();
  CHECK_THROWS_WITH_AS(delta.input(unrecorded, "old.safetensors", old_input),
                       doctest::Contains("old.safetensors: encoder reference 'delta' needs the weights the fit started"),
                       Error);
  unrecorded.stats["init_stream"] = "-3";
  CHECK_THROWS_WITH_AS(unrecorded.initial_flat_params("bad.safetensors"), doctest::Contains("not an unsigned integer"),
                       Error);
}

TEST_CASE("fit: the loss of B NeRFs is the sum of each NeRF's mean (gradients do not shrink with B)") {
  Tensor target = test::random_tensor({8, 3}, 1, 0.0f, 1.0f);
  Tensor pred = test::random_tensor({8, 3}, 2, 0.0f, 1.0f);
  // NeRF 0 owns rows 0-2, NeRF 1 rows 3-7.
  Var both(pred.clone(), true);
  Var l = fit_loss(both, target, {3, 5});
  backward(l);
  Var first(pred.slice_rows(0, 3).clone(), true);
  Var l0 = fit_loss(first, target.slice_rows(0, 3).clone(), {3});
  backward(l0);
  Var second(pred.slice_rows(3, 8).clone(), true);
  Var l1 = fit_loss(second, target.slice_rows(3, 8).clone(), {5});
  CHECK(l.value().item() == doctest::Approx(l0.value().item() + l1.value().item()).epsilon(1e-5));
  test::check_close(both.grad().slice_rows(0, 3), first.grad(), 1e-7, 1e-5, "NeRF 0's gradient");
  // Against a naive loop: per NeRF the mean of 0.5 d^2 (|d| < 1) over its rows and channels.
  std::vector<float> p = pred.to_vector(), t = target.to_vector();
  double naive = 0.0;
  for (auto [lo, hi] : {std::pair<int, int>{0, 3}, {3, 8}}) {
    double s = 0.0;
    for (int i = 3 * lo; i < 3 * hi; ++i) s += 0.5 * (p[size_t(i)] - t[size_t(i)]) * (p[size_t(i)] - t[size_t(i)]);
    naive += s / (3.0 * (hi - lo));
  }
  CHECK(l.value().item() == doctest::Approx(naive).epsilon(1e-5));
  CHECK_THROWS_WITH_AS(fit_loss(Var(pred), target, {3, 4}), doctest::Contains("rays_per_nerf sum to 7"), Error);
}

TEST_CASE("fit: a dataset run writes one file per NeRF and resumes by skipping finished files") {
  test::TempDir tmp("fit_resume");
  const std::string data = tmp.path.string(), out = (tmp.path / "nerfs").string();
  copy_folder(tiny_object("chair", 0), object_dir(data, "chair", "0"));
  copy_folder(tiny_object("table", 2), object_dir(data, "table", "2"));
  FitOptions opt = tiny_options();
  opt.steps = 20;
  opt.batch = 1;  // one NeRF per batch: the two workers each take one
  std::vector<FitJob> jobs =
      make_fit_jobs(data, out, {find_arch("MLP-2L")}, {ObjectRef{"chair", "0"}, ObjectRef{"table", "2"}});
  REQUIRE(jobs.size() == 2);
  CHECK(jobs[1].out == (fs::path(out) / "MLP-2L" / "table" / "2.safetensors").string());
  FitRunOptions run;
  run.progress = false;
  FitSummary s1 = run_fit_jobs(jobs, opt, run);
  CHECK(s1.fitted == 2);
  CHECK(s1.skipped == 0);
  REQUIRE(s1.archs.size() == 1);
  CHECK(s1.archs[0].psnr_count == 2);
  const std::string kept = read_file(jobs[0].out);
  CHECK(load_nerf(jobs[1].out).cls == "table");
  // An interrupted run: one file missing. The rerun fits only that one.
  fs::remove(jobs[1].out);
  FitSummary s2 = run_fit_jobs(jobs, opt, run);
  CHECK(s2.fitted == 1);
  CHECK(s2.skipped == 1);
  CHECK(s2.archs[0].psnr_count == 2);  // the skipped file's PSNR is read back
  CHECK(read_file(jobs[0].out) == kept);
  CHECK(fs::exists(jobs[1].out));
  FitSummary s3 = run_fit_jobs(jobs, opt, run);
  CHECK(s3.fitted == 0);
  CHECK(s3.skipped == 2);
  // Fitting is deterministic: one worker gives the same file as two.
  fs::remove(jobs[1].out);
  run.workers = 1;
  const std::string before = read_file(jobs[0].out);
  fs::remove(jobs[0].out);
  run_fit_jobs(jobs, opt, run);
  CHECK(read_file(jobs[0].out) == before);
  // A file in the way that is not a NeRF file is reported, not overwritten.
  write_file_atomic(jobs[1].out, "junk");
  CHECK_THROWS_WITH_AS(run_fit_jobs(jobs, opt, run), doctest::Contains("2.safetensors"), Error);
  CHECK(read_file(jobs[1].out) == "junk");
}

TEST_CASE("fit: the visual hull keeps the object and carves what every view sees as background") {
  ObjectViews v = load_object_views(tiny_object("chair", 0), ViewSet::Training);
  const int res = 16;
  std::vector<uint8_t> hull = visual_hull(v, res);
  // Every cell holding a surface point of the mesh stays inside the hull.
  Mesh m = synth_object("chair", 0, 0);
  for (const Vec3& p : m.positions) {
    const float x = (p.x + kSceneHalf) / kSceneSize, y = (p.y + kSceneHalf) / kSceneSize,
                z = (p.z + kSceneHalf) / kSceneSize;
    CHECK(hull[size_t(occupancy_cell(x, y, z, res))] == 1);
  }
  int64_t inside = 0;
  for (uint8_t f : hull) inside += f;
  CHECK(inside > 0);
  CHECK(inside < int64_t(hull.size()) / 3);  // most of the box is carved
  // A view with no foreground carves every cell it fully sees.
  ObjectViews empty = v;
  std::fill(empty.rgba.begin(), empty.rgba.end(), 0);
  std::vector<uint8_t> none = visual_hull(empty, res);
  CHECK(std::count(none.begin(), none.end(), 1) < int64_t(none.size()) / 10);
}

TEST_CASE("fit: bad inputs give errors that name the file") {
  test::TempDir tmp("fit_errors");
  const std::string dir = (tmp.path / "obj").string();
  copy_folder(tiny_object("chair", 0), dir);
  // A missing training view.
  fs::remove(dir + "/train/07.png");
  CHECK_THROWS_WITH_AS(load_object_views(dir, ViewSet::Training), doctest::Contains("train/07.png: missing view 7"),
                       Error);
  // A corrupted one.
  write_file_atomic(dir + "/train/07.png", "not a png");
  CHECK_THROWS_WITH_AS(load_object_views(dir, ViewSet::Training), doctest::Contains("train/07.png"), Error);
  // Views of different sizes.
  save_png(dir + "/train/07.png", Image(kSize + 1, kSize));
  CHECK_THROWS_WITH_AS(load_object_views(dir, ViewSet::Training), doctest::Contains("17x16 px"), Error);
  // Malformed transforms.
  write_file_atomic(dir + "/transforms_train.json", "{\"camera_angle_x\": 0.8, \"frames\": [{}]}");
  CHECK_THROWS_WITH_AS(load_object_views(dir, ViewSet::Training),
                       doctest::Contains("transforms_train.json: frames[0].file_path"), Error);
  write_file_atomic(dir + "/transforms_train.json", "{");
  CHECK_THROWS_WITH_AS(fit_nerfs(find_arch("MLP"), {{"chair", "0", dir}}, tiny_options()),
                       doctest::Contains("transforms_train.json: not valid JSON"), Error);
  fs::remove(dir + "/transforms_train.json");
  CHECK_THROWS_WITH_AS(load_object_views(dir, ViewSet::Training),
                       doctest::Contains("transforms_train.json: missing"), Error);
  // Unknown architectures and preset keys.
  CHECK_THROWS_WITH_AS(find_arch("MLP-9Z"), doctest::Contains("MLP-9Z"), Error);
  Preset p = load_preset("tiny");
  p.json["fit"]["stpes"] = 10;
  CHECK_THROWS_WITH_AS(FitOptions::from_preset(p), doctest::Contains("unknown key fit.stpes"), Error);
  p = load_preset("tiny");
  p.json["fit"]["family_steps"] = {{"grid", 10}};
  CHECK_THROWS_WITH_AS(FitOptions::from_preset(p), doctest::Contains("unknown family 'grid'"), Error);
  p = load_preset("tiny");
  p.json["fit"]["samples_per_step"] = 200;
  p.json["fit"]["render_step"] = 0.01;  // a ray through the box takes up to 245 samples
  FitOptions small = FitOptions::from_preset(p);
  ObjectViews v = load_object_views(tiny_object("chair", 0), ViewSet::Training);
  CHECK_THROWS_WITH_AS(fit_field_batch(find_arch("MLP"), {&v}, {1}, small, Device::cpu()),
                       doctest::Contains("samples_per_step 200"), Error);
  CHECK_THROWS_WITH_AS(parse_background("grey"), doctest::Contains("unknown background 'grey'"), Error);
}

TEST_CASE("fit: every built-in preset has a valid fit section, paper's at nerfacc's scale") {
  for (const std::string& name : builtin_preset_names()) {
    CAPTURE(name);
    FitOptions o = FitOptions::from_preset(load_preset(name));
    for (const std::string& a : o.archs) CHECK(is_training_arch(find_arch(a).name));
    for (const std::string& a : o.unseen_archs) CHECK(!is_training_arch(find_arch(a).name));
  }
  FitOptions paper = FitOptions::from_preset(load_preset("paper"));
  CHECK(paper.steps == 3000);
  CHECK(paper.samples_per_step == 262144);
  CHECK(paper.occupancy_res == 96);
  CHECK(paper.occupancy_decay == doctest::Approx(0.95));
  CHECK(paper.occupancy_every == 16);
  CHECK(!paper.occupancy_hull);
  CHECK(paper.adam_eps == doctest::Approx(1e-15));
  CHECK(paper.lr == doctest::Approx(1e-2));
  CHECK(paper.steps_for(Family::Tri) == 3000);
  FitOptions cpu = FitOptions::from_preset(load_preset("cpu"));
  CHECK(cpu.steps_for(Family::Tri) == 600);
  CHECK(cpu.steps_for(Family::Mlp) == cpu.steps);
}
