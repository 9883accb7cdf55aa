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
