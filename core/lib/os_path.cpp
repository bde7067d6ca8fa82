// os.path for POSIX str paths (os_path.hpp): posixpath's string rules and genericpath's
// stat-based predicates.
#include "lib/os_path.hpp"

#include <vector>

namespace bl::lib::os::path {

namespace {

bool starts_with_sep(std::string_view s) { return !s.empty() && s.front() == '/'; }
bool ends_with_sep(std::string_view s) { return !s.empty() && s.back() == '/'; }

// The part of `p` up to and including its last '/' (empty when there is none).
std::string_view head_of(std::string_view p) {
  std::size_t i = p.rfind('/');
  return i == std::string_view::npos ? std::string_view() : p.substr(0, i + 1);
}

// posixpath strips a head's trailing slashes unless the head is slashes only ("/", "//").
std::string strip_head(std::string_view head) {
  std::size_t last = head.find_last_not_of('/');
  if (last == std::string_view::npos) return std::string(head);
  return std::string(head.substr(0, last + 1));
}

// The '/'-separated components of `p`, empty ones included, as str.split('/') gives them.
std::vector<std::string_view> components(std::string_view p) {
  std::vector<std::string_view> parts;
  for (std::size_t start = 0;;) {
    std::size_t end = p.find('/', start);
    parts.push_back(p.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

}  // namespace

std::string join(std::string_view a, std::span<const std::string_view> p) {
  std::string path(a);
  for (std::string_view b : p) {
    if (starts_with_sep(b)) {
      path = b;
    } else if (path.empty() || ends_with_sep(path)) {
      path += b;
    } else {
      path += '/';
      path += b;
    }
  }
  return path;
}

std::pair<std::string, std::string> split(std::string_view p) {
  std::string_view head = head_of(p);
  return {strip_head(head), std::string(p.substr(head.size()))};
}

std::string dirname(std::string_view p) { return strip_head(head_of(p)); }

std::string basename(std::string_view p) { return std::string(p.substr(head_of(p).size())); }

bool isabs(std::string_view p) { return starts_with_sep(p); }

std::string normpath(std::string_view p) {
  if (p.empty()) return ".";
  std::size_t initial_slashes = 0;
  if (starts_with_sep(p)) initial_slashes = p.starts_with("//") && !p.starts_with("///") ? 2 : 1;
  std::vector<std::string_view> kept;
  for (std::string_view comp : components(p)) {
    if (comp.empty() || comp == ".") continue;
    bool climbs_past_start = !initial_slashes && kept.empty();
    if (comp != ".." || climbs_past_start || (!kept.empty() && kept.back() == "..")) {
      kept.push_back(comp);
    } else if (!kept.empty()) {
      kept.pop_back();
    }
  }
  std::string path(initial_slashes, '/');
  for (std::size_t i = 0; i < kept.size(); ++i) {
    if (i) path += '/';
    path += kept[i];
  }
  return path.empty() ? "." : path;
}

std::string abspath(Kernel& k, std::string_view p) {
  if (isabs(p)) return normpath(p);
  return normpath(join(getcwd(k), p));
}

namespace {

// os.stat(p), or nothing where genericpath's predicates catch (OSError, ValueError).
std::optional<stat_result> try_stat(Kernel& k, std::string_view p) {
  try {
    return stat(k, p);
  } catch (const OSError&) {
    return std::nullopt;
  } catch (const ValueError&) {
    return std::nullopt;
  }
}

}  // namespace

bool exists(Kernel& k, std::string_view p) { return try_stat(k, p).has_value(); }

bool isfile(Kernel& k, std::string_view p) {
  auto st = try_stat(k, p);
  return st && st->is_regular();
}

bool isdir(Kernel& k, std::string_view p) {
  auto st = try_stat(k, p);
  return st && st->is_directory();
}

std::int64_t getsize(Kernel& k, std::string_view p) { return stat(k, p).st_size; }

bool samestat(const stat_result& s1, const stat_result& s2) {
  return s1.st_ino == s2.st_ino && s1.st_dev == s2.st_dev;
}

bool samefile(Kernel& k, std::string_view f1, std::string_view f2) {
  stat_result s1 = stat(k, f1);
  return samestat(s1, stat(k, f2));
}

}  // namespace bl::lib::os::path
