// Reading JSON: every file or metadata string wsnerf parses comes through parse_json, and
// every value it turns into a C++ number, string or list comes through json_get. Nesting
// is bounded before parsing (the DOM's dump and comparison recurse: a 100k-deep array
// overflows the stack), error messages quote at most a short flat excerpt of a value, and
// numbers are range-checked into their target type (no wrap at 2^31, no fraction
// truncated into an integer, no NaN).
#pragma once
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/error.h"

namespace ws {

// Deeper input is refused: wsnerf's own files nest at most 4 levels.
constexpr int kMaxJsonDepth = 64;

// A ws::Error naming `where` when `text` nests arrays/objects deeper than kMaxJsonDepth.
// A linear scan without recursion; brackets inside strings do not count.
void check_json_depth(std::string_view text, const std::string& where);
// e.what() of a parse error, cut short (the parser quotes the offending token whole).
std::string json_parse_reason(const std::exception& e);

// Parses `text`, naming `where` in every error (invalid, too deep). `on_event` is
// nlohmann's parser callback, for checks that need the parse order (duplicate keys).
template <class Json = nlohmann::json>
Json parse_json(std::string_view text, const std::string& where,
                typename Json::parser_callback_t on_event = nullptr) {
  check_json_depth(text, where);
  try {
    return Json::parse(text.begin(), text.end(), on_event);
  } catch (const nlohmann::json::exception& e) {
    fail(str_cat(where, ": not valid JSON (", json_parse_reason(e), ")"));
  }
}
// The same, but invalid or too-deep text gives a discarded value instead of an error
// (for files whose damage is tolerated: a log line cut short, a report's optional input).
template <class Json = nlohmann::json>
Json parse_json_or_discarded(std::string_view text) {
  try {
    check_json_depth(text, "");
  } catch (const Error&) {
    return Json(nlohmann::json::value_t::discarded);
  }
  return Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
}

// A short quotation of a value for an error message: scalars as JSON (long strings cut),
// arrays and objects by their first few top-level entries only. Never recursive.
std::string json_excerpt(const nlohmann::json& v);
std::string json_excerpt(const nlohmann::ordered_json& v);

// ---- typed reading --------------------------------------------------------------------
namespace detail {
template <class T>
struct is_vector : std::false_type {};
template <class U>
struct is_vector<std::vector<U>> : std::true_type {};
template <class T>
struct is_string_map : std::false_type {};
template <class U>
struct is_string_map<std::map<std::string, U>> : std::true_type {};

[[noreturn]] void fail_json_type(const nlohmann::json& v, const std::string& what, const char* expected);
// v as an integer in [lo, hi]: an integer, or a float with an integral value (1e3);
// errors name `what`.
int64_t json_integer(const nlohmann::json& v, const std::string& what, int64_t lo, int64_t hi);
uint64_t json_unsigned(const nlohmann::json& v, const std::string& what, uint64_t hi);
}  // namespace detail

// v converted to T (bool, an integer type, float/double, std::string, or a vector or
// string-keyed map of these); `what` names the value in errors ("preset x: fit.steps").
// Integers must fit T, floats must be finite and fit T.
template <class T>
T json_get(const nlohmann::json& v, const std::string& what) {
  if constexpr (std::is_same_v<T, bool>) {
    if (!v.is_boolean()) detail::fail_json_type(v, what, "true or false");
    return v.get<bool>();
  } else if constexpr (std::is_integral_v<T> && std::is_unsigned_v<T>) {
    return T(detail::json_unsigned(v, what, std::numeric_limits<T>::max()));
  } else if constexpr (std::is_integral_v<T>) {
    return T(detail::json_integer(v, what, std::numeric_limits<T>::min(), std::numeric_limits<T>::max()));
  } else if constexpr (std::is_floating_point_v<T>) {
    if (!v.is_number()) detail::fail_json_type(v, what, "a number");
    const double d = v.get<double>();
    if (!std::isfinite(d) || std::fabs(d) > double(std::numeric_limits<T>::max()))
      detail::fail_json_type(v, what, "a finite number");
    return T(d);
  } else if constexpr (std::is_same_v<T, std::string>) {
    if (!v.is_string()) detail::fail_json_type(v, what, "a string");
    return v.get<std::string>();
  } else if constexpr (detail::is_vector<T>::value) {
    if (!v.is_array()) detail::fail_json_type(v, what, "an array");
    T out;
    for (size_t i = 0; i < v.size(); ++i)
      out.push_back(json_get<typename T::value_type>(v[i], str_cat(what, "[", i, "]")));
    return out;
  } else if constexpr (detail::is_string_map<T>::value) {
    if (!v.is_object()) detail::fail_json_type(v, what, "an object");
    T out;
    for (auto it = v.begin(); it != v.end(); ++it)
      out[it.key()] = json_get<typename T::mapped_type>(it.value(), str_cat(what, ".", it.key()));
    return out;
  } else {
    static_assert(sizeof(T) == 0, "json_get: unsupported type");
  }
}

// obj[key] itself, to read further (a nested object or array); an error naming `where`
// and the key when obj is not an object or has no such key.
const nlohmann::json& json_member(const nlohmann::json& obj, const std::string& key, const std::string& where);

// obj[key] converted to T; an error naming `where` and the key when absent or of the wrong type.
template <class T>
T json_field(const nlohmann::json& obj, const std::string& key, const std::string& where) {
  return json_get<T>(json_member(obj, key, where), str_cat(where, ": '", key, "'"));
}
// An integer field in [lo, hi] (the caller's bounds, inclusive).
int64_t json_int_field(const nlohmann::json& obj, const char* key, const std::string& where, int64_t lo, int64_t hi);

}  // namespace ws
