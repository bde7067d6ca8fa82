#include "trace/flag_names.hpp"

#include <utility>

#include "os/flags.hpp"

namespace bl::trace {

namespace {

using Names = std::initializer_list<std::pair<int, const char*>>;

// Names of the bits set in `flags`, joined by '|'; leftover bits in hex, "0" when none.
std::string bit_names(int flags, Names names, std::string text = {}) {
  for (auto [bit, name] : names) {
    if (bit != 0 && (flags & bit) == bit) {
      if (!text.empty()) text += '|';
      text += name;
      flags &= ~bit;
    }
  }
  if (flags != 0) {
    char hex[16];
    std::snprintf(hex, sizeof hex, "%#x", static_cast<unsigned>(flags));
    text += text.empty() ? hex : std::string("|") + hex;
  }
  return text.empty() ? "0" : text;
}

}  // namespace

std::string open_flag_names(int flags) {
  using namespace os;
  static constexpr const char* access[] = {"O_RDONLY", "O_WRONLY", "O_RDWR", "O_ACCMODE"};
  // O_TMPFILE holds O_DIRECTORY's bit and has the highest bit: strace names it last.
  if ((flags & O::TMPFILE) == O::TMPFILE) {
    return open_flag_names(flags & ~O::TMPFILE) + "|O_TMPFILE";
  }
  // strace's order (by bit value). O_SYNC contains O_DSYNC's bit, so it is tried first.
  return bit_names(flags & ~O::ACCMODE,
                   {{O::CREAT, "O_CREAT"},
                    {O::EXCL, "O_EXCL"},
                    {O::NOCTTY, "O_NOCTTY"},
                    {O::TRUNC, "O_TRUNC"},
                    {O::APPEND, "O_APPEND"},
                    {O::NONBLOCK, "O_NONBLOCK"},
                    {O::SYNC, "O_SYNC"},
                    {O::DSYNC, "O_DSYNC"},
                    {O::DIRECT, "O_DIRECT"},
                    {O::LARGEFILE, "O_LARGEFILE"},
                    {O::DIRECTORY, "O_DIRECTORY"},
                    {O::NOFOLLOW, "O_NOFOLLOW"},
                    {O::CLOEXEC, "O_CLOEXEC"}},
                   access[flags & O::ACCMODE]);
}

std::string pipe_flag_names(int flags) {
  using namespace os;
  return bit_names(
      flags, {{O::NONBLOCK, "O_NONBLOCK"}, {O::DIRECT, "O_DIRECT"}, {O::CLOEXEC, "O_CLOEXEC"}});
}

std::string whence_name(int whence) {
  static constexpr const char* names[] = {"SEEK_SET", "SEEK_CUR", "SEEK_END", "SEEK_DATA",
                                          "SEEK_HOLE"};
  return whence >= 0 && whence < 5 ? names[whence] : std::to_string(whence) + " /* SEEK_??? */";
}

std::string prot_names(int prot) {
  using namespace os;
  if (prot == PROT::NONE) return "PROT_NONE";
  return bit_names(
      prot, {{PROT::READ, "PROT_READ"}, {PROT::WRITE, "PROT_WRITE"}, {PROT::EXEC, "PROT_EXEC"}});
}

std::string map_flag_names(int flags) {
  using namespace os;
  // The two low bits are the map's type, which strace names as a value (0 is MAP_FILE, 3
  // MAP_SHARED_VALIDATE); the other flags are bits.
  static constexpr const char* types[] = {"MAP_FILE", "MAP_SHARED", "MAP_PRIVATE",
                                          "MAP_SHARED_VALIDATE"};
  const int rest = flags & ~(MAP::SHARED | MAP::PRIVATE);
  std::string text = types[flags & (MAP::SHARED | MAP::PRIVATE)];
  if (rest != 0) text += "|" + bit_names(rest, {{MAP::ANONYMOUS, "MAP_ANONYMOUS"}});
  return text;
}

std::string msync_flag_names(int flags) {
  using namespace os;
  return bit_names(
      flags, {{MS::ASYNC, "MS_ASYNC"}, {MS::INVALIDATE, "MS_INVALIDATE"}, {MS::SYNC, "MS_SYNC"}});
}

std::string mode_octal(std::uint32_t mode) {
  char text[16];
  std::snprintf(text, sizeof text, "%#04o", mode);
  return text;
}

}  // namespace bl::trace
