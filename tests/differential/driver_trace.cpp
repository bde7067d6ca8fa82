// The "sys" lines of FORMAT.md from recorded SyscallEvents, as stracenorm.py makes them from
// an strace of CPython: only calls on paths or descriptors inside the work directory, named by
// relative path (descriptors >= 100 that name nothing by number, as strace -y shows them).
#include <algorithm>
#include <cstdio>

#include "driver.hpp"

namespace bl::diff {

namespace {

// os.path.normpath of an absolute path.
std::string normpath(std::string_view path) {
  std::vector<std::string_view> parts;
  std::size_t i = 0;
  while (i <= path.size()) {
    std::size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    std::string_view part = path.substr(i, j - i);
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    i = j + 1;
  }
  std::string out;
  for (auto part : parts) {
    out += '/';
    out += part;
  }
  return out.empty() ? "/" : out;
}

std::string result_text(const trace::SyscallEvent& e, bool new_fd = false) {
  if (e.error != os::Errno::none) return "-" + std::string(os::errno_name(e.error));
  if (new_fd) return "ok";
  return std::to_string(e.result);
}

// strace prints an unknown whence as `0x5 /* SEEK_??? */`; stracenorm turns that into "5".
std::string whence_text(const std::string& flags) {
  if (flags.rfind("SEEK_", 0) == 0) return flags;
  long long n = std::strtoll(flags.c_str(), nullptr, 10);
  return std::to_string(static_cast<std::uint32_t>(n));
}

// A mode as strace prints it (`%#03o`): 0644 -> "0644", 0 -> "000".
std::string mode_text(std::uint32_t mode) {
  char text[16];
  std::snprintf(text, sizeof text, "%#03o", mode);
  return text;
}

// sendfile's and copy_file_range's offset argument: "@N", or "NULL" when there is none.
std::string offset_text(const std::optional<std::int64_t>& offset) {
  return offset ? "@" + std::to_string(*offset) : "NULL";
}

// "A, B" (how TracingKernel joins several arguments in `flags`) as "A B".
std::string spaced(std::string args) {
  for (std::size_t k; (k = args.find(", ")) != std::string::npos;) args.replace(k, 2, " ");
  return args;
}

bool has_flag(const std::string& flags, std::string_view flag) {
  return ("|" + flags + "|").find("|" + std::string(flag) + "|") != std::string::npos;
}

constexpr std::uint64_t kPage = 4096;
// strace -y shows an O_TMPFILE file as "#<inode>" in its directory; both drivers name it so.
constexpr std::string_view kTmpfile = "#tmpfile";

const std::vector<std::string_view>& flag_order() {
  static const std::vector<std::string_view> order = {
      "O_CREAT",   "O_EXCL",    "O_NOCTTY", "O_TRUNC",     "O_APPEND",    "O_NONBLOCK",
      "O_DSYNC",   "O_ASYNC",   "O_DIRECT", "O_LARGEFILE", "O_DIRECTORY", "O_NOFOLLOW",
      "O_NOATIME", "O_CLOEXEC", "O_SYNC",   "O_PATH",      "O_TMPFILE"};
  return order;
}

}  // namespace

std::string canon_open_flags(std::string_view flags) {
  std::vector<std::string> access, rest;
  std::size_t i = 0;
  while (i <= flags.size()) {
    std::size_t j = flags.find('|', i);
    if (j == std::string_view::npos) j = flags.size();
    std::string part(flags.substr(i, j - i));
    if (part == "O_RDONLY" || part == "O_WRONLY" || part == "O_RDWR" || part == "O_ACCMODE")
      access.push_back(part);
    else
      rest.push_back(part);
    i = j + 1;
  }
  auto rank = [](const std::string& p) {
    const auto& order = flag_order();
    auto it = std::find(order.begin(), order.end(), p);
    return std::pair<std::size_t, std::string>(it == order.end() ? 99 : it - order.begin(), p);
  };
  std::stable_sort(rest.begin(), rest.end(),
                   [&](const std::string& a, const std::string& b) { return rank(a) < rank(b); });
  std::string out;
  for (const auto* list : {&access, &rest}) {
    for (const auto& p : *list) {
      if (!out.empty()) out += '|';
      out += p;
    }
  }
  return out;
}

std::optional<std::string> SyscallNormalizer::relative(std::string_view path) const {
  std::string full =
      normpath(path.starts_with("/") ? std::string(path) : wdir_ + "/" + std::string(path));
  if (full == wdir_) return ".";
  if (full.starts_with(wdir_ + "/")) return full.substr(wdir_.size() + 1);
  return std::nullopt;
}

std::optional<std::string> SyscallNormalizer::relative_at(int dirfd, std::string_view path) const {
  if (dirfd < 0 || path.starts_with("/")) return relative(path);
  auto it = fds_.find(dirfd);
  if (it == fds_.end() || !it->second || *it->second == kPipe) return std::nullopt;
  return relative(*it->second + "/" + std::string(path));
}

std::optional<std::string> SyscallNormalizer::fd_name(int fd) const {
  auto it = fds_.find(fd);
  if (it != fds_.end() && it->second == kPipe) {
    if (fd >= 100) return "fd" + std::to_string(fd);
    return std::nullopt;
  }
  if (it != fds_.end()) return it->second;
  if (fd >= 100) return std::to_string(fd);
  return std::nullopt;
}

std::vector<std::string> SyscallNormalizer::normalize(
    const std::vector<trace::SyscallEvent>& events) {
  std::vector<std::string> lines;
  for (const auto& e : events) {
    if (e.call == "getdents64" && e.fd < 0) {
      listdir_lines(e, lines);
    } else if (auto text = line(e)) {
      lines.push_back(std::move(*text));
    }
  }
  return lines;
}

// Kernel::listdir (a getdents64 event naming a path) as the calls of os.listdir under strace:
// glibc's opendir, readdir's getdents64 until it returns 0, closedir. (A directory whose
// records pass one buffer would take more getdents64 calls; no script makes one.)
void SyscallNormalizer::listdir_lines(const trace::SyscallEvent& e,
                                      std::vector<std::string>& lines) const {
  auto path = relative(e.path);
  if (!path) return;
  const std::string open = "openat " + *path + " " +
                           canon_open_flags("O_RDONLY|O_NONBLOCK|O_DIRECTORY|O_CLOEXEC") + " = ";
  if (e.error != os::Errno::none) {
    lines.push_back(open + result_text(e));
    return;
  }
  const std::string getdents = "getdents64 " + *path + " " + std::to_string(e.size.value_or(0));
  lines.push_back(open + "ok");
  lines.push_back("fstat " + *path + " = 0");
  lines.push_back(getdents + " = " + std::to_string(e.result));
  lines.push_back(getdents + " = 0");
  lines.push_back("close " + *path + " = 0");
}

// Calls that name files by path (relative to the cwd or to a directory descriptor).
std::optional<std::string> SyscallNormalizer::path_line(const trace::SyscallEvent& e) {
  const std::string_view call = e.call;
  const bool ok = e.error == os::Errno::none;
  if (call == "openat") {
    auto path = relative_at(e.fd, e.path);
    if (ok) {
      fds_[static_cast<int>(e.result)] =
          has_flag(e.flags, "O_TMPFILE") ? relative_at(e.fd, e.path + "/" + std::string(kTmpfile))
                                         : path;
    }
    if (!path) return std::nullopt;
    std::string mode = e.mode ? " " + mode_text(*e.mode) : "";
    return "openat " + *path + " " + canon_open_flags(e.flags) + mode + " = " + result_text(e, ok);
  }
  if (call == "rename") {
    auto a = relative(e.path), b = relative(e.path2);
    if (!a && !b) return std::nullopt;
    if (ok && a && b) {
      // strace names a descriptor by its file's current path: what was open under `a` is
      // now under `b`.
      for (auto& [fd, name] : fds_) {
        if (name && (*name == *a || name->starts_with(*a + "/"))) {
          *name = *b + name->substr(a->size());
        }
      }
    }
    return "rename " + a.value_or("None") + " " + b.value_or("None") + " = " + result_text(e);
  }
  auto path = relative_at(e.fd, e.path);
  if (!path) return std::nullopt;
  std::string text;
  if (call == "newfstatat") {
    text = (has_flag(e.flags, "AT_SYMLINK_NOFOLLOW") ? "lstat " : "stat ") + *path;
  } else if (call == "unlink" || call == "rmdir") {
    text = std::string(call) + " " + *path;
  } else if (call == "mkdir" || call == "chmod" || call == "fchmodat") {
    text = std::string(call) + " " + *path + " " + mode_text(e.mode.value_or(0));
  } else {  // unlinkat
    text = "unlinkat " + *path + " " + (e.flags.empty() ? "0" : e.flags);
  }
  return text + " = " + result_text(e);
}

// msync, munmap, mremap and madvise: attributed by address to a map of a listed file.
std::optional<std::string> SyscallNormalizer::memory_line(const trace::SyscallEvent& e) {
  const std::string_view call = e.call;
  const bool ok = e.error == os::Errno::none;
  const std::uint64_t addr = e.address.value_or(0);
  auto it = maps_.upper_bound(addr);
  if (it == maps_.begin()) return std::nullopt;
  --it;
  const std::uint64_t start = it->first;
  const Map map = it->second;
  if (addr - start >= std::max((map.length + kPage - 1) / kPage * kPage, kPage)) {
    return std::nullopt;  // malloc's maps and other memory
  }
  std::string text = std::string(call) + " " + map.name + " +" + std::to_string(addr - start) +
                     " " + std::to_string(e.size.value_or(0));
  if (call == "mremap") {
    text += " " + spaced(e.flags);  // "NEWLEN, FLAGS"
    if (ok) {
      maps_.erase(start);
      maps_[static_cast<std::uint64_t>(e.result)] = {std::stoull(e.flags), map.name};
    }
  } else if (call == "munmap") {
    if (ok && addr == start && e.size.value_or(0) >= map.length) maps_.erase(start);
  } else {
    text += " " + e.flags;  // msync's flags, madvise's advice
  }
  return text + " = " + result_text(e, ok && call == "mremap");
}

std::optional<std::string> SyscallNormalizer::line(const trace::SyscallEvent& e) {
  const std::string_view call = e.call;
  const bool ok = e.error == os::Errno::none;
  if (call == "openat" || call == "rename" || call == "unlink" || call == "unlinkat" ||
      call == "mkdir" || call == "rmdir" || call == "chmod" || call == "fchmodat" ||
      (call == "newfstatat" && !has_flag(e.flags, "AT_EMPTY_PATH"))) {
    return path_line(e);
  }
  if (call == "msync" || call == "munmap" || call == "mremap" || call == "madvise") {
    return memory_line(e);
  }
  if (call == "pipe2") {  // not traced on the CPython side; remembers the two ends
    if (ok) fds_[e.fd] = fds_[e.fd2] = std::string(kPipe);
    return std::nullopt;
  }
  if (call == "sendfile" || call == "copy_file_range") {
    // sendfile(out = fd, in = fd2, ...); copy_file_range(in = fd, ..., out = fd2, ...).
    auto first = fd_name(e.fd), second = fd_name(e.fd2);
    if (!first && !second) return std::nullopt;
    std::string text = std::string(call) + " " + first.value_or("None") + " ";
    if (call == "sendfile") {
      text += second.value_or("None") + " " + offset_text(e.offset);
    } else {
      text += offset_text(e.offset) + " " + second.value_or("None") + " " + offset_text(e.offset2);
    }
    return text + " " + std::to_string(e.size.value_or(0)) + " = " + result_text(e);
  }
  if (call == "mmap") {
    // glibc fails an offset that is not a multiple of the page size without the system call.
    if (e.error == os::Errno::einval && e.offset.value_or(0) % kPage != 0) return std::nullopt;
    auto name = fd_name(e.fd);
    if (!name) return std::nullopt;  // anonymous maps (fd -1) and maps of other files
    if (ok) maps_[static_cast<std::uint64_t>(e.result)] = {e.size.value_or(0), *name};
    return "mmap " + *name + " " + std::to_string(e.size.value_or(0)) + " " + spaced(e.flags) +
           " " + std::to_string(e.offset.value_or(0)) + " = " + result_text(e, ok);
  }
  auto name = fd_name(e.fd);
  // What a new descriptor copied from e.fd is known as: a pipe end stays one.
  auto it = fds_.find(e.fd);
  const std::optional<std::string> copied =
      it != fds_.end() && it->second == kPipe ? std::optional<std::string>(kPipe) : name;
  std::optional<std::string> text;
  const std::string prefix = std::string(call) + " " + name.value_or("") + " ";
  if (call == "read" || call == "write" || call == "readv" || call == "writev" ||
      call == "getdents64") {
    // readv/writev: strace shows the iovec count here, which the event does not keep.
    text = prefix + std::to_string(e.size.value_or(0)) + " = " + result_text(e);
  } else if (call == "pread64" || call == "pwrite64") {
    text = prefix + std::to_string(e.size.value_or(0)) + " @" +
           std::to_string(e.offset.value_or(0)) + " = " + result_text(e);
  } else if (call == "lseek") {
    text = prefix + std::to_string(e.offset.value_or(0)) + " " + whence_text(e.flags) + " = " +
           result_text(e);
  } else if (call == "newfstatat") {
    text = "fstat " + name.value_or("") + " = " + result_text(e);
  } else if (call == "ioctl") {
    text = prefix + e.flags + " = " + result_text(e);
  } else if (call == "close" || call == "fsync" || call == "fdatasync") {
    text = std::string(call) + " " + name.value_or("") + " = " + result_text(e);
    if (call == "close") fds_.erase(e.fd);
  } else if (call == "fchmod") {
    text = prefix + mode_text(e.mode.value_or(0)) + " = " + result_text(e);
  } else if (call == "ftruncate") {
    // strace prints the length unsigned.
    text = prefix + std::to_string(static_cast<std::uint64_t>(e.offset.value_or(0))) + " = " +
           result_text(e);
  } else if (call == "dup") {
    text = std::string("dup ") + name.value_or("") + " = " + result_text(e, ok);
    if (ok) fds_[static_cast<int>(e.result)] = copied;
  } else if (call == "dup2") {
    text = prefix + std::to_string(e.fd2) + " = " + result_text(e);
    if (ok) fds_[e.fd2] = copied;
  } else if (call == "fcntl") {
    std::string args = spaced(e.flags);
    bool dupfd = args.starts_with("F_DUPFD");
    std::string res = result_text(e, ok && dupfd);
    if (ok && e.result != 0 && (args == "F_GETFL" || args == "F_GETFD")) {
      char hex[32];
      std::snprintf(hex, sizeof hex, "%#llx", static_cast<unsigned long long>(e.result));
      res = hex;
    }
    text = prefix + args + " = " + res;
    if (ok && dupfd) fds_[static_cast<int>(e.result)] = copied;
  } else {
    return std::nullopt;  // not among the calls the CPython side traces
  }
  if (!name) return std::nullopt;
  return text;
}

}  // namespace bl::diff
