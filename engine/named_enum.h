// Enums read from text (presets, command-line options) through one table of names: the
// text is parsed once at the boundary, with one error message that lists the valid values,
// and the code compares enums.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "core/error.h"

namespace ws {

template <class E>
using EnumNames = std::vector<std::pair<const char*, E>>;

// `what` names the setting in the error: "preset cpu: train.objective", "--objective".
template <class E>
E parse_enum(const std::string& text, const EnumNames<E>& names, const std::string& what) {
  for (const auto& [name, value] : names)
    if (text == name) return value;
  std::string valid;  // the error lists every name
  for (const auto& [name, value] : names) valid += (valid.empty() ? "" : ", ") + std::string(name);
  fail(str_cat(what, ": '", text, "' is not one of ", valid));
}

template <class E>
const char* enum_name(E value, const EnumNames<E>& names) {
  for (const auto& [name, v] : names)
    if (v == value) return name;
  return "?";
}

}  // namespace ws
