// Small helpers for SimKernel's own tests, on top of the contract suite's.
#pragma once

#include <string>
#include <string_view>

#include "contract/kernel_fixture.hpp"

namespace bl::test {

using contract::must;

// Creates or truncates `path` with `text`; fsyncs the file too when `sync`.
inline void put(os::Kernel& k, std::string_view path, std::string_view text, bool sync = false) {
  os::Fd fd = must(k.open(path, os::O::WRONLY | os::O::CREAT | os::O::TRUNC));
  CHECK(must(k.write(fd, os::as_bytes(text))) == text.size());
  if (sync) must(k.fsync(fd));
  must(k.close(fd));
}

inline std::string contents(os::Kernel& k, std::string_view path) {
  os::Fd fd = must(k.open(path, os::O::RDONLY));
  std::string text = contract::read_all(k, fd);
  must(k.close(fd));
  return text;
}

inline bool exists(os::Kernel& k, std::string_view path) { return k.stat(path).ok(); }

}  // namespace bl::test
