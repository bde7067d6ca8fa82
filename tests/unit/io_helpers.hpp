// Shared fixtures of the io unit tests (buffer, FileIO, Buffered*, open()).
//
// Every expected value in those tests comes from CPython 3.11.7 on these machines
// (`env -u PYTHONUNBUFFERED python3`, under
// `strace -e trace=openat,read,write,lseek,newfstatat,ioctl,ftruncate,close` when syscalls
// matter). Syscalls are compared in a compact form, one string per call on one descriptor:
//
//   strace                                           here
//   openat(AT_FDCWD, "f", O_RDONLY|O_CLOEXEC) = 3    openat(O_RDONLY|O_CLOEXEC)
//   newfstatat(3, "", {...}, AT_EMPTY_PATH) = 0       fstat()=0
//   ioctl(3, TCGETS, 0x7ffd...) = -1 ENOTTY (...)     ioctl(TCGETS)=-1 ENOTTY
//   lseek(3, 0, SEEK_CUR) = 4096                      lseek(0,SEEK_CUR)=4096
//   read(3, "..."..., 4096) = 4096                    read(4096)=4096
//
// so a test reads like the strace it was checked against.
#pragma once

#include <doctest/doctest.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "contract/kernel_fixture.hpp"
#include "io/buffered.hpp"
#include "io/fileio.hpp"
#include "io/open.hpp"
#include "os/errors.hpp"
#include "trace/events.hpp"
#include "trace/flag_names.hpp"
#include "trace/tracing_kernel.hpp"

namespace bl::iotest {

using contract::must;
// A list of compact syscall strings (or of any strings a test compares as a whole); its own
// type so that doctest can print it (see the StringMaker below) without touching how other
// tests print std::vector<std::string>.
struct Calls : std::vector<std::string> {
  using std::vector<std::string>::vector;
};

// What Python prints as the last line of the traceback ("ValueError: read of closed file"),
// or "" when `fn` raised nothing.
template <class Fn>
std::string raises(Fn&& fn) {
  try {
    fn();
  } catch (const bl::Exception& e) {
    return std::string(e.type_name()) + ": " + e.what();
  }
  return "";
}

inline buffer::ByteSpan bytes(std::string_view text) { return os::as_bytes(text); }
inline std::string str(const buffer::Bytes& data) { return std::string(data.view()); }
// Python's None shows as "<None>".
inline std::string str(const std::optional<buffer::Bytes>& data) {
  return data ? str(*data) : "<None>";
}
inline std::string str(buffer::ByteSpan data) { return std::string(os::as_text(data)); }

// A descriptor as the `file` argument of FileIO and open().
inline io::Name fd_name(os::Fd fd) { return io::Name{std::int64_t{fd}}; }

// One syscall in the compact form described above.
inline std::string compact(const trace::SyscallEvent& e) {
  const std::string result = e.error != os::Errno::none
                                 ? "-1 " + std::string(os::errno_name(e.error))
                                 : std::to_string(e.result);
  const std::string call(e.call);
  if (call == "read" || call == "write")
    return call + "(" + std::to_string(e.size.value_or(0)) + ")=" + result;
  if (call == "lseek")
    return "lseek(" + std::to_string(e.offset.value_or(0)) + "," + e.flags + ")=" + result;
  if (call == "newfstatat") return "fstat()=" + result;
  if (call == "ioctl" || call == "fcntl") return call + "(" + e.flags + ")=" + result;
  if (call == "ftruncate")
    return "ftruncate(" + std::to_string(e.offset.value_or(0)) + ")=" + result;
  if (call == "close") return "close()=" + result;
  if (call == "openat")
    return "openat(" + e.flags + (e.mode ? "," + trace::mode_octal(*e.mode) : "") + ")";
  return trace::to_strace(e);
}

// A kernel fixture (PosixFixture or SimFixture) whose kernel `k` records every call.
template <class F>
struct Traced : F {
  trace::Recorder recorder;
  trace::TracingKernel k{this->kernel, recorder};

  // The calls on `fd` (its openat included) since the last take(), in the compact form.
  Calls calls(os::Fd fd) const {
    Calls out;
    for (const trace::SyscallEvent& e : recorder.syscalls()) {
      const bool opened = e.call == "openat" && e.error == os::Errno::none && e.result == fd;
      if ((e.fd == fd && e.call != "pipe2") || opened) out.push_back(compact(e));
    }
    return out;
  }
  Calls take(os::Fd fd) {
    Calls out = calls(fd);
    recorder.clear();
    return out;
  }
  void clear() { recorder.clear(); }

  // Creates (or truncates) the file `name` of the fixture's directory, untraced.
  std::string put(std::string_view name, std::string_view text) {
    std::string p = this->path(name);
    contract::write_file(this->kernel, p, text);
    return p;
  }
  std::string contents(std::string_view name) {
    return contract::read_file(this->kernel, this->path(name));
  }
};

// "0123456789" repeated up to `n` bytes.
inline std::string digits(std::size_t n) {
  std::string text(n, '\0');
  for (std::size_t i = 0; i < n; ++i) text[i] = static_cast<char>('0' + i % 10);
  return text;
}

// The byte values 0, 1, ..., 255, 0, 1, ... up to `n` bytes (Python: bytes(range(256)) * k).
inline std::string ramp(std::size_t n) {
  std::string text(n, '\0');
  for (std::size_t i = 0; i < n; ++i) text[i] = static_cast<char>(i % 256);
  return text;
}

// Fills the pipe whose write end is `fd` (O_NONBLOCK) until the kernel says EAGAIN; returns
// how much it took.
inline std::size_t fill_pipe(os::Kernel& k, os::Fd fd) {
  const std::string chunk(4096, 'x');
  std::size_t total = 0;
  for (;;) {
    os::Result<std::size_t> n = k.write(fd, os::as_bytes(chunk));
    if (!n.ok()) {
      CHECK(n.error() == os::Errno::eagain);
      return total;
    }
    total += n.value();
  }
}

}  // namespace bl::iotest

namespace doctest {
template <>
struct StringMaker<bl::iotest::Calls> {
  static String convert(const bl::iotest::Calls& items) {
    std::string text = "{";
    for (std::size_t i = 0; i < items.size(); ++i) text += (i ? ", \"" : "\"") + items[i] + "\"";
    return (text + "}").c_str();
  }
};
}  // namespace doctest
