#include "engine/json.h"

namespace ws {

void check_json_depth(std::string_view text, const std::string& where) {
  int depth = 0;
  bool in_string = false, escaped = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      WS_CHECK(++depth <= kMaxJsonDepth, where, ": JSON nests deeper than ", kMaxJsonDepth,
               " levels (at byte ", i, ")");
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
}

std::string json_parse_reason(const std::exception& e) {
  constexpr size_t kMax = 200;
  std::string s = e.what();
  // "[json.exception.parse_error.101] parse error at ...": the library's id says nothing
  // to a user; the reason after it does.
  if (s.rfind("[json.exception.", 0) == 0 && s.find("] ") != std::string::npos) s = s.substr(s.find("] ") + 2);
  return s.size() <= kMax ? s : s.substr(0, kMax) + "...";
}

namespace {
constexpr size_t kExcerptChars = 80;

std::string cut(std::string s) { return s.size() <= kExcerptChars ? s : s.substr(0, kExcerptChars) + "..."; }

template <class Json>
std::string scalar_or_marker(const Json& v) {
  if (v.is_array()) return v.empty() ? "[]" : "[...]";
  if (v.is_object()) return v.empty() ? "{}" : "{...}";
  return cut(v.dump());
}

// One level only: nested containers show as [...] / {...}, so no recursion into the input.
template <class Json>
std::string excerpt(const Json& v) {
  if (!v.is_array() && !v.is_object()) return scalar_or_marker(v);
  std::string out = v.is_array() ? "[" : "{";
  size_t n = 0;
  for (auto it = v.begin(); it != v.end() && out.size() < kExcerptChars; ++it, ++n) {
    if (n) out += ", ";
    if (v.is_object()) out += cut(Json(it.key()).dump()) + ": ";
    out += scalar_or_marker(it.value());
  }
  if (n < v.size()) out += ", ...";
  return out + (v.is_array() ? "]" : "}");
}

const char* type_phrase(const nlohmann::json& v) {
  switch (v.type()) {
    case nlohmann::json::value_t::null: return "null";
    case nlohmann::json::value_t::boolean: return "a boolean";
    case nlohmann::json::value_t::string: return "a string";
    case nlohmann::json::value_t::array: return "an array";
    case nlohmann::json::value_t::object: return "an object";
    case nlohmann::json::value_t::number_float: return "a number";
    default: return "an integer";
  }
}
}  // namespace

std::string json_excerpt(const nlohmann::json& v) { return excerpt(v); }
std::string json_excerpt(const nlohmann::ordered_json& v) { return excerpt(v); }

namespace detail {

void fail_json_type(const nlohmann::json& v, const std::string& what, const char* expected) {
  fail(str_cat(what, " = ", json_excerpt(v), " (", type_phrase(v), "): expected ", expected));
}

int64_t json_integer(const nlohmann::json& v, const std::string& what, int64_t lo, int64_t hi) {
  int64_t x = 0;
  if (v.is_number_unsigned()) {
    const uint64_t u = v.get<uint64_t>();
    WS_CHECK(u <= uint64_t(std::numeric_limits<int64_t>::max()), what, " = ", u, " is outside [", lo, ", ", hi, "]");
    x = int64_t(u);
  } else if (v.is_number_integer()) {
    x = v.get<int64_t>();
  } else if (v.is_number_float()) {
    const double d = v.get<double>();
    if (!std::isfinite(d) || d != std::floor(d)) fail_json_type(v, what, "an integer");
    // 2^63 itself does not fit an int64_t; everything in range below it converts exactly.
    if (d < -9.2e18 || d > 9.2e18) fail(str_cat(what, " = ", json_excerpt(v), " is outside [", lo, ", ", hi, "]"));
    x = int64_t(d);
  } else {
    fail_json_type(v, what, "an integer");
  }
  WS_CHECK(x >= lo && x <= hi, what, " = ", x, " is outside [", lo, ", ", hi, "]");
  return x;
}

uint64_t json_unsigned(const nlohmann::json& v, const std::string& what, uint64_t hi) {
  if (v.is_number_unsigned()) {
    const uint64_t u = v.get<uint64_t>();
    WS_CHECK(u <= hi, what, " = ", u, " is outside [0, ", hi, "]");
    return u;
  }
  const int64_t cap = hi > uint64_t(std::numeric_limits<int64_t>::max()) ? std::numeric_limits<int64_t>::max()
                                                                         : int64_t(hi);
  return uint64_t(json_integer(v, what, 0, cap));
}

}  // namespace detail

const nlohmann::json& json_member(const nlohmann::json& obj, const std::string& key, const std::string& where) {
  WS_CHECK(obj.is_object() && obj.contains(key), where, ": missing '", key, "'");
  return obj[key];
}

int64_t json_int_field(const nlohmann::json& obj, const char* key, const std::string& where, int64_t lo, int64_t hi) {
  WS_CHECK(obj.is_object() && obj.contains(key), where, ": missing '", key, "'");
  return detail::json_integer(obj[key], str_cat(where, ": '", key, "'"), lo, hi);
}

}  // namespace ws
