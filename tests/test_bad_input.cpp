// Hostile input (issue 15): deeply nested JSON, numbers that wrap or are fractions where
// integers are meant, damaged run state, huge sizes, non-finite values, special files,
// and files a killed or refused run leaves behind. Each gets an error naming the file or
// option and what is wrong; nothing crashes, hangs or is accepted silently.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "data/camera.h"
#include "data/dataset.h"
#include "data/embeddings.h"
#include "data/obj_loader.h"
#include "engine/io.h"
#include "engine/json.h"
#include "engine/preset.h"
#include "engine/safetensors.h"
#include "models/classifier/classifier.h"
#include "models/fit/fit_options.h"
#include "models/gmn/checkpoint.h"
#include "models/gmn/encoder.h"
#include "models/nerf/arch.h"
#include "models/train/trainer.h"
#include "tests/data_testing.h"
#include "tests/pipeline_testing.h"
#include "tests/testing.h"

using namespace ws;
using doctest::Contains;

namespace {
// An array nested `depth` levels deep: far past any stack a recursive dump() could take.
std::string deep_array(int depth) { return std::string(size_t(depth), '[') + std::string(size_t(depth), ']'); }

std::string safetensors_bytes(const std::string& header) {
  std::string s;
  for (int i = 0; i < 8; ++i) s.push_back(char((uint64_t(header.size()) >> (8 * i)) & 0xff));
  return s + header;
}

}  // namespace

TEST_CASE("bad input: JSON nested 100k deep is refused before parsing, naming the file") {
  const std::string deep = deep_array(100000);
  CHECK_THROWS_WITH_AS(parse_json(deep, "x.json"), Contains("x.json: JSON nests deeper than 64 levels"), Error);
  CHECK(parse_json_or_discarded(deep).is_discarded());
  // Brackets inside strings do not count; 64 levels are fine.
  CHECK(parse_json("[\"" + std::string(1000, '[') + "\"]", "s.json").size() == 1);
  CHECK(parse_json(deep_array(kMaxJsonDepth), "ok.json").is_array());
  CHECK_THROWS_AS(parse_json(deep_array(kMaxJsonDepth + 1), "no.json"), Error);

  test::TempDir dir("deep_json");
  // a safetensors header
  const std::string st = dir.write("deep.safetensors", safetensors_bytes("{\"a\": " + deep + "}"));
  CHECK_THROWS_WITH_AS(load_safetensors(st), Contains("deep.safetensors: header: JSON nests deeper"), Error);
  // a metadata value nested deeply (quoted: parsed by whoever reads the key)
  save_safetensors(dir.file("meta.safetensors"), {{"embeddings", Tensor::zeros({1, 2})}},
                   {{"format", "wsnerf.embeddings/1"}, {"rows", deep}});
  CHECK_THROWS_WITH_AS(load_embeddings(dir.file("meta.safetensors")),
                       Contains("meta.safetensors: metadata 'rows': JSON nests deeper"), Error);
  // a preset
  const std::string preset = dir.write("deep_preset.json", "{\"fit\": " + deep + "}");
  CHECK_THROWS_WITH_AS(load_preset(preset), Contains("deep_preset.json: JSON nests deeper"), Error);
  // an architecture spec, a transforms file
  CHECK_THROWS_WITH_AS(find_arch(dir.write("deep_arch.json", deep)), Contains("deep_arch.json: JSON nests"), Error);
  CHECK_THROWS_WITH_AS(read_transforms(dir.write("deep_t.json", deep)), Contains("deep_t.json: JSON nests"), Error);
}

TEST_CASE("bad input: error messages quote a short flat excerpt of a value, never a recursive dump") {
  nlohmann::json v = parse_json(deep_array(60), "x");
  CHECK(json_excerpt(v) == "[[...]]");
  CHECK(json_excerpt(nlohmann::json(std::string(500, 'a'))).size() < 100);
  CHECK(json_excerpt(nlohmann::json{{"a", 1}, {"b", {1, 2}}}) == "{\"a\": 1, \"b\": [...]}");
  // A row that is a nested array (not an object) in an embeddings file: named, quoted short.
  test::TempDir dir("excerpt");
  save_safetensors(dir.file("e.safetensors"), {{"embeddings", Tensor::zeros({1, 2})}},
                   {{"format", "wsnerf.embeddings/1"}, {"rows", "[" + deep_array(50) + "]"}});
  CHECK_THROWS_WITH_AS(load_embeddings(dir.file("e.safetensors")), Contains("e.safetensors: rows[0] = [[...]]"),
                       Error);
}

TEST_CASE("bad input: JSON numbers are range-checked into their type, no fractions where integers are meant") {
  CHECK(json_get<int>(nlohmann::json(7), "k") == 7);
  CHECK(json_get<int>(nlohmann::json(1e3), "k") == 1000);  // an integral float is an integer
  CHECK_THROWS_WITH_AS(json_get<int>(nlohmann::json(2.5), "p: fit.steps"),
                       Contains("p: fit.steps = 2.5 (a number): expected an integer"), Error);
  CHECK_THROWS_WITH_AS(json_get<int>(nlohmann::json(4294967297LL), "p: k"),
                       Contains("p: k = 4294967297 is outside [-2147483648, 2147483647]"), Error);
  CHECK_THROWS_WITH_AS(json_get<uint64_t>(nlohmann::json(-1), "p: seed"), Contains("p: seed = -1 is outside"), Error);
  CHECK_THROWS_WITH_AS(json_get<int64_t>(nlohmann::json(18446744073709551615ULL), "p: k"), Contains("is outside"),
                       Error);
  CHECK_THROWS_WITH_AS(json_get<int64_t>(nlohmann::json(1e300), "p: k"), Contains("is outside"), Error);
  CHECK_THROWS_WITH_AS(json_get<float>(nlohmann::json(1e300), "p: lr"), Contains("expected a finite number"), Error);
  CHECK_THROWS_WITH_AS(json_get<std::string>(nlohmann::json(3), "f.json: rows[0]: 'class'"),
                       Contains("f.json: rows[0]: 'class' = 3 (an integer): expected a string"), Error);
  CHECK_THROWS_WITH_AS((json_get<std::vector<int>>(nlohmann::json{1, 2.5}, "p: hidden")),
                       Contains("p: hidden[1] = 2.5"), Error);
  CHECK_THROWS_WITH_AS((json_get<std::map<std::string, int>>(nlohmann::json{{"mlp", true}}, "p: fit.family_steps")),
                       Contains("p: fit.family_steps.mlp = true"), Error);
}

TEST_CASE("bad input: preset values name the preset and the key (wrapping, fractions, types, ranges)") {
  Preset p = load_preset("tiny");
  p.json["fit"]["steps"] = 2.5;
  CHECK_THROWS_WITH_AS(FitOptions::from_preset(p), Contains("preset tiny: fit.steps = 2.5"), Error);
  p = load_preset("tiny");
  p.json["fit"]["steps"] = 4294967297LL;
  CHECK_THROWS_WITH_AS(FitOptions::from_preset(p), Contains("preset tiny: fit.steps = 4294967297 is outside"), Error);
  p = load_preset("tiny");
  p.json["fit"]["samples_per_step"] = 1e12;  // a valid int64, but terabytes of samples
  CHECK_THROWS_WITH_AS(FitOptions::from_preset(p), Contains("preset tiny: fit.samples_per_step must be in [64, 2^26]"),
                       Error);
  p = load_preset("tiny");
  p.json["encoder"]["blocks"] = 4294967297LL;
  CHECK_THROWS_WITH_AS(TrainConfig::from_preset(p), Contains("preset tiny: encoder 'blocks' must be a positive"),
                       Error);
  p = load_preset("tiny");
  p.json["encoder"]["hidden"] = 1 << 20;  // valid type, but an allocation of terabytes
  CHECK_THROWS_WITH_AS(TrainConfig::from_preset(p), Contains("encoder 'hidden' must be a positive integer (at most"),
                       Error);
  p = load_preset("tiny");
  p.json["encoder"]["value_scale"] = 1e20;  // finite, but sin() of it is noise
  CHECK_THROWS_WITH_AS(TrainConfig::from_preset(p), Contains("encoder 'value_scale' must be a positive number (at most"),
                       Error);
  p = load_preset("tiny");
  p.json["classify"]["hidden"] = {64, 1 << 20};
  CHECK_THROWS_WITH_AS(ClassifierConfig::from_preset(p),
                       Contains("classify.hidden widths must be in [1, 16384], got 1048576"), Error);
  p = load_preset("tiny");
  p.json["train"]["warmpu"] = 0.1;  // misspelt: would silently keep the default warmup
  CHECK_THROWS_WITH_AS(TrainConfig::from_preset(p), Contains("preset tiny: unknown key train.warmpu (known: "), Error);
  p = load_preset("tiny");
  p.json["train"]["objective"] = 3;
  CHECK_THROWS_WITH_AS(TrainConfig::from_preset(p), Contains("preset tiny: train.objective = 3 (an integer)"), Error);
  struct Case {
    const char* section;
    const char* key;
    nlohmann::json value;
    const char* message;
  };
  for (const Case& c : std::vector<Case>{{"train", "lr", 0.0, "preset tiny: train.lr = 0: must be in (0, 1]"},
                                         {"train", "lr", -1e-3, "train.lr = -0.001: must be in (0, 1]"},
                                         {"train", "lr", 1099511627776.0, "train.lr = 1.09951e+12: must be in (0, 1]"},
                                         {"train", "weight_decay", -0.1, "train.weight_decay = -0.1: must be in [0, 1]"},
                                         {"train", "weight_decay", 3, "train.weight_decay = 3: must be in [0, 1]"},
                                         {"fit", "archs", nlohmann::json::array(), "fit.archs"},
                                         {"train", "warmup", 5, "train.warmup = 5: must be a fraction"},
                                         {"train", "epochs", -2, "train.epochs = -2"},
                                         {"train", "pairs_per_batch", 0, "train.pairs_per_batch = 0"},
                                         {"train", "rays_per_nerf", 0, "train.rays_per_nerf = 0"},
                                         {"train", "samples_per_nerf", 1e12, "train.samples_per_nerf = 1000000000000: must be in [1, 2^24]"},
                                         {"decoder", "hidden", 0, "decoder.hidden = 0"},
                                         {"decoder", "hidden", 1 << 20, "decoder.hidden = 1048576: must be in [1, 8192]"}}) {
    CAPTURE(c.key);
    p = load_preset("tiny");
    p.json[c.section][c.key] = c.value;
    if (std::string(c.section) == "fit")
      CHECK_THROWS_WITH_AS(FitOptions::from_preset(p), Contains(c.message), Error);
    else
      CHECK_THROWS_WITH_AS(TrainConfig::from_preset(p), Contains(c.message), Error);
  }
}

TEST_CASE("bad input: special files named as inputs are refused, not read without end") {
  CHECK_THROWS_WITH_AS(read_file("/dev/zero"), Contains("'/dev/zero': not a regular file"), Error);
  CHECK_THROWS_WITH_AS(load_preset("/dev/zero"), Contains("/dev/zero"), Error);
  CHECK_THROWS_WITH_AS(find_arch("/dev/zero"), Contains("/dev/zero"), Error);
}

TEST_CASE("bad input: an architecture spec too large to allocate is an error, not bad_alloc") {
  nlohmann::json spec = {{"family", "tri"}, {"tri_res", 1024}, {"tri_channels", 256}};
  CHECK_THROWS_WITH_AS(ArchSpec::from_json(spec, "big.json"), Contains("big.json: the spec has"), Error);
  spec = {{"family", "mlp"}, {"hidden_dim", 4294967360LL}};  // 2^32 + 64 would wrap to 64
  CHECK_THROWS_WITH_AS(ArchSpec::from_json(spec, "wrap.json"), Contains("wrap.json: 'hidden_dim' = 4294967360"), Error);
  CHECK(ArchSpec::from_json({{"family", "hash"}, {"hash_levels", 16}, {"hash_log2_table", 19}}, "ngp").total_params() <=
        kMaxArchParams);
}

TEST_CASE("bad input: a shape whose element count overflows int64 is an error, a zero dimension makes it empty") {
  const int64_t huge = int64_t(1) << 62;
  CHECK(Shape{huge, huge, 0}.numel() == 0);
  CHECK(Shape{0, huge, huge}.numel() == 0);
  CHECK_THROWS_WITH_AS(Shape({huge, 4}).numel(), Contains("has more than 2^63 elements"), Error);
  CHECK(Shape{huge, 1}.numel() == huge);
}

TEST_CASE("bad input: camera matrices must be finite and non-singular") {
  test::TempDir dir("camera_bad");
  auto transforms = [&](const std::string& name, const std::string& matrix) {
    return dir.write(name, R"({"camera_angle_x": 0.8, "frames": [{"file_path": "./train/00", "transform_matrix": )" +
                               matrix + "}]}");
  };
  CHECK_THROWS_WITH_AS(read_transforms(transforms("zero.json", "[[0,0,0,0],[0,0,0,0],[0,0,0,0],[0,0,0,0]]")),
                       Contains("zero.json: frames[0].transform_matrix: its rotation part is singular"), Error);
  CHECK_THROWS_WITH_AS(read_transforms(transforms("flat.json", "[[1,0,0,0],[1,0,0,0],[0,0,1,0],[0,0,0,1]]")),
                       Contains("flat.json: frames[0].transform_matrix: its rotation part is singular"), Error);
  CHECK_THROWS_WITH_AS(read_transforms(transforms("big.json", "[[1e999,0,0,0],[0,1,0,0],[0,0,1,0],[0,0,0,1]]")),
                       Contains("big.json"), Error);
  CHECK(read_transforms(transforms("ok.json", "[[1,0,0,0],[0,1,0,2],[0,0,1,0],[0,0,0,1]]")).frames.size() == 1);
}

TEST_CASE("bad input: a NaN in an embeddings file is an error naming the file and the row") {
  test::TempDir dir("emb_nan");
  EmbeddingSet set;
  set.rows = {{"chair/1", "chair", "MLP", "train", ""}, {"lamp/1", "lamp", "MLP", "train", ""}};
  set.embeddings = Tensor::from(std::vector<float>{1, 2, 3, NAN}, {2, 2});
  save_embeddings(dir.file("nan.safetensors"), set);
  CHECK_THROWS_WITH_AS(load_embeddings(dir.file("nan.safetensors")),
                       Contains("nan.safetensors: embedding row 1 (lamp/1) holds a non-finite value"), Error);
  // A row field of the wrong type names the file, the row and the key (not a raw type_error.302).
  save_safetensors(dir.file("type.safetensors"), {{"embeddings", Tensor::zeros({1, 2})}},
                   {{"format", "wsnerf.embeddings/1"},
                    {"rows", R"([{"object": "a/1", "class": 7, "arch": "MLP", "split": "train"}])"}});
  CHECK_THROWS_WITH_AS(load_embeddings(dir.file("type.safetensors")),
                       Contains("type.safetensors: rows[0]: 'class' = 7 (an integer): expected a string"), Error);
  // A tensor the format does not have is refused, as in NeRF and encoder files.
  save_safetensors(dir.file("extra.safetensors"), {{"embeddings", Tensor::zeros({1, 2})}, {"extra", Tensor::zeros({1})}},
                   {{"format", "wsnerf.embeddings/1"},
                    {"rows", R"([{"object": "a/1", "class": "a", "arch": "MLP", "split": "train"}])"}});
  CHECK_THROWS_WITH_AS(load_embeddings(dir.file("extra.safetensors")),
                       Contains("extra.safetensors: unexpected tensor 'extra'"), Error);
}

TEST_CASE("bad input: a split line with a control byte is refused, the byte shown escaped") {
  test::TempDir dir("split_nul");
  dir.write("splits/train.txt", std::string("chair/1\nchair/\0x\n", 17));
  dir.write("splits/val.txt", "");
  dir.write("splits/test.txt", "");
  CHECK_THROWS_WITH_AS(read_splits(dir.path.string()), Contains("train.txt:2: control byte in 'chair/\\x00x'"), Error);
}

TEST_CASE("bad input: stale temporaries of dead writers are removed, live writers' and other files stay") {
  test::TempDir dir("stale_tmp");
  std::filesystem::create_directories(dir.path / "sub");
  const std::string dead = dir.write("sub/a.safetensors.tmp.999999999", "x");  // above any pid_max
  const std::string mine = dir.write(str_cat("b.json.tmp.", ::getpid()), "x");
  const std::string other = dir.write("notes.tmp.txt", "x");
  const std::string plain = dir.write("c.json", "x");
  CHECK(remove_stale_temporaries(dir.path.string()) == 1);
  CHECK_FALSE(std::filesystem::exists(dead));
  CHECK(std::filesystem::exists(mine));
  CHECK(std::filesystem::exists(other));
  CHECK(std::filesystem::exists(plain));
  CHECK(remove_stale_temporaries(dir.file("no_such_folder")) == 0);
}

TEST_CASE("bad input: command-line integers are range-checked (no wrap at 2^32) and options checked before writing") {
  test::TempDir dir("cli_bad");
  const std::string out = dir.file("ds");
  test::CliRun r = test::run_wsnerf("synth --out " + out + " --size 4294967304");  // would wrap to 8 px
  CHECK(r.status == 1);
  CHECK(r.err.find("--size = 4294967304 is outside [1, 2147483647]") != std::string::npos);
  r = test::run_wsnerf("synth --out " + out + " --size 0");
  CHECK(r.status == 1);
  CHECK(r.err.find("--size = 0 is outside") != std::string::npos);
  r = test::run_wsnerf("synth --out " + out + " --per-class 1 --val 0 --test 0 --classes chair --size 99999");
  CHECK(r.status == 1);
  CHECK(r.err.find("synth: --size must be in [1, 8192], got 99999") != std::string::npos);
  r = test::run_wsnerf("synth --out " + out + " --per-class 1 --val 5 --test 0 --classes chair --size 8");
  CHECK(r.status == 1);
  // Nothing written by the refused runs: a corrected rerun is not told the folder holds other settings.
  CHECK_FALSE(std::filesystem::exists(out + "/dataset.json"));
  r = test::run_wsnerf("synth --out " + out + " --per-class 1 --val 0 --test 0 --classes chair --size 8 --supersample 1");
  CHECK(r.status == 0);
  CHECK(std::filesystem::exists(out + "/dataset.json"));
  CHECK(test::run_wsnerf("train --data " + out + " --epochs 4294967297 --out " + dir.file("run")).err.find("--epochs = 4294967297 is outside") !=
        std::string::npos);
  // --set: refused by name before any work, in every command that takes it.
  r = test::run_wsnerf("train --data " + out + " --out " + dir.file("run") + " --set encodr.hidden=8");
  CHECK(r.status == 1);
  CHECK(r.err.find("--set 'encodr.hidden=8': no section 'encodr'") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir.file("run")));
  r = test::run_wsnerf("fit --data " + out + " --set fit.step=3");
  CHECK(r.status == 1);
  CHECK(r.err.find("preset cpu with fit.step=3") != std::string::npos);
  CHECK(r.err.find("unknown key fit.step") != std::string::npos);
  r = test::run_wsnerf("demo --out " + dir.file("demo") + " --set train");
  CHECK(r.status == 1);
  CHECK(r.err.find("--set 'train' is not section.key=value") != std::string::npos);
  CHECK(test::run_wsnerf("embed --encoder e --out o --batch -1").err.find("--batch = -1 is outside") != std::string::npos);
  CHECK(test::run_wsnerf("fit --data " + out + " --workers -4").err.find("--workers = -4 is outside") != std::string::npos);
  CHECK(test::run_wsnerf("plot --perplexity nan --out " + dir.file("p")).err.find("--perplexity expects a finite number") !=
        std::string::npos);
  CHECK(test::run_wsnerf("eval-retrieve --embeddings e --k 5,4294967297").err.find("--k = 4294967297 is outside") !=
        std::string::npos);
  CHECK(test::run_wsnerf("synth --out " + out + " --seed -1").err.find("--seed: expected a non-negative integer") !=
        std::string::npos);
}

TEST_CASE("bad input: an encoder checkpoint with a NaN weight is an error naming the file and tensor") {
  test::TempDir dir("enc_nan");
  GmnConfig cfg{8, 2, 4, 1.0f, 1.0f};
  ParamSet ps;
  GmnEncoder enc(cfg, ps);
  ps.materialize(Device::cpu());
  enc.init(0);
  save_encoder(dir.file("good.safetensors"), enc, ps);
  TensorFile f = load_safetensors(dir.file("good.safetensors"));
  NamedTensors tensors = f.tensors;
  std::vector<float> w = tensors[0].second.to_vector();
  w[0] = NAN;
  tensors[0].second = Tensor::from(w, tensors[0].second.shape());
  save_safetensors(dir.file("bad.safetensors"), tensors, f.metadata);
  ParamSet loaded;
  GmnEncoder again(cfg, loaded);
  loaded.materialize(Device::cpu());
  CHECK_NOTHROW(load_encoder(dir.file("good.safetensors"), cfg, loaded));
  CHECK_THROWS_WITH_AS(load_encoder(dir.file("bad.safetensors"), cfg, loaded),
                       Contains(("bad.safetensors: tensor '" + tensors[0].first + "' holds a non-finite value").c_str()),
                       Error);
}

TEST_CASE("bad input: a JSON parse error names the file and the reason, not the library's exception id") {
  for (const std::string text : {"{", "", "[1, NaN]", "{\"a\": -1e999}"}) {
    CAPTURE(text);
    try {
      parse_json(text, "x.json");
      FAIL("parsed");
    } catch (const Error& e) {
      const std::string m = e.what();
      CHECK(m.find("x.json: not valid JSON (") == 0);
      CHECK(m.find("json.exception") == std::string::npos);
    }
  }
}

TEST_CASE("bad input: an OBJ or MTL that is not a regular file is refused, not read without end") {
  test::TempDir dir("obj_special");
  CHECK_THROWS_WITH_AS(load_obj("/dev/zero"), Contains("/dev/zero: not a regular file"), Error);
  std::filesystem::create_directories(dir.path / "folder.obj");
  CHECK_THROWS_WITH_AS(load_obj(dir.file("folder.obj")), Contains("folder.obj: not a regular file"), Error);
  std::filesystem::create_directories(dir.path / "m.mtl");  // a folder where the material file should be
  const std::string obj = dir.write("m.obj", "mtllib m.mtl\nv 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3\n");
  CHECK_THROWS_WITH_AS(load_obj(obj), Contains("m.mtl: not a regular file"), Error);
  CHECK_THROWS_WITH_AS(load_obj(dir.file("missing.obj")), Contains("missing.obj: cannot open"), Error);
}
