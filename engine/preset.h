// Presets: one JSON object with a section per pipeline stage (data, fit, encoder,
// decoder, train, classify). The built-in ones are presets/*.json compiled into the
// binary; a user copies one (`wsnerf preset cpu > my.json`), edits it and passes the
// file wherever a preset name is accepted. Runs record the resolved preset.
#pragma once
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "engine/json.h"

namespace ws {

struct Preset {
  std::string name;    // "cpu", or the file it came from
  nlohmann::json json;

  // section.key checked into T (engine/json.h json_get: integers in range, no fractions,
  // finite floats); errors name the preset, the key and what was expected.
  template <class T>
  T get(const std::string& section, const std::string& key) const {
    return json_get<T>(at(section, key), where(section, key));
  }
  template <class T>
  T get_or(const std::string& section, const std::string& key, const T& fallback) const {
    return has(section, key) ? get<T>(section, key) : fallback;
  }
  bool has(const std::string& section, const std::string& key) const;
  const nlohmann::json& section(const std::string& s) const;
  // A misspelt optional key would silently keep its default: an error naming it instead.
  void check_keys(const std::string& section, const std::set<std::string>& known) const;
  // "preset NAME: section.key", how errors name a setting.
  std::string where(const std::string& section, const std::string& key) const;

 private:
  const nlohmann::json& at(const std::string& section, const std::string& key) const;
};

// Fails, naming the preset and the key, on a top-level key that is not a known section
// (a misspelt section would otherwise be ignored whole). Each section checks its own keys
// where it is read (Preset::check_keys).
void check_preset_sections(const Preset& p);

// A built-in name (tiny, cpu, paper) or a path to a JSON file.
Preset load_preset(const std::string& name_or_path);
// Changes settings in place, one "section.key=value" each (wsnerf --set): the value is JSON
// (3, 1e-3, true, "text", [1, 2]) or, when it does not parse as JSON, the plain string
// (encoder.reference=delta). The section must exist; the key may be new (optional settings
// are absent from the presets) and may go deeper (fit.family_steps.tri=300). Each section
// checks its own keys where it is read, so a misspelt key still fails there. p.name records
// the changes, so errors and reports name them.
void apply_overrides(Preset& p, const std::vector<std::string>& assignments);
std::vector<std::string> builtin_preset_names();
// (name, JSON text) of every built-in preset; generated from presets/*.json.
const std::vector<std::pair<std::string, std::string>>& builtin_preset_texts();

}  // namespace ws
