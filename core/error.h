// Errors: every failure is a ws::Error carrying a message that names what went wrong.
#pragma once
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <stdexcept>
#include <string>

namespace ws {

struct Error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

namespace detail {
inline void append(std::ostringstream&) {}
template <class T, class... Rest>
void append(std::ostringstream& os, const T& v, const Rest&... rest) {
  os << v;
  append(os, rest...);
}
}  // namespace detail

// Concatenates its arguments with operator<< into one string.
template <class... Args>
std::string str_cat(const Args&... args) {
  std::ostringstream os;
  detail::append(os, args...);
  return os.str();
}

// Sizes as error messages print them: "[3, 32, 32, 16]" ("[]" for none).
inline std::string dims_str(const int64_t* dims, size_t n) {
  std::string s = "[";
  for (size_t i = 0; i < n; ++i) s += (i ? ", " : "") + std::to_string(dims[i]);
  return s + "]";
}

[[noreturn]] inline void fail(const std::string& msg) { throw Error(msg); }

}  // namespace ws

// WS_CHECK(cond, "op: ", a, " vs ", b): throws ws::Error with the concatenated message.
#define WS_CHECK(cond, ...)                                  \
  do {                                                       \
    if (!(cond)) ::ws::fail(::ws::str_cat(__VA_ARGS__));     \
  } while (0)
