#include <cmath>
#include <filesystem>
#include <map>

#include "engine/io.h"
#include "models/gmn/checkpoint.h"
#include "models/gmn/embed.h"
#include "models/gmn/encoder.h"
#include "models/train/trainer.h"
#include "tests/pipeline_testing.h"
#include "tests/testing.h"

using namespace ws;

namespace {
TrainConfig tiny_config(const std::string& data, const std::string& objective) {
  TrainConfig c = TrainConfig::from_preset(load_preset("tiny"));
  c.data = data;
  c.objective = parse_objective(objective, "test");
  c.epochs = 2;
  c.pairs_per_batch = 2;  // 3 training objects: two batches an epoch
  c.device = "cpu";
  c.teacher_pool = 64;
  return c;
}
}  // namespace

TEST_CASE("train: rc runs, logs each epoch, keeps the best encoder, and embeds") {
  std::string data = test::random_nerf_dataset({"chair", "lamp", "table"}, 3, {"MLP", "TRI", "HASH"});
  std::string run = test::temp_path("run_rc");
  TrainSummary s = train(tiny_config(data, "rc"), run);
  CHECK(s.epochs_done == 2);
  CHECK(s.steps == 4);
  CHECK(s.best_metric > 5.0);  // a PSNR in dB
  std::string log = read_file(run + "/log.jsonl");
  CHECK(std::count(log.begin(), log.end(), '\n') == 3);  // the step-0 probes and two epochs
  CHECK(log.find("val_psnr") != std::string::npos);
  std::vector<nlohmann::json> epochs = read_train_log(run), probes = read_train_log(run, "probe");
  REQUIRE(epochs.size() == 2);
  REQUIRE(probes.size() == 1);
  CHECK(probes[0]["step"] == 0);
  CHECK(read_train_log(run, "").size() == 3);
  // Every epoch line carries the probes of the 3 val objects in the 3 architectures.
  for (const nlohmann::json& e : epochs) {
    const nlohmann::json& p = e.at("probes");
    CHECK(p["rows"] == 9);
    CHECK(p["archs"] == nlohmann::json({"MLP", "TRI", "HASH"}));
    CHECK(p["recall1_chance"].get<double>() == doctest::Approx(1.0 / 3));
    CHECK(p["obj_frac_raw"]["TRI"].get<double>() > 0.0);
    CHECK(p["nn_class"]["MLP"].is_null());  // one val object per class: no 1-NN
  }
  // SigLIP's t and bias as they stand after each epoch: the last epoch's are the checkpoint's.
  TensorFile heads = load_safetensors(run + "/checkpoint/last_heads.safetensors");
  CHECK(epochs[1]["siglip_t"].get<double>() ==
        doctest::Approx(std::exp(double(heads.get("siglip.log_t").to_vector()[0]))).epsilon(1e-6));
  CHECK(epochs[1]["siglip_bias"].get<double>() == double(heads.get("siglip.bias").to_vector()[0]));
  CHECK(epochs[0]["siglip_t"].get<double>() != epochs[1]["siglip_t"].get<double>());  // it learns
  std::vector<NerfEntry> nerfs = list_nerfs(data, {"MLP", "TRI", "HASH"}, {"train", "test"}, true);
  EmbeddingSet e = embed_nerfs(run + "/best.safetensors", nerfs, Device::cpu());
  CHECK(e.size() == int64_t(nerfs.size()));
  CHECK(e.dim() == 64);
  CHECK(e.rows[0].split == "train");
  // a second run of the same command finds everything done
  TrainSummary again = train(tiny_config(data, "rc"), run);
  CHECK(again.steps == 4);
  CHECK(again.steps_this_run == 0);
  CHECK(again.best_metric == s.best_metric);
  CHECK_THROWS_WITH_AS(train(tiny_config(data, "c"), run), doctest::Contains("was trained with objective"), Error);
  // the first setting that differs is named, with what to do (the demo relies on this message)
  TrainConfig other_lr = tiny_config(data, "rc");
  other_lr.lr *= 10;
  CHECK_THROWS_WITH_AS(train(other_lr, run), doctest::Contains("was trained with lr = "), Error);
  CHECK_THROWS_WITH_AS(train(other_lr, run), doctest::Contains(str_cat("delete ", run).c_str()), Error);
  CHECK(train(other_lr, test::temp_path("run_other_lr_fresh")).steps_this_run == 4);
}

TEST_CASE("train: an interrupted and resumed run ends with the same parameters as an uninterrupted one") {
  std::string data = test::random_nerf_dataset({"chair", "lamp", "table"}, 3, {"MLP", "TRI", "HASH"});
  std::string straight = test::temp_path("run_straight"), resumed = test::temp_path("run_resumed");
  train(tiny_config(data, "rc"), straight);
  TrainConfig first = tiny_config(data, "rc");
  first.max_steps = 1;  // stops mid-epoch, saving its state
  CHECK(train(first, resumed).interrupted);
  first.max_steps = 2;  // resumes, stops at the next epoch's first batch
  CHECK(train(first, resumed).interrupted);
  TrainSummary s = train(tiny_config(data, "rc"), resumed);
  CHECK(s.steps == 4);
  // The resumed run's log has each line once, like the straight run's.
  CHECK(read_train_log(resumed, "").size() == read_train_log(straight, "").size());
  TensorFile a = load_safetensors(straight + "/checkpoint/last.safetensors"),
             b = load_safetensors(resumed + "/checkpoint/last.safetensors");
  REQUIRE(a.tensors.size() == b.tensors.size());
  for (size_t i = 0; i < a.tensors.size(); ++i)
    CHECK_MESSAGE(a.tensors[i].second.to_vector() == b.tensors[i].second.to_vector(), a.tensors[i].first);
  CHECK(load_safetensors(straight + "/checkpoint/last_heads.safetensors").get("dec.head.weight").to_vector() ==
        load_safetensors(resumed + "/checkpoint/last_heads.safetensors").get("dec.head.weight").to_vector());
}

TEST_CASE("train: --epochs 0 keeps the untrained encoder as the run's best (a baseline), and negative epochs are refused") {
  std::string data = test::random_nerf_dataset({"chair", "lamp", "table"}, 3, {"MLP", "TRI", "HASH"});
  std::string run = test::temp_path("run_untrained");
  TrainConfig cfg = tiny_config(data, "rc");
  cfg.epochs = 0;
  TrainSummary s = train(cfg, run);
  CHECK(s.steps == 0);
  CHECK(s.best_metric > 5.0);  // the untrained decoder's PSNR, in dB
  ParamSet ps;
  GmnEncoder fresh(cfg.encoder, ps);
  ps.materialize(Device::cpu());
  fresh.init(cfg.seed);
  TensorFile best = load_safetensors(run + "/best.safetensors");
  for (const Param& p : ps.params())
    CHECK_MESSAGE(best.get(p.name).to_vector() == p.var.value().to_vector(), p.name, " is not the initial value");
  CHECK(train(cfg, run).steps == 0);  // done: nothing to do the second time
  cfg.epochs = -1;
  CHECK_THROWS_WITH_AS(train(cfg, test::temp_path("run_negative")), doctest::Contains("epochs must be 0 or more"),
                       Error);
}

TEST_CASE("train: keep last makes the final epoch's encoder the run's result") {
  std::string data = test::random_nerf_dataset({"chair", "lamp", "table"}, 3, {"MLP", "TRI", "HASH"});
  std::string run = test::temp_path("run_keep_last");
  TrainConfig cfg = tiny_config(data, "rc");
  cfg.keep = "last";
  train(cfg, run);
  std::vector<nlohmann::json> epochs = read_train_log(run);
  REQUIRE(epochs.size() == 2);
  CHECK(epochs[0]["best"] == true);
  CHECK(epochs[1]["best"] == true);  // every epoch replaces the result, whatever its PSNR
  TensorFile best = load_safetensors(run + "/best.safetensors"), last = load_safetensors(run + "/checkpoint/last.safetensors");
  ParamSet ps;
  GmnEncoder enc(cfg.encoder, ps);
  for (const Param& p : ps.params())
    CHECK_MESSAGE(best.get(p.name).to_vector() == last.get(p.name).to_vector(), p.name, " differs from the last epoch's");
  Preset bad = load_preset("tiny");
  bad.json["train"]["keep"] = "first";
  CHECK_THROWS_WITH_AS(TrainConfig::from_preset(bad), doctest::Contains("train.keep must be 'best' or 'last'"), Error);
}

TEST_CASE("train: objective c (no decoder) and r on one architecture") {
  std::string data = test::random_nerf_dataset({"chair", "lamp", "table"}, 3, {"MLP", "TRI", "HASH"});
  TrainSummary c = train(tiny_config(data, "c"), test::temp_path("run_c"));
  CHECK(c.metric == "val_siglip");
  CHECK(c.best_metric > 0.0);
  TrainConfig r = tiny_config(data, "r");
  r.archs = {"MLP"};
  CHECK(train(r, test::temp_path("run_r_mlp")).epochs_done == 2);
  CHECK_FALSE(read_train_log(test::temp_path("run_r_mlp"))[0].contains("siglip_t"));  // no SigLIP to log
  TrainConfig bad = tiny_config(data, "rc");
  bad.archs = {"MLP"};
  CHECK_THROWS_WITH_AS(train(bad, test::temp_path("run_bad")), doctest::Contains("at least two"), Error);
}

TEST_CASE("train: the epoch log reads back line by line, a damaged line is named") {
  std::string run = test::temp_path("log_run");
  std::filesystem::create_directories(run);
  CHECK(read_train_log(run).empty());  // no epoch finished yet
  write_file_atomic(run + "/log.jsonl", "{\"epoch\":1,\"val_psnr\":9.5}\n\n{\"epoch\":2,\"val_psnr\":11.25}\n");
  std::vector<nlohmann::json> log = read_train_log(run);
  REQUIRE(log.size() == 2);
  CHECK(log[1]["epoch"] == 2);
  CHECK(log[1]["val_psnr"].get<double>() == 11.25);
  write_file_atomic(run + "/log.jsonl", "{\"epoch\":1}\n{\"epoch\":2,\n");
  CHECK_THROWS_WITH_AS(read_train_log(run), doctest::Contains("log.jsonl:2: not a JSON object"), Error);
}

TEST_CASE("train: probes every N steps, a reference encoder and a centred decoder input train and log") {
  std::string data = test::random_nerf_dataset({"chair", "lamp", "table"}, 3, {"MLP", "TRI", "HASH"});
  TrainConfig cfg = tiny_config(data, "rc");
  cfg.probe_every = 1;
  cfg.encoder.reference = EncoderReference::Zeros;
  cfg.decoder_input = "batch";
  std::string run = test::temp_path("run_probe_every");
  TrainSummary s = train(cfg, run);
  CHECK(s.steps == 4);
  CHECK(std::isfinite(s.best_metric));
  // Probes at steps 0, 1 and 3; steps 2 and 4 end an epoch, whose line carries them.
  std::vector<int> steps;
  for (const nlohmann::json& p : read_train_log(run, "probe")) steps.push_back(p["step"].get<int>());
  CHECK(steps == std::vector<int>{0, 1, 3});
  CHECK(read_encoder_config(run + "/best.safetensors").reference == EncoderReference::Zeros);
  nlohmann::json config = nlohmann::json::parse(read_file(run + "/config.json"));
  CHECK(config["decoder_input"] == "batch");
  CHECK(config["encoder"]["reference"] == "zeros");
  // Reference init needs NeRF files that record their start; these do not.
  cfg.encoder.reference = EncoderReference::Init;
  CHECK_THROWS_WITH_AS(train(cfg, test::temp_path("run_init_ref")), doctest::Contains("does not record"), Error);
}

TEST_CASE("train: the decoder input centred per architecture over the batch and scaled to norm sqrt(D)") {
  const std::vector<float> z = {1, 2, 3, 0, /**/ 3, 2, 1, 0, /**/ 5, 5, 5, 5, /**/ 7, 0, 0, 1};
  Var in(Tensor::from(z, {4, 4}));
  CHECK(decoder_input("raw", in, {"a", "a", "b", "c"}).value().to_vector() == z);
  std::vector<float> out = decoder_input("batch", in, {"a", "a", "b", "c"}).value().to_vector();
  // Rows 0 and 1 minus their mean (2,2,2,0): (-1,0,1,0) and (1,0,-1,0), scaled to norm 2.
  const float r = std::sqrt(2.0f);
  test::check_close(out, {-r, 0, r, 0, r, 0, -r, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 1e-6, 1e-5, "batch input");
  CHECK_THROWS_WITH_AS(decoder_input("mean", in, {"a", "a", "b", "c"}), doctest::Contains("'raw' or 'batch'"), Error);
  test::check_gradients("decoder_input batch", [](const std::vector<Var>& v) {
    return decoder_input("batch", v[0], {"a", "b", "a", "b", "a"});
  }, {test::random_tensor({5, 3}, 4)});
}

TEST_CASE("train: the log keeps one line per kind and step when a run resumes from an earlier checkpoint") {
  std::string data = test::random_nerf_dataset({"chair", "lamp", "table"}, 3, {"MLP", "TRI", "HASH"});
  std::string run = test::temp_path("run_log_dedupe");
  TrainConfig cfg = tiny_config(data, "c");
  cfg.epochs = 1;
  train(cfg, run);
  // A copy of the epoch line and of the step-0 probe, as a run killed after logging and
  // before its checkpoint would leave: the next run must not add them a second time.
  const std::string log = read_file(run + "/log.jsonl");
  write_file_atomic(run + "/log.jsonl", log + log);
  REQUIRE(read_train_log(run, "").size() == 4);
  write_file_atomic(run + "/checkpoint/state.json", "{\"epoch\":0,\"batch\":0,\"step\":0,\"best\":0,\"has_best\":false}\n");
  train(cfg, run);
  std::vector<nlohmann::json> lines = read_train_log(run, "");
  CHECK(lines.size() == 2);
}

TEST_CASE("train: every field of a run's state.json is range-checked on resume, naming the file and field") {
  std::string data = test::random_nerf_dataset({"chair", "lamp", "table"}, 3, {"MLP", "TRI", "HASH"});
  std::string run = test::temp_path("run_bad_state");
  TrainConfig cfg = tiny_config(data, "rc");
  cfg.max_steps = 1;
  REQUIRE(train(cfg, run).interrupted);
  const std::string state = run + "/checkpoint/state.json";
  const std::string good = read_file(state);
  // state.json after one step: epoch 0, batch 1, step 1 (two batches an epoch).
  struct Case {
    std::string text, message;
  };
  for (const Case& c : std::vector<Case>{
           {R"({"epoch": 0, "batch": -5, "step": 1, "best": 0, "has_best": false})", "state.json: 'batch' = -5 is outside"},
           {R"({"epoch": 0, "batch": 1e9, "step": 1, "best": 0, "has_best": false})",
            "state.json: 'batch' = 1000000000 is past the 2 batches of an epoch"},
           {R"({"epoch": 0, "batch": 1, "step": 7, "best": 0, "has_best": false})", "state.json: 'step' = 7 does not match"},
           {R"({"epoch": 1e9, "batch": 1, "step": 1, "best": 0, "has_best": false})", "state.json: 'epoch' = 1000000000 is outside [0, 2]"},
           {R"({"epoch": 0.5, "batch": 1, "step": 1, "best": 0, "has_best": false})", "state.json: 'epoch' = 0.5 (a number): expected an integer"},
           {R"({"epoch": 0, "batch": 1, "step": 1, "best": "x", "has_best": false})", "state.json: 'best' = \"x\" (a string)"},
           {R"({"epoch": 0, "batch": 1, "step": 1, "best": 0})", "state.json: missing 'has_best'"},
           {"[" + std::string(100000, '[') + std::string(100001, ']'), "state.json: JSON nests deeper"}}) {
    CAPTURE(c.text.substr(0, 80));
    write_file_atomic(state, c.text);
    CHECK_THROWS_WITH_AS(train(tiny_config(data, "rc"), run), doctest::Contains(c.message.c_str()), Error);
  }
  write_file_atomic(state, good);  // the intact state still resumes
  CHECK(train(tiny_config(data, "rc"), run).steps == 4);
  // A finished run is not reloaded, but its state is still checked against the run.
  const std::string finished = read_file(state);
  nlohmann::json past = nlohmann::json::parse(finished);
  past["step"] = 123456;
  write_file_atomic(state, past.dump());
  CHECK_THROWS_WITH_AS(train(tiny_config(data, "rc"), run), doctest::Contains("state.json: 'step' = 123456 does not match"),
                       Error);
  write_file_atomic(state, finished);
  CHECK(train(tiny_config(data, "rc"), run).steps == 4);
}

// The bytes of a finished run's results: the checkpoint's files, the best encoder, and the
// log without its wall-clock times.
std::map<std::string, std::string> run_results(const std::string& run) {
  std::map<std::string, std::string> out;
  for (const char* f : {"checkpoint/last.safetensors", "checkpoint/last_heads.safetensors",
                        "checkpoint/last_optim_enc.safetensors", "checkpoint/last_optim_heads.safetensors",
                        "checkpoint/state.json", "best.safetensors"})
    out[f] = read_file(run + "/" + f);
  std::string log;
  for (nlohmann::json line : read_train_log(run, "")) {
    line.erase("seconds");
    log += line.dump() + "\n";
  }
  out["log.jsonl"] = log;
  return out;
}

TEST_CASE("train: a run killed at any file write resumes to the bytes of an uninterrupted run") {
  std::string data = test::random_nerf_dataset({"chair", "lamp", "table"}, 3, {"MLP", "TRI", "HASH"});
  TrainConfig cfg = tiny_config(data, "rc");
  // 2 epochs of 2 steps: checkpoints at each epoch's end (6 renames each), the log, best
  const std::string straight = test::temp_path("run_kill_straight");
  train(cfg, straight);
  const std::map<std::string, std::string> want = run_results(straight);
  int kills = 0;
  for (int64_t n = 0;; ++n) {  // the n-th rename fails, as if the process died just before it
    const std::string run = test::temp_path(str_cat("run_kill_", n));
    inject_fault_after_renames(n);
    bool died = false;
    try {
      train(cfg, run);
    } catch (const Error& e) {
      REQUIRE_MESSAGE(std::string(e.what()).find("injected fault") != std::string::npos, e.what());
      died = true;
    }
    inject_fault_after_renames(-1);
    if (!died) break;  // n is past the run's last write
    ++kills;
    CAPTURE(n);
    train(cfg, run);  // resumes from whatever the kill left
    const std::map<std::string, std::string> got = run_results(run);
    for (const auto& [name, bytes] : want) CHECK_MESSAGE(got.at(name) == bytes, name, " differs after a kill at rename ", n);
    // nothing of the interrupted save is left behind
    for (const auto& e : std::filesystem::directory_iterator(run)) {
      const std::string name = e.path().filename().string();
      CHECK_MESSAGE((name.find(".tmp.") == std::string::npos && name != "checkpoint.new"), name);
    }
  }
  MESSAGE(kills, " kills, one before each file write of the run");
  CHECK(kills >= 2 * 6);
}

TEST_CASE("train: a run stopped mid-epoch resumes to the same bytes, its epoch averages over every batch") {
  std::string data = test::random_nerf_dataset({"chair", "lamp", "table"}, 3, {"MLP", "TRI", "HASH"});
  TrainConfig cfg = tiny_config(data, "rc");  // 2 epochs of 2 batches
  const std::string straight = test::temp_path("run_mid_straight"), run = test::temp_path("run_mid");
  train(cfg, straight);
  TrainConfig first = cfg;
  first.max_steps = 1;  // stops after batch 0 of epoch 0: a mid-epoch checkpoint
  REQUIRE(train(first, run).interrupted);
  const nlohmann::json state = nlohmann::json::parse(read_file(run + "/checkpoint/state.json"));
  CHECK(state["batch"] == 1);
  CHECK(state["epoch_loss_batches"] == 1);
  CHECK(state["epoch_loss_sums"][0].get<double>() > 0);
  train(cfg, run);
  const std::map<std::string, std::string> want = run_results(straight), got = run_results(run);
  for (const auto& [name, bytes] : want) CHECK_MESSAGE(got.at(name) == bytes, name, " differs after a mid-epoch stop");
}

TEST_CASE("train: a run saved in the layout before checkpoint folders (state.json in RUN) still resumes") {
  std::string data = test::random_nerf_dataset({"chair", "lamp", "table"}, 3, {"MLP", "TRI", "HASH"});
  TrainConfig cfg = tiny_config(data, "rc");
  const std::string straight = test::temp_path("run_legacy_straight"), run = test::temp_path("run_legacy");
  train(cfg, straight);
  TrainConfig first = cfg;
  first.max_steps = 1;
  REQUIRE(train(first, run).interrupted);
  // The old layout: the checkpoint's files directly in RUN, no link, no folder.
  namespace fs = std::filesystem;
  const fs::path ckpt = fs::canonical(fs::path(run) / "checkpoint");
  for (const auto& e : fs::directory_iterator(ckpt)) fs::copy_file(e.path(), fs::path(run) / e.path().filename());
  fs::remove(fs::path(run) / "checkpoint");
  fs::remove_all(ckpt);
  CHECK(train(cfg, run).steps == 4);
  CHECK(read_file(run + "/checkpoint/last.safetensors") == read_file(straight + "/checkpoint/last.safetensors"));
}
