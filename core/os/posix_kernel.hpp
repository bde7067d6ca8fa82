// bl::os::PosixKernel — the Kernel interface answered by the real Linux kernel (native builds).
//
// Each method is a thin wrapper of the one syscall it names: our flag values (os/flags.hpp) are
// translated to the host's, the host's errno and struct stat back to ours, and EINTR is retried
// as CPython retries it (PEP 475). Nothing is cached or emulated: what Linux answers, the caller
// sees. This is the reference the contract suite (tests/contract/) holds SimKernel to.
#pragma once

#include "os/kernel.hpp"

namespace bl::os {

class PosixKernel final : public Kernel {
 public:
  std::string_view name() const override { return "posix"; }

  Result<Fd> open(std::string_view path, int flags, std::uint32_t mode = 0666) override;
  Result<void> close(Fd fd) override;
  Result<std::size_t> read(Fd fd, std::span<std::byte> buffer) override;
  Result<std::size_t> write(Fd fd, std::span<const std::byte> data) override;
  Result<std::size_t> pread(Fd fd, std::span<std::byte> buffer, std::int64_t offset) override;
  Result<std::size_t> pwrite(Fd fd, std::span<const std::byte> data, std::int64_t offset) override;
  Result<std::size_t> readv(Fd fd, std::span<const std::span<std::byte>> buffers) override;
  Result<std::size_t> writev(Fd fd, std::span<const std::span<const std::byte>> buffers) override;
  Result<std::int64_t> lseek(Fd fd, std::int64_t offset, int whence) override;
  Result<Stat> fstat(Fd fd) override;
  Result<Stat> stat(std::string_view path) override;
  Result<void> ftruncate(Fd fd, std::int64_t length) override;
  Result<void> fsync(Fd fd) override;
  Result<void> fdatasync(Fd fd) override;
  Result<void> chmod(std::string_view path, std::uint32_t mode) override;
  Result<void> fchmod(Fd fd, std::uint32_t mode) override;
  Result<bool> isatty(Fd fd) override;
  Result<void> set_inheritable(Fd fd, bool inheritable) override;
  Result<bool> get_inheritable(Fd fd) override;
  Result<int> fcntl_getfl(Fd fd) override;
  Result<void> fcntl_setfl(Fd fd, int flags) override;
  Result<Fd> dup(Fd fd, bool cloexec = false) override;
  Result<Fd> dup2(Fd old_fd, Fd new_fd) override;
  Result<std::pair<Fd, Fd>> pipe(int flags = 0) override;

  Result<void> rename(std::string_view old_path, std::string_view new_path) override;
  Result<void> unlink(std::string_view path) override;
  Result<void> mkdir(std::string_view path, std::uint32_t mode = 0777) override;
  Result<void> rmdir(std::string_view path) override;
  Result<std::vector<std::string>> listdir(std::string_view path) override;
  Result<std::string> getcwd() override;
  Result<void> chdir(std::string_view path) override;

  Result<std::byte*> mmap(std::size_t length, int prot, int flags, Fd fd,
                          std::int64_t offset) override;
  Result<void> msync(std::byte* addr, std::size_t length, int flags) override;
  Result<void> munmap(std::byte* addr, std::size_t length) override;
  Result<std::byte*> mremap(std::byte* addr, std::size_t old_length, std::size_t new_length,
                            int flags) override;

  Result<std::size_t> sendfile(Fd out_fd, Fd in_fd, std::int64_t* offset,
                               std::size_t count) override;
  Result<std::size_t> copy_file_range(Fd in_fd, std::int64_t* in_offset, Fd out_fd,
                                      std::int64_t* out_offset, std::size_t length) override;

  Result<std::size_t> getrandom(std::span<std::byte> buffer) override;
  std::optional<std::string> getenv(std::string_view name) override;

  std::int64_t clock_gettime(Clock clock) override;
  void nanosleep(std::int64_t nanoseconds) override;
};

}  // namespace bl::os
