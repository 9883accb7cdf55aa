#include "engine/preset.h"

#include <algorithm>
#include <filesystem>

#include "engine/io.h"

namespace ws {

bool Preset::has(const std::string& section, const std::string& key) const {
  return json.contains(section) && json[section].is_object() && json[section].contains(key);
}

const nlohmann::json& Preset::section(const std::string& s) const {
  WS_CHECK(json.contains(s) && json[s].is_object(), "preset ", name, ": no section '", s, "'");
  return json[s];
}

void Preset::check_keys(const std::string& section_name, const std::set<std::string>& known) const {
  for (const auto& kv : section(section_name).items()) {
    if (known.count(kv.key())) continue;
    std::string list;
    for (const std::string& k : known) list += (list.empty() ? "" : ", ") + k;
    fail(str_cat("preset ", name, ": unknown key ", section_name, ".", kv.key(), " (known: ", list, ")"));
  }
}

std::string Preset::where(const std::string& section, const std::string& key) const {
  return str_cat("preset ", name, ": ", section, ".", key);
}

const nlohmann::json& Preset::at(const std::string& section_name, const std::string& key) const {
  const nlohmann::json& s = section(section_name);
  WS_CHECK(s.contains(key), "preset ", name, ": missing ", section_name, ".", key);
  return s[key];
}

std::vector<std::string> builtin_preset_names() {
  std::vector<std::string> names;
  for (const auto& kv : builtin_preset_texts()) names.push_back(kv.first);
  return names;
}

void check_preset_sections(const Preset& p) {
  static const std::set<std::string> known = {"name", "about", "data", "fit", "encoder", "decoder", "train", "classify"};
  for (const auto& kv : p.json.items()) {
    if (known.count(kv.key())) continue;
    std::string list;
    for (const std::string& k : known) list += (list.empty() ? "" : ", ") + k;
    fail(str_cat("preset ", p.name, ": unknown section '", kv.key(), "' (known: ", list, ")"));
  }
}

Preset load_preset(const std::string& name_or_path) {
  Preset p;
  for (const auto& kv : builtin_preset_texts())
    if (kv.first == name_or_path) {
      p.name = kv.first;
      p.json = parse_json(kv.second, "built-in preset " + kv.first);
      check_preset_sections(p);
      return p;
    }
  std::error_code ec;
  if (!std::filesystem::exists(name_or_path, ec)) {
    std::string known;
    for (const std::string& n : builtin_preset_names()) known += (known.empty() ? "" : ", ") + n;
    fail(str_cat("unknown preset '", name_or_path, "' (built in: ", known, "; or a JSON file)"));
  }
  p.name = name_or_path;
  p.json = parse_json(read_file(name_or_path), name_or_path);
  WS_CHECK(p.json.is_object(), name_or_path, ": not a JSON object");
  check_preset_sections(p);
  return p;
}

void apply_overrides(Preset& p, const std::vector<std::string>& assignments) {
  if (assignments.empty()) return;
  const std::string loaded = p.name;  // errors name the preset as loaded
  std::string changes;
  for (const std::string& a : assignments) {
    const size_t eq = a.find('=');
    const std::string path = a.substr(0, eq);
    std::vector<std::string> keys;
    for (size_t b = 0, e; b <= path.size(); b = e + 1) {
      e = path.find('.', b);
      if (e == std::string::npos) e = path.size();
      keys.push_back(path.substr(b, e - b));
    }
    const bool named = std::all_of(keys.begin(), keys.end(), [](const std::string& k) { return !k.empty(); });
    WS_CHECK(eq != std::string::npos && keys.size() >= 2 && named, "preset ", loaded, ": --set '", a,
             "' is not section.key=value");
    WS_CHECK(p.json.contains(keys[0]) && p.json[keys[0]].is_object(), "preset ", loaded, ": --set '", a,
             "': no section '", keys[0], "'");
    const std::string text = a.substr(eq + 1);
    nlohmann::json value = nlohmann::json::parse(text, nullptr, false);
    if (value.is_discarded()) value = text;  // not JSON: the plain string
    nlohmann::json* at = &p.json[keys[0]];
    for (size_t k = 1; k + 1 < keys.size(); ++k) {
      at = &(*at)[keys[k]];
      WS_CHECK(at->is_null() || at->is_object(), "preset ", loaded, ": --set '", a, "': '", keys[k],
               "' is not a group of settings");
    }
    (*at)[keys.back()] = value;
    changes += (changes.empty() ? "" : ", ") + a;
  }
  p.name = loaded + " with " + changes;
}

}  // namespace ws
