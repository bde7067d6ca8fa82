// TracingKernel — a Kernel that forwards every call to another kernel and reports it to an
// Observer as a SyscallEvent: arguments, result or errno, and how long it took on the inner
// kernel's monotonic clock (simulated time on SimKernel) and on the host's clock. Reads and
// writes also record the first bytes they moved (strace's -s: 32 by default).
#pragma once

#include "os/kernel.hpp"
#include "trace/events.hpp"

namespace bl::trace {

class TracingKernel final : public os::Kernel {
 public:
  TracingKernel(os::Kernel& inner, Observer& observer, std::size_t preview_bytes = 32)
      : inner_(inner), observer_(observer), preview_bytes_(preview_bytes) {}

  // listdir is one event, "getdents64" with the path, the bytes of all the directory's
  // records as its result, and glibc's opendir buffer as its size.
  static constexpr std::uint64_t kDirentBuffer = 32768;

  os::Kernel& inner() { return inner_; }
  std::string_view name() const override { return inner_.name(); }

  os::Result<os::Fd> open(std::string_view path, int flags, std::uint32_t mode = 0666) override;
  os::Result<void> close(os::Fd fd) override;
  os::Result<std::size_t> read(os::Fd fd, std::span<std::byte> buffer) override;
  os::Result<std::size_t> write(os::Fd fd, std::span<const std::byte> data) override;
  os::Result<std::size_t> pread(os::Fd fd, std::span<std::byte> buffer,
                                std::int64_t offset) override;
  os::Result<std::size_t> pwrite(os::Fd fd, std::span<const std::byte> data,
                                 std::int64_t offset) override;
  os::Result<std::size_t> readv(os::Fd fd, std::span<const std::span<std::byte>> buffers) override;
  os::Result<std::size_t> writev(os::Fd fd,
                                 std::span<const std::span<const std::byte>> buffers) override;
  os::Result<std::int64_t> lseek(os::Fd fd, std::int64_t offset, int whence) override;
  os::Result<os::Stat> fstat(os::Fd fd) override;
  os::Result<os::Stat> stat(std::string_view path) override;
  os::Result<void> ftruncate(os::Fd fd, std::int64_t length) override;
  os::Result<void> fsync(os::Fd fd) override;
  os::Result<void> fdatasync(os::Fd fd) override;
  os::Result<void> chmod(std::string_view path, std::uint32_t mode) override;
  os::Result<void> fchmod(os::Fd fd, std::uint32_t mode) override;
  os::Result<bool> isatty(os::Fd fd) override;
  os::Result<void> set_inheritable(os::Fd fd, bool inheritable) override;
  os::Result<bool> get_inheritable(os::Fd fd) override;
  os::Result<int> fcntl_getfl(os::Fd fd) override;
  os::Result<void> fcntl_setfl(os::Fd fd, int flags) override;
  os::Result<os::Fd> dup(os::Fd fd, bool cloexec = false) override;
  os::Result<os::Fd> dup2(os::Fd old_fd, os::Fd new_fd) override;
  os::Result<std::pair<os::Fd, os::Fd>> pipe(int flags = 0) override;

  os::Result<void> rename(std::string_view old_path, std::string_view new_path) override;
  os::Result<void> unlink(std::string_view path) override;
  os::Result<void> mkdir(std::string_view path, std::uint32_t mode = 0777) override;
  os::Result<void> rmdir(std::string_view path) override;
  os::Result<std::vector<std::string>> listdir(std::string_view path) override;
  os::Result<std::string> getcwd() override;
  os::Result<void> chdir(std::string_view path) override;

  os::Result<std::byte*> mmap(std::size_t length, int prot, int flags, os::Fd fd,
                              std::int64_t offset) override;
  os::Result<void> msync(std::byte* addr, std::size_t length, int flags) override;
  os::Result<void> munmap(std::byte* addr, std::size_t length) override;
  os::Result<std::byte*> mremap(std::byte* addr, std::size_t old_length, std::size_t new_length,
                                int flags) override;

  os::Result<std::size_t> sendfile(os::Fd out_fd, os::Fd in_fd, std::int64_t* offset,
                                   std::size_t count) override;
  os::Result<std::size_t> copy_file_range(os::Fd in_fd, std::int64_t* in_offset, os::Fd out_fd,
                                          std::int64_t* out_offset, std::size_t length) override;

  // Reading a clock is not a system call (the vDSO answers it), so it is not traced.
  os::Result<std::size_t> getrandom(std::span<std::byte> buffer) override;
  // The environment is not a system call: not recorded.
  std::optional<std::string> getenv(std::string_view name) override {
    return inner_.getenv(name);
  }
  std::int64_t clock_gettime(os::Clock clock) override { return inner_.clock_gettime(clock); }
  void nanosleep(std::int64_t nanoseconds) override;

 private:
  template <class T, class Call>
  os::Result<T> record(SyscallEvent& event, Call&& call);
  void preview(SyscallEvent& event, std::span<const std::byte> bytes) const;

  os::Kernel& inner_;
  Observer& observer_;
  std::size_t preview_bytes_;
};

}  // namespace bl::trace
