#include "os/errors.hpp"

#include <cstdint>
#include <cstdlib>

namespace bl {

namespace {

std::string os_error_message(os::Errno e, const std::string& text,
                             const std::optional<std::string>& filename,
                             const std::optional<std::string>& filename2) {
  std::string message = "[Errno " + std::to_string(static_cast<int>(e)) + "] " + text;
  if (filename) {
    message += ": " + python_str_repr(*filename);
    if (filename2) message += " -> " + python_str_repr(*filename2);
  }
  return message;
}

// Decodes one UTF-8 sequence at `s[i]`; returns the code point and advances `i`, or returns -1
// (and advances by one byte) for a byte that does not start a valid sequence.
long decode_utf8(std::string_view s, std::size_t& i) {
  auto byte = [&](std::size_t k) { return static_cast<std::uint8_t>(s[k]); };
  std::uint8_t b0 = byte(i);
  int length = b0 < 0x80           ? 1
               : (b0 >> 5) == 0x6  ? 2
               : (b0 >> 4) == 0xe  ? 3
               : (b0 >> 3) == 0x1e ? 4
                                   : 0;
  if (length == 0 || i + length > s.size()) return ++i, -1;
  long cp = length == 1 ? b0 : b0 & (0x7f >> length);
  for (int k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xc0) != 0x80) return ++i, -1;
    cp = (cp << 6) | (byte(i + k) & 0x3f);
  }
  static constexpr long min_for_length[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < min_for_length[length] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
    return ++i, -1;
  i += length;
  return cp;
}

void append_hex(std::string& out, const char* prefix, unsigned long value, int digits) {
  static constexpr char hex[] = "0123456789abcdef";
  out += prefix;
  for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) out += hex[(value >> shift) & 0xf];
}

}  // namespace

OSError::OSError(os::Errno errno_value, std::optional<std::string> filename,
                 std::optional<std::string> filename2)
    : Exception(os_error_message(errno_value, os::strerror(errno_value), filename, filename2)),
      errno_(errno_value),
      strerror_(os::strerror(errno_value)),
      filename_(std::move(filename)),
      filename2_(std::move(filename2)) {}

OSError::OSError(os::Errno errno_value, Strerror strerror)
    : Exception(os_error_message(errno_value, strerror.text, std::nullopt, std::nullopt)),
      errno_(errno_value),
      strerror_(std::move(strerror.text)) {}

OSError::OSError(os::Errno errno_value, FdFilename filename)
    : Exception(
          os_error_message(errno_value, os::strerror(errno_value), std::nullopt, std::nullopt) +
          ": " + std::to_string(filename.fd)),
      errno_(errno_value),
      strerror_(os::strerror(errno_value)),
      filename_(std::to_string(filename.fd)) {}

OSError::OSError(std::string message) : Exception(std::move(message)) {}

namespace {

using Raise = void (*)(os::Errno, std::optional<std::string>, std::optional<std::string>);

template <class Type>
[[noreturn]] void raise_as(os::Errno e, std::optional<std::string> filename,
                           std::optional<std::string> filename2) {
  throw Type(e, std::move(filename), std::move(filename2));
}

struct Subclass {
  std::string_view name;
  Raise raise;
};

#define BL_SUBCLASS(Type) \
  Subclass { #Type, &raise_as < Type> }

// The OSError subclass CPython's OSError.__new__ picks for an errno (Objects/exceptions.c).
Subclass subclass_of(os::Errno e) {
  using os::Errno;
  switch (e) {
    case Errno::eagain:
    case Errno::ealready:
    case Errno::einprogress:
      return BL_SUBCLASS(BlockingIOError);
    case Errno::echild:
      return BL_SUBCLASS(ChildProcessError);
    case Errno::epipe:
    case Errno::eshutdown:
      return BL_SUBCLASS(BrokenPipeError);
    case Errno::econnaborted:
      return BL_SUBCLASS(ConnectionAbortedError);
    case Errno::econnrefused:
      return BL_SUBCLASS(ConnectionRefusedError);
    case Errno::econnreset:
      return BL_SUBCLASS(ConnectionResetError);
    case Errno::eexist:
      return BL_SUBCLASS(FileExistsError);
    case Errno::enoent:
      return BL_SUBCLASS(FileNotFoundError);
    case Errno::eintr:
      return BL_SUBCLASS(InterruptedError);
    case Errno::eisdir:
      return BL_SUBCLASS(IsADirectoryError);
    case Errno::enotdir:
      return BL_SUBCLASS(NotADirectoryError);
    case Errno::eacces:
    case Errno::eperm:
      return BL_SUBCLASS(PermissionError);
    case Errno::esrch:
      return BL_SUBCLASS(ProcessLookupError);
    case Errno::etimedout:
      return BL_SUBCLASS(TimeoutError);
    default:
      return BL_SUBCLASS(OSError);
  }
}

#undef BL_SUBCLASS

}  // namespace

std::string_view os_error_type_name(os::Errno e) { return subclass_of(e).name; }

void raise_os_error(os::Errno e, std::optional<std::string> filename,
                    std::optional<std::string> filename2) {
  subclass_of(e).raise(e, std::move(filename), std::move(filename2));
  std::abort();  // raise_as always throws
}

std::string python_str_repr(std::string_view utf8) {
  bool has_single = utf8.find('\'') != std::string_view::npos;
  bool has_double = utf8.find('"') != std::string_view::npos;
  char quote = has_single && !has_double ? '"' : '\'';
  std::string out(1, quote);
  for (std::size_t i = 0; i < utf8.size();) {
    std::size_t start = i;
    long cp = decode_utf8(utf8, i);
    if (cp < 0) {
      append_hex(out, "\\udc", static_cast<std::uint8_t>(utf8[start]), 2);
    } else if (cp == quote || cp == '\\') {
      out += '\\';
      out += static_cast<char>(cp);
    } else if (cp == '\t') {
      out += "\\t";
    } else if (cp == '\n') {
      out += "\\n";
    } else if (cp == '\r') {
      out += "\\r";
    } else if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) {
      append_hex(out, "\\x", static_cast<unsigned long>(cp), 2);
    } else {
      out.append(utf8.substr(start, i - start));
    }
  }
  out += quote;
  return out;
}

}  // namespace bl

namespace bl {

namespace {
WarningHandler warning_handler = nullptr;
}  // namespace

void set_warning_handler(WarningHandler handler) { warning_handler = handler; }

void warn(std::string_view category, std::string_view message) {
  if (warning_handler) warning_handler(category, message);
}

}  // namespace bl
