// Python exceptions as C++ exceptions: one C++ class per Python class, carrying CPython's message.
//
// `Exception` is the root every layer derives from; `type_name()` is the Python class name
// (`FileNotFoundError`) and `what()` the text Python prints after it. OSError mirrors
// CPython's `OSError.__new__`: constructing from an errno picks the subclass Python would pick
// (ENOENT -> FileNotFoundError, EAGAIN -> BlockingIOError, ...).
#pragma once

#include <cstdint>
#include <exception>
#include <optional>
#include <string>
#include <string_view>

#include "os/errno.hpp"

namespace bl {

class Exception : public std::exception {
 public:
  explicit Exception(std::string message) : message_(std::move(message)) {}
  const char* what() const noexcept override { return message_.c_str(); }
  // The Python class name, e.g. "ValueError".
  virtual std::string_view type_name() const noexcept { return "Exception"; }

 private:
  std::string message_;
};

// Declares a Python exception class `Name` deriving from `Base` with the given constructor.
#define BL_PY_EXCEPTION(Name, Base)                                        \
  class Name : public Base {                                               \
   public:                                                                 \
    using Base::Base;                                                      \
    std::string_view type_name() const noexcept override { return #Name; } \
  };

BL_PY_EXCEPTION(ValueError, Exception)
BL_PY_EXCEPTION(TypeError, Exception)
BL_PY_EXCEPTION(OverflowError, Exception)
BL_PY_EXCEPTION(AttributeError, Exception)
BL_PY_EXCEPTION(BufferError, Exception)
BL_PY_EXCEPTION(IndexError, Exception)
BL_PY_EXCEPTION(MemoryError, Exception)
BL_PY_EXCEPTION(RuntimeError, Exception)
BL_PY_EXCEPTION(NotImplementedError, RuntimeError)
BL_PY_EXCEPTION(StopIteration, Exception)

class OSError : public Exception {
 public:
  OSError(os::Errno errno_value, std::optional<std::string> filename = std::nullopt,
          std::optional<std::string> filename2 = std::nullopt);
  // OSError(errno, strerror): a message of the caller's instead of the C library's.
  struct Strerror {
    std::string text;
  };
  OSError(os::Errno errno_value, Strerror strerror);
  // OSError(errno, strerror(errno), fd): a descriptor number where the filename goes, as
  // FileIO(fd) reports it (`[Errno 21] Is a directory: 3`).
  struct FdFilename {
    std::int64_t fd;
  };
  OSError(os::Errno errno_value, FdFilename filename);
  // OSError(message): no errno; str() is the message alone.
  explicit OSError(std::string message);
  std::string_view type_name() const noexcept override { return "OSError"; }

  os::Errno errno_value() const { return errno_; }
  const std::string& strerror() const { return strerror_; }
  const std::optional<std::string>& filename() const { return filename_; }
  const std::optional<std::string>& filename2() const { return filename2_; }

 private:
  os::Errno errno_ = os::Errno::none;
  std::string strerror_;
  std::optional<std::string> filename_, filename2_;
};

// BlockingIOError(errno, strerror, characters_written): how much of a write was accepted
// before the stream would have blocked (the attribute exists only when given).
class BlockingIOError : public OSError {
 public:
  using OSError::OSError;
  BlockingIOError(os::Errno errno_value, std::string strerror, std::int64_t characters_written)
      : OSError(errno_value, Strerror{std::move(strerror)}),
        characters_written_(characters_written) {}
  std::string_view type_name() const noexcept override { return "BlockingIOError"; }
  std::optional<std::int64_t> characters_written() const { return characters_written_; }

 private:
  std::optional<std::int64_t> characters_written_;
};
BL_PY_EXCEPTION(ChildProcessError, OSError)
BL_PY_EXCEPTION(ConnectionError, OSError)
BL_PY_EXCEPTION(BrokenPipeError, ConnectionError)
BL_PY_EXCEPTION(ConnectionAbortedError, ConnectionError)
BL_PY_EXCEPTION(ConnectionRefusedError, ConnectionError)
BL_PY_EXCEPTION(ConnectionResetError, ConnectionError)
BL_PY_EXCEPTION(FileExistsError, OSError)
BL_PY_EXCEPTION(FileNotFoundError, OSError)
BL_PY_EXCEPTION(InterruptedError, OSError)
BL_PY_EXCEPTION(IsADirectoryError, OSError)
BL_PY_EXCEPTION(NotADirectoryError, OSError)
BL_PY_EXCEPTION(PermissionError, OSError)
BL_PY_EXCEPTION(ProcessLookupError, OSError)
BL_PY_EXCEPTION(TimeoutError, OSError)

// Throws the OSError subclass CPython maps `e` to, e.g.
// `FileNotFoundError: [Errno 2] No such file or directory: 'x'`.
[[noreturn]] void raise_os_error(os::Errno e, std::optional<std::string> filename = std::nullopt,
                                 std::optional<std::string> filename2 = std::nullopt);

// The Python class name raise_os_error would use for `e`.
std::string_view os_error_type_name(os::Errno e);

// repr() of a Python str holding `utf8` (undecodable bytes shown as surrogateescape does: \udcNN).
std::string python_str_repr(std::string_view utf8);

}  // namespace bl

namespace bl {

// warnings.warn(message, category): where library code reports a Python warning
// (`RuntimeWarning: line buffering (buffering=1) isn't supported in binary mode, ...`).
// The handler belongs to whoever runs the code (the interpreter prints it, the differential
// driver records it); without one, warnings are dropped.
using WarningHandler = void (*)(std::string_view category, std::string_view message);
void set_warning_handler(WarningHandler handler);
void warn(std::string_view category, std::string_view message);

}  // namespace bl
