// Strict presets: every section, and the preset's top level, refuses a key it does not
// know, naming the preset and the key, where the section is read.
#include <fstream>
#include <functional>

#include "data/dataset.h"
#include "engine/preset.h"
#include "models/classifier/classifier.h"
#include "models/fit/fit_options.h"
#include "models/train/trainer.h"
#include "tests/testing.h"

using namespace ws;
using doctest::Contains;

TEST_CASE("presets: every section rejects a misspelt key, naming the preset and the key") {
  struct Case {
    const char* section;
    std::function<void(const Preset&)> read;  // what reads that section
  };
  const std::vector<Case> cases = {
      {"data", [](const Preset& p) { synth_options_from_preset(p); }},
      {"fit", [](const Preset& p) { FitOptions::from_preset(p); }},
      {"encoder", [](const Preset& p) { TrainConfig::from_preset(p); }},
      {"decoder", [](const Preset& p) { TrainConfig::from_preset(p); }},
      {"train", [](const Preset& p) { TrainConfig::from_preset(p); }},
      {"classify", [](const Preset& p) { ClassifierConfig::from_preset(p); }},
  };
  for (const std::string& name : builtin_preset_names())
    for (const Case& c : cases) {
      CAPTURE(name);
      CAPTURE(c.section);
      Preset p = load_preset(name);
      CHECK_NOTHROW(c.read(p));  // the built-in preset as it is reads fine
      p.json[c.section]["misspelt_key"] = 1;
      CHECK_THROWS_WITH_AS(c.read(p), Contains("misspelt_key"), Error);
      CHECK_THROWS_WITH_AS(c.read(p), Contains(name.c_str()), Error);
    }
}

TEST_CASE("presets: a file with an unknown section is refused when loaded") {
  Preset p = load_preset("tiny");
  p.json["clasify"] = p.json["classify"];  // misspelt section: its settings would be ignored
  const std::string path = test::temp_path("misspelt_section.json");
  std::ofstream(path) << p.json.dump();
  CHECK_THROWS_WITH_AS(load_preset(path), Contains("unknown section 'clasify'"), Error);
  CHECK_THROWS_WITH_AS(load_preset(path), Contains(path.c_str()), Error);
  p.json.erase("clasify");
  std::ofstream(path) << p.json.dump();
  CHECK_NOTHROW(load_preset(path));
}

TEST_CASE("presets: modes are parsed once, and a bad one names the key and lists the valid values") {
  Preset p = load_preset("tiny");
  CHECK(TrainConfig::from_preset(p).objective == Objective::RenderContrastive);
  p.json["train"]["objective"] = "c";
  p.json["train"]["contrastive_centring"] = "batch";
  TrainConfig c = TrainConfig::from_preset(p);
  CHECK(c.objective == Objective::Contrastive);
  CHECK(c.contrastive_centring == ContrastiveCentring::Batch);
  CHECK(c.to_json()["objective"] == "c");  // written back as its name (config.json)
  CHECK(c.to_json()["contrastive_centring"] == "batch");
  p.json["train"]["objective"] = "rcc";
  CHECK_THROWS_WITH_AS(TrainConfig::from_preset(p),
                       "preset tiny: train.objective: 'rcc' is not one of r, rc, c", Error);
  p.json["train"]["objective"] = "r";
  p.json["train"]["contrastive_centring"] = "arch";
  CHECK_THROWS_WITH_AS(TrainConfig::from_preset(p),
                       "preset tiny: train.contrastive_centring: 'arch' is not one of none, batch", Error);
}

TEST_CASE("presets: --set overrides change one setting each, and bad ones are refused by name") {
  Preset p = load_preset("cpu");
  apply_overrides(p, {"encoder.value_scale=3", "encoder.reference=delta", "train.lr=3e-4",
                      "fit.family_steps.tri=300", "classify.hidden=[64, 32]", "train.keep=\"last\""});
  const TrainConfig c = TrainConfig::from_preset(p);
  CHECK(c.encoder.value_scale == 3.0f);
  CHECK(c.encoder.reference == EncoderReference::Delta);  // a plain string: not JSON
  CHECK(c.lr == doctest::Approx(3e-4));
  CHECK(c.keep == "last");  // a JSON string
  CHECK(p.json["fit"]["family_steps"]["tri"] == 300);
  CHECK(p.json["fit"]["family_steps"]["hash"] == 600);  // the rest of the group kept
  CHECK(p.json["classify"]["hidden"] == nlohmann::json::array({64, 32}));
  CHECK(c.encoder.hidden == 32);  // untouched settings keep the preset's values
  CHECK(p.name.rfind("cpu with encoder.value_scale=3, encoder.reference=delta", 0) == 0);

  // Malformed assignments and unknown sections fail at once; a misspelt key where the
  // section is read, as for a preset file.
  for (const char* bad : {"encoder", "encoder=3", ".x=1", "encoder.=1", "encoder..x=1"})
    CHECK_THROWS_WITH_AS(apply_overrides(p, {bad}), Contains("is not section.key=value"), Error);
  CHECK_THROWS_WITH_AS(apply_overrides(p, {"encodr.hidden=3"}), Contains("no section 'encodr'"), Error);
  CHECK_THROWS_WITH_AS(apply_overrides(p, {"encoder.hidden.x=3"}), Contains("not a group of settings"), Error);
  Preset q = load_preset("cpu");
  apply_overrides(q, {"encoder.valu_scale=3"});
  CHECK_THROWS_WITH_AS(TrainConfig::from_preset(q), Contains("unknown encoder key 'valu_scale'"), Error);
  Preset r = load_preset("cpu");
  apply_overrides(r, {"encoder.value_scale=abc"});
  CHECK_THROWS_WITH_AS(TrainConfig::from_preset(r), Contains("with encoder.value_scale=abc"), Error);
}
