// bl::lib::os::path — Python's os.path on POSIX (CPython 3.11 Lib/posixpath.py and
// Lib/genericpath.py) for str paths.
//
// The string functions (join, split, dirname, basename, isabs, normpath) are pure and follow
// posixpath character for character: "//" at the start is kept, trailing slashes are stripped
// from a head unless it is all slashes, an absolute component in join discards what came
// before. The functions that ask the file system go through a Kernel with os.stat, so their
// system calls are Python's: exists/isfile/isdir swallow OSError and ValueError (False),
// getsize and samefile let them through, abspath asks getcwd only for a relative path.
#pragma once

#include <concepts>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "lib/os.hpp"

namespace bl::lib::os::path {

inline constexpr std::string_view sep = "/";

// join(a, *p): a then each part, with '/' between unless the path so far is empty or ends
// in '/'; a part starting with '/' starts over.
std::string join(std::string_view a, std::span<const std::string_view> p);
template <class... Parts>
  requires(std::convertible_to<const Parts&, std::string_view> && ...)
std::string join(std::string_view a, const Parts&... p) {
  const std::string_view parts[] = {std::string_view(p)..., {}};
  return join(a, std::span<const std::string_view>(parts, sizeof...(Parts)));
}

// split(p): (head, tail) around the last '/'; head loses its trailing slashes unless it is
// nothing but slashes.
std::pair<std::string, std::string> split(std::string_view p);
std::string dirname(std::string_view p);
std::string basename(std::string_view p);
bool isabs(std::string_view p);
// normpath(p): "." and empty components dropped, "x/.." folded; "" is ".", and exactly two
// leading slashes stay two (POSIX leaves their meaning to the implementation).
std::string normpath(std::string_view p);

// abspath(p): normpath(join(os.getcwd(), p)); getcwd is called only when p is relative.
std::string abspath(Kernel& k, std::string_view p);
bool exists(Kernel& k, std::string_view p);
bool isfile(Kernel& k, std::string_view p);
bool isdir(Kernel& k, std::string_view p);
std::int64_t getsize(Kernel& k, std::string_view p);
// samestat: the same inode on the same device. samefile stats f1, then f2 (raising).
bool samestat(const stat_result& s1, const stat_result& s2);
bool samefile(Kernel& k, std::string_view f1, std::string_view f2);

}  // namespace bl::lib::os::path
