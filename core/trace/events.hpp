// Trace events — what every layer reports — and the observer that receives them.
//
// A SyscallEvent is one call through the Kernel boundary, named and shaped as strace shows it
// (`openat`, `pread64`, `newfstatat`, ...), so a bufferlab trace can be set beside an strace of
// CPython. An ObjectEvent is a higher layer reporting its state (a buffer's fill, a text
// wrapper's pending bytes). Both kinds share one sequence: the observer's timeline.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "os/errno.hpp"

namespace bl::trace {

struct SyscallEvent {
  std::uint64_t seq = 0;
  std::string_view call;  // strace's name for the call
  int fd = -1;            // the first descriptor argument
  int fd2 = -1;           // a second one (dup2's target, sendfile's input, a pipe's write end)
  std::string path, path2;
  std::optional<std::int64_t> offset;    // a file offset or position argument
  std::optional<std::int64_t> offset2;   // a second one (copy_file_range's output offset)
  std::optional<std::uint64_t> size;     // a byte count or length argument
  std::optional<std::uint64_t> address;  // a memory address argument (msync, munmap, mremap)
  std::string flags;                     // symbolic: "O_RDONLY|O_CLOEXEC", "SEEK_CUR", "TCGETS"
  std::optional<std::uint32_t> mode;     // creation mode of openat and mkdir
  std::optional<std::string> data;       // the first bytes a read or write moved
  bool data_truncated = false;           // ... and there were more
  std::int64_t result = 0;               // the return value; -1 when error is set
  os::Errno error = os::Errno::none;
  std::int64_t sim_ns = 0;   // duration on the kernel's monotonic clock
  std::int64_t real_ns = 0;  // duration on the host's clock
};

struct ObjectEvent {
  std::uint64_t seq = 0;
  std::uint64_t object = 0;  // a stable id for the reporting object
  std::string type;          // Python class name, e.g. "BufferedWriter"
  std::string action;        // what just happened: "write", "flush", "close", ...
  nlohmann::json state;      // the object's observable state after it
};

using Event = std::variant<SyscallEvent, ObjectEvent>;

// Receives events in the order they happen and numbers them.
class Observer {
 public:
  virtual ~Observer() = default;
  virtual void on_syscall(const SyscallEvent& event) = 0;
  virtual void on_object(const ObjectEvent& event) = 0;
  // The next number of the shared timeline, for whoever creates an event.
  std::uint64_t next_seq() { return ++seq_; }

 private:
  std::uint64_t seq_ = 0;
};

// An observer that keeps every event, for tests, the CLI and the playground.
class Recorder final : public Observer {
 public:
  void on_syscall(const SyscallEvent& event) override { events_.emplace_back(event); }
  void on_object(const ObjectEvent& event) override { events_.emplace_back(event); }
  const std::vector<Event>& events() const { return events_; }
  std::vector<SyscallEvent> syscalls() const;
  void clear() { events_.clear(); }

 private:
  std::vector<Event> events_;
};

// Bytes as a JSON string, one code point per byte (U+0000..U+00FF): lossless, and plain text
// stays readable.
nlohmann::json bytes_to_json(std::span<const std::byte> bytes);

// One JSON object per event, without a trailing newline.
std::string to_json_line(const SyscallEvent& event);
std::string to_json_line(const ObjectEvent& event);
// All events, one JSON line each (JSON Lines).
std::string to_json_lines(const std::vector<Event>& events);
// The call as strace would print it: `write(1, "hi\n", 3) = 3`, `read(3, ..., 4096) = -1 ...`
// when no bytes were recorded,
// `openat(AT_FDCWD, "x", O_RDONLY|O_CLOEXEC) = -1 ENOENT (No such file or directory)`.
std::string to_strace(const SyscallEvent& event);

}  // namespace bl::trace
