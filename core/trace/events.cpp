#include "trace/events.hpp"

#include <cstdio>

#include "os/kernel.hpp"
#include "trace/flag_names.hpp"

namespace bl::trace {

std::vector<SyscallEvent> Recorder::syscalls() const {
  std::vector<SyscallEvent> calls;
  for (const auto& event : events_) {
    if (auto* call = std::get_if<SyscallEvent>(&event)) calls.push_back(*call);
  }
  return calls;
}

namespace {
std::string hex_address(std::uint64_t value) {
  char text[32];
  std::snprintf(text, sizeof text, "%#llx", static_cast<unsigned long long>(value));
  return text;
}
}  // namespace

nlohmann::json bytes_to_json(std::span<const std::byte> bytes) {
  std::string utf8;
  utf8.reserve(bytes.size());
  for (std::byte b : bytes) {
    auto value = static_cast<unsigned char>(b);
    if (value < 0x80) {
      utf8 += static_cast<char>(value);
    } else {  // U+0080..U+00FF in two UTF-8 bytes
      utf8 += static_cast<char>(0xc0 | (value >> 6));
      utf8 += static_cast<char>(0x80 | (value & 0x3f));
    }
  }
  return utf8;
}

std::string to_json_line(const SyscallEvent& e) {
  nlohmann::ordered_json j;
  j["seq"] = e.seq;
  j["call"] = e.call;
  if (e.fd >= 0) j["fd"] = e.fd;
  if (e.fd2 >= 0) j["fd2"] = e.fd2;
  if (!e.path.empty()) j["path"] = e.path;
  if (!e.path2.empty()) j["path2"] = e.path2;
  if (e.offset) j["offset"] = *e.offset;
  if (e.offset2) j["offset2"] = *e.offset2;
  if (e.size) j["size"] = *e.size;
  if (e.address) j["address"] = hex_address(*e.address);
  if (!e.flags.empty()) j["flags"] = e.flags;
  if (e.mode) j["mode"] = mode_octal(*e.mode);
  if (e.data) {
    j["data"] = bytes_to_json(os::as_bytes(*e.data));
    if (e.data_truncated) j["data_truncated"] = true;
  }
  j["result"] = e.result;
  if (e.error != os::Errno::none) j["errno"] = os::errno_name(e.error);
  j["sim_ns"] = e.sim_ns;
  j["real_ns"] = e.real_ns;
  // Paths are bytes on Linux; replace what is not UTF-8 rather than fail.
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string to_json_line(const ObjectEvent& e) {
  nlohmann::ordered_json j;
  j["seq"] = e.seq;
  j["object"] = e.object;
  j["type"] = e.type;
  j["action"] = e.action;
  j["state"] = e.state;
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string to_json_lines(const std::vector<Event>& events) {
  std::string text;
  for (const auto& event : events) {
    std::visit([&](const auto& e) { text += to_json_line(e); }, event);
    text += '\n';
  }
  return text;
}

namespace {

std::string quoted(const std::string& path) {
  nlohmann::json j = path;  // C-style escapes, close to strace's quoting
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// Bytes quoted as strace quotes them: C escapes, octal for the rest (three digits only when
// an octal digit follows), and "..." after the quote when there was more.
std::string strace_quoted(const std::string& bytes, bool truncated) {
  std::string text = "\"";
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    auto c = static_cast<unsigned char>(bytes[i]);
    switch (c) {
      case '"':
        text += "\\\"";
        continue;
      case '\\':
        text += "\\\\";
        continue;
      case '\t':
        text += "\\t";
        continue;
      case '\n':
        text += "\\n";
        continue;
      case '\v':
        text += "\\v";
        continue;
      case '\f':
        text += "\\f";
        continue;
      case '\r':
        text += "\\r";
        continue;
      default:
        break;
    }
    if (c >= 0x20 && c < 0x7f) {
      text += static_cast<char>(c);
      continue;
    }
    bool octal_follows = i + 1 < bytes.size() && bytes[i + 1] >= '0' && bytes[i + 1] <= '7';
    char octal[8];
    std::snprintf(octal, sizeof octal, octal_follows ? "\\%03o" : "\\%o", c);
    text += octal;
  }
  return text + (truncated ? "\"..." : "\"");
}

std::string buffer(const SyscallEvent& e) {
  return e.data ? strace_quoted(*e.data, e.data_truncated) : "...";
}

std::string number(std::optional<std::int64_t> value) {
  return value ? std::to_string(*value) : "NULL";
}

// The argument list of `e`, as strace orders the call's arguments.
std::string arguments(const SyscallEvent& e) {
  const std::string fd = std::to_string(e.fd);
  const std::string size = e.size ? std::to_string(*e.size) : "0";
  std::string_view c = e.call;
  if (c == "openat") {
    return "AT_FDCWD, " + quoted(e.path) + ", " + e.flags +
           (e.mode ? ", " + mode_octal(*e.mode) : "");
  }
  if (c == "read" || c == "write" || c == "readv" || c == "writev") {
    return fd + ", " + buffer(e) + ", " + size;
  }
  if (c == "pread64" || c == "pwrite64")
    return fd + ", " + buffer(e) + ", " + size + ", " + number(e.offset);
  if (c == "lseek") return fd + ", " + number(e.offset) + ", " + e.flags;
  if (c == "newfstatat") {
    // fstat is newfstatat(fd, "", ..., AT_EMPTY_PATH); stat names a path.
    return e.flags == "AT_EMPTY_PATH" ? fd + ", \"\", ..., AT_EMPTY_PATH"
                                      : "AT_FDCWD, " + quoted(e.path) + ", ..., 0";
  }
  if (c == "ftruncate") return fd + ", " + number(e.offset);
  if (c == "ioctl" || c == "fcntl") return fd + ", " + e.flags;
  if (c == "dup2") return fd + ", " + std::to_string(e.fd2);
  if (c == "pipe2") return "[" + fd + ", " + std::to_string(e.fd2) + "], " + e.flags;
  if (c == "rename") return quoted(e.path) + ", " + quoted(e.path2);
  if (c == "mkdir") return quoted(e.path) + ", " + mode_octal(e.mode.value_or(0));
  if (c == "unlink" || c == "rmdir" || c == "chdir" || c == "getdents64" || c == "getcwd") {
    return quoted(e.path);
  }
  if (c == "mmap") return "NULL, " + size + ", " + e.flags + ", " + fd + ", " + number(e.offset);
  if (c == "msync" || c == "munmap" || c == "mremap") {
    return hex_address(e.address.value_or(0)) + ", " + size +
           (e.flags.empty() ? "" : ", " + e.flags);
  }
  if (c == "sendfile") {
    return fd + ", " + std::to_string(e.fd2) + ", " +
           (e.offset ? "[" + number(e.offset) + "]" : "NULL") + ", " + size;
  }
  if (c == "copy_file_range") {
    auto ptr = [](std::optional<std::int64_t> v) {
      return v ? "[" + std::to_string(*v) + "]" : std::string("NULL");
    };
    return fd + ", " + ptr(e.offset) + ", " + std::to_string(e.fd2) + ", " + ptr(e.offset2) + ", " +
           size + ", 0";
  }
  if (c == "clock_nanosleep") return "CLOCK_MONOTONIC, 0, " + size + "ns";
  return fd;  // close, fsync, fdatasync, fcntl-less single-fd calls
}

}  // namespace

std::string to_strace(const SyscallEvent& e) {
  std::string text = std::string(e.call) + "(" + arguments(e) + ") = ";
  if (e.error != os::Errno::none) {
    return text + "-1 " + std::string(os::errno_name(e.error)) + " (" + os::strerror(e.error) + ")";
  }
  return text + (e.call == "mmap" || e.call == "mremap"
                     ? hex_address(static_cast<std::uint64_t>(e.result))
                     : std::to_string(e.result));
}

}  // namespace bl::trace
