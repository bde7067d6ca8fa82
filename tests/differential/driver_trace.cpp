// The "sys" lines of FORMAT.md from recorded SyscallEvents, as stracenorm.py makes them from
// an strace of CPython: only calls on paths or descriptors inside the work directory, named by
// relative path (descriptors >= 100 that name nothing by number, as strace -y shows them).
#include <algorithm>
#include <cstdio>

#include "driver.hpp"
#include "trace/flag_names.hpp"

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
    if (auto text = line(e)) lines.push_back(std::move(*text));
  }
  return lines;
}

std::optional<std::string> SyscallNormalizer::line(const trace::SyscallEvent& e) {
  const std::string_view call = e.call;
  const bool ok = e.error == os::Errno::none;
  if (call == "openat") {
    auto path = relative(e.path);
    if (ok) fds_[static_cast<int>(e.result)] = path;
    if (!path) return std::nullopt;
    std::string mode = e.mode ? " " + trace::mode_octal(*e.mode) : "";
    return "openat " + *path + " " + canon_open_flags(e.flags) + mode + " = " + result_text(e, ok);
  }
  if (call == "newfstatat" && !e.path.empty()) {
    auto path = relative(e.path);
    if (!path) return std::nullopt;
    return "stat " + *path + " = " + result_text(e);
  }
  if (call == "unlink") {
    auto path = relative(e.path);
    if (!path) return std::nullopt;
    return "unlink " + *path + " = " + result_text(e);
  }
  if (call == "rename") {
    auto a = relative(e.path), b = relative(e.path2);
    if (!a && !b) return std::nullopt;
    return "rename " + a.value_or("None") + " " + b.value_or("None") + " = " + result_text(e);
  }
  if (call == "pipe2") {  // not traced on the CPython side; remembers the two ends
    if (ok) fds_[e.fd] = fds_[e.fd2] = std::string(kPipe);
    return std::nullopt;
  }
  auto name = fd_name(e.fd);
  // What a new descriptor copied from e.fd is known as: a pipe end stays one.
  auto it = fds_.find(e.fd);
  const std::optional<std::string> copied =
      it != fds_.end() && it->second == kPipe ? std::optional<std::string>(kPipe) : name;
  std::optional<std::string> text;
  const std::string prefix = std::string(call) + " " + name.value_or("") + " ";
  if (call == "read" || call == "write" || call == "readv" || call == "writev") {
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
    std::string args = e.flags;
    for (std::size_t k; (k = args.find(", ")) != std::string::npos;) args.replace(k, 2, " ");
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
