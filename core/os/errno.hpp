// Error numbers as Linux (x86-64, glibc) defines them, whatever the host.
//
// The simulated kernel and the wasm build report these numbers and texts, so a learner sees
// `[Errno 2] No such file or directory` everywhere (Emscripten's own libc would say 44).
// Names are lower case because <cerrno> defines the upper-case ones as macros.
#pragma once

#include <string_view>

namespace bl::os {

// X(name, number, strerror text of glibc)
#define BL_OS_ERRNO_LIST(X)                                          \
  X(eperm, 1, "Operation not permitted")                             \
  X(enoent, 2, "No such file or directory")                          \
  X(esrch, 3, "No such process")                                     \
  X(eintr, 4, "Interrupted system call")                             \
  X(eio, 5, "Input/output error")                                    \
  X(enxio, 6, "No such device or address")                           \
  X(e2big, 7, "Argument list too long")                              \
  X(ebadf, 9, "Bad file descriptor")                                 \
  X(echild, 10, "No child processes")                                \
  X(eagain, 11, "Resource temporarily unavailable")                  \
  X(enomem, 12, "Cannot allocate memory")                            \
  X(eacces, 13, "Permission denied")                                 \
  X(efault, 14, "Bad address")                                       \
  X(ebusy, 16, "Device or resource busy")                            \
  X(eexist, 17, "File exists")                                       \
  X(exdev, 18, "Invalid cross-device link")                          \
  X(enodev, 19, "No such device")                                    \
  X(enotdir, 20, "Not a directory")                                  \
  X(eisdir, 21, "Is a directory")                                    \
  X(einval, 22, "Invalid argument")                                  \
  X(enfile, 23, "Too many open files in system")                     \
  X(emfile, 24, "Too many open files")                               \
  X(enotty, 25, "Inappropriate ioctl for device")                    \
  X(etxtbsy, 26, "Text file busy")                                   \
  X(efbig, 27, "File too large")                                     \
  X(enospc, 28, "No space left on device")                           \
  X(espipe, 29, "Illegal seek")                                      \
  X(erofs, 30, "Read-only file system")                              \
  X(emlink, 31, "Too many links")                                    \
  X(epipe, 32, "Broken pipe")                                        \
  X(erange, 34, "Numerical result out of range")                     \
  X(edeadlk, 35, "Resource deadlock avoided")                        \
  X(enametoolong, 36, "File name too long")                          \
  X(enosys, 38, "Function not implemented")                          \
  X(enotempty, 39, "Directory not empty")                            \
  X(eloop, 40, "Too many levels of symbolic links")                  \
  X(eoverflow, 75, "Value too large for defined data type")          \
  X(enotsock, 88, "Socket operation on non-socket")                  \
  X(eopnotsupp, 95, "Operation not supported")                       \
  X(eaddrinuse, 98, "Address already in use")                        \
  X(econnaborted, 103, "Software caused connection abort")           \
  X(econnreset, 104, "Connection reset by peer")                     \
  X(eshutdown, 108, "Cannot send after transport endpoint shutdown") \
  X(etimedout, 110, "Connection timed out")                          \
  X(econnrefused, 111, "Connection refused")                         \
  X(ealready, 114, "Operation already in progress")                  \
  X(einprogress, 115, "Operation now in progress")                   \
  X(edquot, 122, "Disk quota exceeded")

enum class Errno : int {
  none = 0,
#define BL_OS_ERRNO_ENUM(name, number, text) name = number,
  BL_OS_ERRNO_LIST(BL_OS_ERRNO_ENUM)
#undef BL_OS_ERRNO_ENUM
};

// glibc's strerror() text, e.g. "No such file or directory"; "Unknown error N" otherwise.
std::string strerror(Errno e);

// The symbolic name strace prints, e.g. "ENOENT"; "E?" for numbers outside the list.
std::string_view errno_name(Errno e);

}  // namespace bl::os
