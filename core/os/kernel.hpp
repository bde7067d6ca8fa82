// bl::os::Kernel — the syscall boundary. Everything above talks to an operating system
// only through this interface.
//
// Each method is one Linux system call with its Linux meaning, flags (os/flags.hpp) and errno
// values (os/errno.hpp); the method name is the call's name as strace prints it, so a trace
// of bufferlab reads like strace of CPython. Nothing here throws: failures come back as a
// Result holding the errno. Two implementations: PosixKernel (the real kernel, native builds)
// and SimKernel (an in-memory Linux with a page cache, durable storage and power loss).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "os/flags.hpp"
#include "os/result.hpp"

namespace bl::os {

using Fd = int;

// The fields of struct stat that the kernels model, named as Python's os.stat_result.
struct Stat {
  std::uint64_t st_dev = 0;
  std::uint64_t st_ino = 0;
  std::uint32_t st_mode = 0;
  std::uint64_t st_nlink = 0;
  std::uint32_t st_uid = 0;
  std::uint32_t st_gid = 0;
  std::int64_t st_size = 0;
  std::int64_t st_blksize = 0;
  std::int64_t st_blocks = 0;  // 512-byte units
  std::int64_t st_atime_ns = 0;
  std::int64_t st_mtime_ns = 0;
  std::int64_t st_ctime_ns = 0;

  std::uint32_t type() const { return st_mode & S::IFMT; }
  bool is_regular() const { return type() == S::IFREG; }
  bool is_directory() const { return type() == S::IFDIR; }
  bool is_char_device() const { return type() == S::IFCHR; }
  bool is_fifo() const { return type() == S::IFIFO; }
};

enum class Clock { realtime, monotonic };

class Kernel {
 public:
  virtual ~Kernel() = default;

  // "posix" or "sim": which kernel answers.
  virtual std::string_view name() const = 0;

  // --- descriptors and file data ---------------------------------------------------------
  // openat(AT_FDCWD, path, flags, mode): the lowest free descriptor.
  virtual Result<Fd> open(std::string_view path, int flags, std::uint32_t mode = 0666) = 0;
  virtual Result<void> close(Fd fd) = 0;
  // At most buffer.size() bytes from the file position; 0 at end of file.
  virtual Result<std::size_t> read(Fd fd, std::span<std::byte> buffer) = 0;
  // At most data.size() bytes at the file position (at the end with O_APPEND); may be short.
  virtual Result<std::size_t> write(Fd fd, std::span<const std::byte> data) = 0;
  // As read/write at `offset`, leaving the file position alone.
  virtual Result<std::size_t> pread(Fd fd, std::span<std::byte> buffer, std::int64_t offset) = 0;
  virtual Result<std::size_t> pwrite(Fd fd, std::span<const std::byte> data,
                                     std::int64_t offset) = 0;
  // Scatter/gather: one call, buffers filled or drained in order.
  virtual Result<std::size_t> readv(Fd fd, std::span<const std::span<std::byte>> buffers) = 0;
  virtual Result<std::size_t> writev(Fd fd,
                                     std::span<const std::span<const std::byte>> buffers) = 0;
  // The new file position; whence is SEEK::SET/CUR/END/DATA/HOLE.
  virtual Result<std::int64_t> lseek(Fd fd, std::int64_t offset, int whence) = 0;
  virtual Result<Stat> fstat(Fd fd) = 0;
  virtual Result<Stat> stat(std::string_view path) = 0;
  // Sets the file size; the file position is unchanged.
  virtual Result<void> ftruncate(Fd fd, std::int64_t length) = 0;
  // fsync: the file's data and metadata reach storage. fdatasync: its data (and size).
  virtual Result<void> fsync(Fd fd) = 0;
  virtual Result<void> fdatasync(Fd fd) = 0;
  // chmod / fchmod: sets a file's permission bits (mode & 07777), as os.chmod.
  virtual Result<void> chmod(std::string_view path, std::uint32_t mode) = 0;
  virtual Result<void> fchmod(Fd fd, std::uint32_t mode) = 0;
  // ioctl(fd, TCGETS): true for a terminal, false (ENOTTY) otherwise.
  virtual Result<bool> isatty(Fd fd) = 0;
  // ioctl(fd, FIOCLEX / FIONCLEX): the close-on-exec flag, as os.set_inheritable.
  virtual Result<void> set_inheritable(Fd fd, bool inheritable) = 0;
  // fcntl(fd, F_GETFD): false when close-on-exec is set, as os.get_inheritable.
  virtual Result<bool> get_inheritable(Fd fd) = 0;
  // fcntl(fd, F_GETFL / F_SETFL): status flags (access mode, O_APPEND, O_NONBLOCK, ...).
  // F_SETFL changes only O_APPEND, O_NONBLOCK and O_DIRECT, as on Linux.
  virtual Result<int> fcntl_getfl(Fd fd) = 0;
  virtual Result<void> fcntl_setfl(Fd fd, int flags) = 0;
  // dup (or fcntl(F_DUPFD_CLOEXEC) when cloexec): a second descriptor of the same open file,
  // sharing its position and status flags.
  virtual Result<Fd> dup(Fd fd, bool cloexec = false) = 0;
  // dup2: makes `new_fd` refer to the open file of `old_fd`, closing what it referred to.
  virtual Result<Fd> dup2(Fd old_fd, Fd new_fd) = 0;
  // pipe2(flags): {read end, write end}; flags may hold O::NONBLOCK and O::CLOEXEC.
  virtual Result<std::pair<Fd, Fd>> pipe(int flags = 0) = 0;

  // --- names ----------------------------------------------------------------------------
  // rename replaces an existing target atomically (os.rename and os.replace on Linux).
  virtual Result<void> rename(std::string_view old_path, std::string_view new_path) = 0;
  virtual Result<void> unlink(std::string_view path) = 0;
  virtual Result<void> mkdir(std::string_view path, std::uint32_t mode = 0777) = 0;
  virtual Result<void> rmdir(std::string_view path) = 0;
  // The entry names of a directory, without "." and "..", in no particular order.
  virtual Result<std::vector<std::string>> listdir(std::string_view path) = 0;
  virtual Result<std::string> getcwd() = 0;
  virtual Result<void> chdir(std::string_view path) = 0;

  // --- memory maps ----------------------------------------------------------------------
  // mmap(NULL, length, prot, flags, fd, offset); fd -1 with MAP::ANONYMOUS for anonymous maps.
  virtual Result<std::byte*> mmap(std::size_t length, int prot, int flags, Fd fd,
                                  std::int64_t offset) = 0;
  // msync: MS::SYNC writes the mapped dirty pages to storage before returning.
  virtual Result<void> msync(std::byte* addr, std::size_t length, int flags) = 0;
  virtual Result<void> munmap(std::byte* addr, std::size_t length) = 0;
  virtual Result<std::byte*> mremap(std::byte* addr, std::size_t old_length, std::size_t new_length,
                                    int flags) = 0;

  // --- copies inside the kernel -----------------------------------------------------------
  // sendfile(out, in, offset, count): from `in` at *offset (advancing *offset, not in's file
  // position) or, when offset is null, at in's file position (advancing it).
  virtual Result<std::size_t> sendfile(Fd out_fd, Fd in_fd, std::int64_t* offset,
                                       std::size_t count) = 0;
  // copy_file_range(in, off_in, out, off_out, length, 0): offsets as sendfile's, on both sides.
  virtual Result<std::size_t> copy_file_range(Fd in_fd, std::int64_t* in_offset, Fd out_fd,
                                              std::int64_t* out_offset, std::size_t length) = 0;

  // --- the process's world ---------------------------------------------------------------
  // getrandom(buffer, GRND_NONBLOCK): random bytes, as os.urandom. SimKernel's come from its
  // seeded generator, so that a run (tempfile's names included) is reproducible.
  virtual Result<std::size_t> getrandom(std::span<std::byte> buffer) = 0;
  // The environment variable `name` of the process (not a system call: the environment the
  // process was started with). SimKernel's is SimOptions::environ.
  virtual std::optional<std::string> getenv(std::string_view name) = 0;

  // --- time -----------------------------------------------------------------------------
  // clock_gettime in nanoseconds. SimKernel's clocks are simulated and move only by the
  // modeled cost of calls and by nanosleep.
  virtual std::int64_t clock_gettime(Clock clock) = 0;
  virtual void nanosleep(std::int64_t nanoseconds) = 0;
};

// Views of text as bytes, for callers that hold std::string.
inline std::span<const std::byte> as_bytes(std::string_view text) {
  return {reinterpret_cast<const std::byte*>(text.data()), text.size()};
}
inline std::string_view as_text(std::span<const std::byte> bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

}  // namespace bl::os
