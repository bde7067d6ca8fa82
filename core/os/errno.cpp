#include "os/errno.hpp"

#include <string>

namespace bl::os {

std::string strerror(Errno e) {
  switch (e) {
    case Errno::none:
      return "Success";
#define BL_OS_ERRNO_TEXT(name, number, text) \
  case Errno::name:                          \
    return text;
      BL_OS_ERRNO_LIST(BL_OS_ERRNO_TEXT)
#undef BL_OS_ERRNO_TEXT
  }
  return "Unknown error " + std::to_string(static_cast<int>(e));
}

namespace {
constexpr char ascii_upper(char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 32) : c; }

template <std::size_t N>
struct UpperName {
  char text[N]{};
  constexpr explicit UpperName(const char (&lower)[N]) {
    for (std::size_t i = 0; i < N; ++i) text[i] = ascii_upper(lower[i]);
  }
};
}  // namespace

std::string_view errno_name(Errno e) {
  switch (e) {
    case Errno::none:
      return "0";
#define BL_OS_ERRNO_NAME(name, number, description) \
  case Errno::name: {                               \
    static constexpr UpperName upper{#name};        \
    return upper.text;                              \
  }
      BL_OS_ERRNO_LIST(BL_OS_ERRNO_NAME)
#undef BL_OS_ERRNO_NAME
  }
  return "E?";
}

}  // namespace bl::os
