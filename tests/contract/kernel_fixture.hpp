// The kernel contract suite's fixtures: each test runs once per kernel, against a fresh
// directory, and asserts what real Linux does (every expected value was produced by PosixKernel
// on these machines: Debian 12, Linux 6.x, /tmp on ext4). SimKernel must answer the same.
//
//   TEST_CASE_TEMPLATE("...", F, BL_CONTRACT_KERNELS) { F f; auto& k = f.kernel; ... }
#pragma once

#include <doctest/doctest.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "os/kernel.hpp"
#include "os/sim_kernel.hpp"
#ifdef BL_HAVE_POSIX_KERNEL
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <csignal>
#include <filesystem>
#include <system_error>

#include "os/posix_kernel.hpp"
#endif

namespace doctest {
template <>
struct StringMaker<bl::os::Errno> {
  static String convert(bl::os::Errno e) { return std::string(bl::os::errno_name(e)).c_str(); }
};
}  // namespace doctest

namespace bl::contract {

using os::Errno;
using os::Fd;
using os::Kernel;
namespace O = os::O;
namespace SEEK = os::SEEK;
namespace S = os::S;
namespace PROT = os::PROT;
namespace MAP = os::MAP;
namespace MS = os::MS;
namespace MREMAP = os::MREMAP;

// The value of a call that must succeed; fails the test (showing the errno) otherwise.
template <class T>
T must(os::Result<T> result) {
  REQUIRE_MESSAGE(result.ok(), "failed with ", result.error());
  return std::move(result).value();
}
inline void must(os::Result<void> result) {
  REQUIRE_MESSAGE(result.ok(), "failed with ", result.error());
}

inline std::span<std::byte> writable(std::string& text) {
  return {reinterpret_cast<std::byte*>(text.data()), text.size()};
}

// Creates (or truncates) `path` holding `text`.
inline void write_file(Kernel& k, std::string_view path, std::string_view text) {
  const Fd fd = must(k.open(path, O::WRONLY | O::CREAT | O::TRUNC, 0666));
  CHECK(must(k.write(fd, os::as_bytes(text))) == text.size());
  must(k.close(fd));
}

// Whether `fd` is closed on exec (FD_CLOEXEC), as fcntl(F_GETFD) reports it.
inline bool close_on_exec(Kernel& k, Fd fd) { return !must(k.get_inheritable(fd)); }

// Reads from the file position until end of file.
inline std::string read_all(Kernel& k, Fd fd) {
  std::string text, chunk(1000, '\0');
  while (const std::size_t n = must(k.read(fd, writable(chunk)))) text.append(chunk, 0, n);
  return text;
}

inline std::string read_file(Kernel& k, std::string_view path) {
  const Fd fd = must(k.open(path, O::RDONLY));
  std::string text = read_all(k, fd);
  must(k.close(fd));
  return text;
}

// At most `size` bytes at `offset`, as text.
inline std::string pread_text(Kernel& k, Fd fd, std::size_t size, std::int64_t offset) {
  std::string text(size, '\0');
  text.resize(must(k.pread(fd, writable(text), offset)));
  return text;
}

// At most `size` bytes from the file position, as text.
inline std::string read_text(Kernel& k, Fd fd, std::size_t size) {
  std::string text(size, '\0');
  text.resize(must(k.read(fd, writable(text))));
  return text;
}

inline std::int64_t tell(Kernel& k, Fd fd) { return must(k.lseek(fd, 0, SEEK::CUR)); }

inline std::string text_at(const std::byte* address, std::size_t size) {
  return std::string(os::as_text({address, size}));
}

// A descriptor number no test ever has open.
inline constexpr Fd kBadFd = 999;

}  // namespace bl::contract

#ifdef BL_HAVE_POSIX_KERNEL
// The real kernel in a fresh directory under /tmp (ext4 here), removed afterwards. The process
// is put in the state the contract assumes: SIGPIPE ignored (as CPython does at start-up, so a
// write to a widowed pipe fails with EPIPE instead of killing us) and umask 022.
struct PosixFixture {
  bl::os::PosixKernel kernel;
  std::string root;

  PosixFixture();
  ~PosixFixture();
  PosixFixture(const PosixFixture&) = delete;
  PosixFixture& operator=(const PosixFixture&) = delete;

  std::string path(std::string_view name) const { return root + "/" + std::string(name); }
};
TYPE_TO_STRING(PosixFixture);

inline PosixFixture::PosixFixture() {
  std::signal(SIGPIPE, SIG_IGN);
  ::umask(022);
  std::string name = "/tmp/bl-contract-XXXXXX";
  REQUIRE(::mkdtemp(name.data()) != nullptr);
  root = name;
}

inline PosixFixture::~PosixFixture() {
  std::error_code ignored;
  std::filesystem::remove_all(root, ignored);
}

#endif

// The simulated kernel, in a directory it starts without.
struct SimFixture {
  bl::os::SimKernel kernel;
  std::string root = "/tmp/contract";

  SimFixture() { bl::contract::must(kernel.mkdir(root)); }

  std::string path(std::string_view name) const { return root + "/" + std::string(name); }
};
TYPE_TO_STRING(SimFixture);

#ifdef BL_HAVE_POSIX_KERNEL
#define BL_CONTRACT_KERNELS PosixFixture, SimFixture
#else
#define BL_CONTRACT_KERNELS SimFixture
#endif
