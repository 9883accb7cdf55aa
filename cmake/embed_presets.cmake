# Writes OUT (a .cpp) holding the text of every presets/*.json, so the binary knows its
# built-in presets wherever it runs. Re-run by the build when a preset changes.
file(GLOB presets "${SRC}/presets/*.json")
list(SORT presets)
set(body "// Generated from presets/*.json by cmake/embed_presets.cmake: do not edit.\n#include \"engine/preset.h\"\n\nnamespace ws {\nconst std::vector<std::pair<std::string, std::string>>& builtin_preset_texts() {\n  static const std::vector<std::pair<std::string, std::string>> all = {\n")
foreach(p ${presets})
  get_filename_component(name ${p} NAME_WE)
  file(READ ${p} text)
  string(APPEND body "      {\"${name}\", R\"wsjson(${text})wsjson\"},\n")
endforeach()
string(APPEND body "  };\n  return all;\n}\n}  // namespace ws\n")
file(WRITE "${OUT}.tmp" "${body}")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
