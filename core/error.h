// Errors: every failure is a ws::Error carrying a message that names what went wrong.
#pragma once
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

[[noreturn]] inline void fail(const std::string& msg) { throw Error(msg); }

}  // namespace ws

// WS_CHECK(cond, "op: ", a, " vs ", b): throws ws::Error with the concatenated message.
#define WS_CHECK(cond, ...)                                  \
  do {                                                       \
    if (!(cond)) ::ws::fail(::ws::str_cat(__VA_ARGS__));     \
  } while (0)
