#include "trace/tracing_kernel.hpp"

#include <chrono>
#include <cstdint>

#include "trace/flag_names.hpp"

namespace bl::trace {

namespace {

using os::Result;

// What a call returned, as the integer strace prints.
std::int64_t returned(std::size_t n) { return static_cast<std::int64_t>(n); }
std::int64_t returned(std::int64_t n) { return n; }
std::int64_t returned(int n) { return n; }
std::int64_t returned(std::byte* addr) {
  return static_cast<std::int64_t>(reinterpret_cast<std::uintptr_t>(addr));
}
std::int64_t returned(const std::string& text) {
  return static_cast<std::int64_t>(text.size()) + 1;
}
// Kernel::listdir is glibc's opendir + readdir, whose getdents64 calls return in all the
// linux_dirent64 records of the entries, "." and ".." included: a 19-byte header, the name and
// its NUL, padded to 8 bytes.
std::int64_t returned(const std::vector<std::string>& names) {
  auto record = [](std::size_t name_size) { return (19 + name_size + 1 + 7) / 8 * 8; };
  std::size_t bytes = record(1) + record(2);
  for (const auto& name : names) bytes += record(name.size());
  return static_cast<std::int64_t>(bytes);
}
template <class T>
std::int64_t returned(const T&) {
  return 0;
}

std::uint64_t address_of(const std::byte* addr) { return reinterpret_cast<std::uintptr_t>(addr); }

}  // namespace

template <class T, class Call>
Result<T> TracingKernel::record(SyscallEvent& event, Call&& call) {
  event.seq = observer_.next_seq();
  auto sim_start = inner_.clock_gettime(os::Clock::monotonic);
  auto real_start = std::chrono::steady_clock::now();
  Result<T> result = call();
  event.real_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                      std::chrono::steady_clock::now() - real_start)
                      .count();
  event.sim_ns = inner_.clock_gettime(os::Clock::monotonic) - sim_start;
  if (!result.ok()) {
    event.result = -1;
    event.error = result.error();
  } else if constexpr (!std::is_void_v<T>) {
    event.result = returned(result.value());
  }
  observer_.on_syscall(event);
  return result;
}

void TracingKernel::preview(SyscallEvent& event, std::span<const std::byte> bytes) const {
  auto shown = bytes.first(std::min(bytes.size(), preview_bytes_));
  event.data = std::string(os::as_text(shown));
  event.data_truncated = shown.size() < bytes.size();
}

Result<os::Fd> TracingKernel::open(std::string_view path, int flags, std::uint32_t mode) {
  SyscallEvent e{.call = "openat", .path = std::string(path), .flags = open_flag_names(flags)};
  if ((flags & os::O::CREAT) || (flags & os::O::TMPFILE) == os::O::TMPFILE) e.mode = mode;
  return record<os::Fd>(e, [&] { return inner_.open(path, flags, mode); });
}

Result<void> TracingKernel::close(os::Fd fd) {
  SyscallEvent e{.call = "close", .fd = fd};
  return record<void>(e, [&] { return inner_.close(fd); });
}

Result<std::size_t> TracingKernel::read(os::Fd fd, std::span<std::byte> buffer) {
  SyscallEvent e{.call = "read", .fd = fd, .size = buffer.size()};
  return record<std::size_t>(e, [&] {
    auto n = inner_.read(fd, buffer);
    if (n.ok()) preview(e, buffer.first(n.value()));
    return n;
  });
}

Result<std::size_t> TracingKernel::write(os::Fd fd, std::span<const std::byte> data) {
  SyscallEvent e{.call = "write", .fd = fd, .size = data.size()};
  preview(e, data);
  return record<std::size_t>(e, [&] { return inner_.write(fd, data); });
}

Result<std::size_t> TracingKernel::pread(os::Fd fd, std::span<std::byte> buffer,
                                         std::int64_t offset) {
  SyscallEvent e{.call = "pread64", .fd = fd, .offset = offset, .size = buffer.size()};
  return record<std::size_t>(e, [&] {
    auto n = inner_.pread(fd, buffer, offset);
    if (n.ok()) preview(e, buffer.first(n.value()));
    return n;
  });
}

Result<std::size_t> TracingKernel::pwrite(os::Fd fd, std::span<const std::byte> data,
                                          std::int64_t offset) {
  SyscallEvent e{.call = "pwrite64", .fd = fd, .offset = offset, .size = data.size()};
  preview(e, data);
  return record<std::size_t>(e, [&] { return inner_.pwrite(fd, data, offset); });
}

Result<std::size_t> TracingKernel::readv(os::Fd fd, std::span<const std::span<std::byte>> buffers) {
  std::size_t total = 0;
  for (auto b : buffers) total += b.size();
  SyscallEvent e{.call = "readv", .fd = fd, .size = total};
  return record<std::size_t>(e, [&] { return inner_.readv(fd, buffers); });
}

Result<std::size_t> TracingKernel::writev(os::Fd fd,
                                          std::span<const std::span<const std::byte>> buffers) {
  std::size_t total = 0;
  for (auto b : buffers) total += b.size();
  SyscallEvent e{.call = "writev", .fd = fd, .size = total};
  return record<std::size_t>(e, [&] { return inner_.writev(fd, buffers); });
}

Result<std::int64_t> TracingKernel::lseek(os::Fd fd, std::int64_t offset, int whence) {
  SyscallEvent e{.call = "lseek", .fd = fd, .offset = offset, .flags = whence_name(whence)};
  return record<std::int64_t>(e, [&] { return inner_.lseek(fd, offset, whence); });
}

Result<os::Stat> TracingKernel::fstat(os::Fd fd) {
  SyscallEvent e{.call = "newfstatat", .fd = fd, .flags = "AT_EMPTY_PATH"};
  return record<os::Stat>(e, [&] { return inner_.fstat(fd); });
}

Result<os::Stat> TracingKernel::stat(std::string_view path) {
  SyscallEvent e{.call = "newfstatat", .path = std::string(path)};
  return record<os::Stat>(e, [&] { return inner_.stat(path); });
}

Result<void> TracingKernel::ftruncate(os::Fd fd, std::int64_t length) {
  SyscallEvent e{.call = "ftruncate", .fd = fd, .offset = length};
  return record<void>(e, [&] { return inner_.ftruncate(fd, length); });
}

Result<void> TracingKernel::fsync(os::Fd fd) {
  SyscallEvent e{.call = "fsync", .fd = fd};
  return record<void>(e, [&] { return inner_.fsync(fd); });
}

Result<void> TracingKernel::fdatasync(os::Fd fd) {
  SyscallEvent e{.call = "fdatasync", .fd = fd};
  return record<void>(e, [&] { return inner_.fdatasync(fd); });
}

Result<void> TracingKernel::chmod(std::string_view path, std::uint32_t mode) {
  SyscallEvent e{.call = "chmod", .path = std::string(path), .mode = mode};
  return record<void>(e, [&] { return inner_.chmod(path, mode); });
}

Result<void> TracingKernel::fchmod(os::Fd fd, std::uint32_t mode) {
  SyscallEvent e{.call = "fchmod", .fd = fd, .mode = mode};
  return record<void>(e, [&] { return inner_.fchmod(fd, mode); });
}

Result<std::size_t> TracingKernel::getrandom(std::span<std::byte> buffer) {
  SyscallEvent e{.call = "getrandom", .size = buffer.size(), .flags = "GRND_NONBLOCK"};
  return record<std::size_t>(e, [&] { return inner_.getrandom(buffer); });
}

Result<bool> TracingKernel::isatty(os::Fd fd) {
  SyscallEvent e{.call = "ioctl", .fd = fd, .flags = "TCGETS"};
  Result<bool> tty = false;
  // The ioctl itself fails with ENOTTY on anything but a terminal, as strace shows.
  (void)record<void>(e, [&]() -> Result<void> {
    tty = inner_.isatty(fd);
    if (!tty.ok()) return tty.error();
    return tty.value() ? Result<void>() : Result<void>(os::Errno::enotty);
  });
  return tty;
}

Result<void> TracingKernel::set_inheritable(os::Fd fd, bool inheritable) {
  SyscallEvent e{.call = "ioctl", .fd = fd, .flags = inheritable ? "FIONCLEX" : "FIOCLEX"};
  return record<void>(e, [&] { return inner_.set_inheritable(fd, inheritable); });
}

Result<bool> TracingKernel::get_inheritable(os::Fd fd) {
  SyscallEvent e{.call = "fcntl", .fd = fd, .flags = "F_GETFD"};
  Result<bool> inheritable = false;
  // The call returns the descriptor flags: FD_CLOEXEC (1) unless inheritable.
  (void)record<int>(e, [&]() -> Result<int> {
    inheritable = inner_.get_inheritable(fd);
    if (!inheritable.ok()) return inheritable.error();
    return inheritable.value() ? 0 : 1;
  });
  return inheritable;
}

Result<int> TracingKernel::fcntl_getfl(os::Fd fd) {
  SyscallEvent e{.call = "fcntl", .fd = fd, .flags = "F_GETFL"};
  return record<int>(e, [&] { return inner_.fcntl_getfl(fd); });
}

Result<void> TracingKernel::fcntl_setfl(os::Fd fd, int flags) {
  SyscallEvent e{.call = "fcntl", .fd = fd, .flags = "F_SETFL, " + open_flag_names(flags)};
  return record<void>(e, [&] { return inner_.fcntl_setfl(fd, flags); });
}

Result<os::Fd> TracingKernel::dup(os::Fd fd, bool cloexec) {
  SyscallEvent e{
      .call = cloexec ? "fcntl" : "dup", .fd = fd, .flags = cloexec ? "F_DUPFD_CLOEXEC, 0" : ""};
  return record<os::Fd>(e, [&] { return inner_.dup(fd, cloexec); });
}

Result<os::Fd> TracingKernel::dup2(os::Fd old_fd, os::Fd new_fd) {
  SyscallEvent e{.call = "dup2", .fd = old_fd, .fd2 = new_fd};
  return record<os::Fd>(e, [&] { return inner_.dup2(old_fd, new_fd); });
}

Result<std::pair<os::Fd, os::Fd>> TracingKernel::pipe(int flags) {
  SyscallEvent e{.call = "pipe2", .flags = pipe_flag_names(flags)};
  return record<std::pair<os::Fd, os::Fd>>(e, [&] {
    auto fds = inner_.pipe(flags);
    if (fds.ok()) std::tie(e.fd, e.fd2) = fds.value();
    return fds;
  });
}

Result<void> TracingKernel::rename(std::string_view old_path, std::string_view new_path) {
  SyscallEvent e{.call = "rename", .path = std::string(old_path), .path2 = std::string(new_path)};
  return record<void>(e, [&] { return inner_.rename(old_path, new_path); });
}

Result<void> TracingKernel::unlink(std::string_view path) {
  SyscallEvent e{.call = "unlink", .path = std::string(path)};
  return record<void>(e, [&] { return inner_.unlink(path); });
}

Result<void> TracingKernel::mkdir(std::string_view path, std::uint32_t mode) {
  SyscallEvent e{.call = "mkdir", .path = std::string(path), .mode = mode};
  return record<void>(e, [&] { return inner_.mkdir(path, mode); });
}

Result<void> TracingKernel::rmdir(std::string_view path) {
  SyscallEvent e{.call = "rmdir", .path = std::string(path)};
  return record<void>(e, [&] { return inner_.rmdir(path); });
}

Result<std::vector<std::string>> TracingKernel::listdir(std::string_view path) {
  SyscallEvent e{.call = "getdents64", .path = std::string(path), .size = kDirentBuffer};
  return record<std::vector<std::string>>(e, [&] { return inner_.listdir(path); });
}

Result<std::string> TracingKernel::getcwd() {
  SyscallEvent e{.call = "getcwd"};
  return record<std::string>(e, [&] {
    auto cwd = inner_.getcwd();
    if (cwd.ok()) e.path = cwd.value();
    return cwd;
  });
}

Result<void> TracingKernel::chdir(std::string_view path) {
  SyscallEvent e{.call = "chdir", .path = std::string(path)};
  return record<void>(e, [&] { return inner_.chdir(path); });
}

Result<std::byte*> TracingKernel::mmap(std::size_t length, int prot, int flags, os::Fd fd,
                                       std::int64_t offset) {
  SyscallEvent e{.call = "mmap",
                 .fd = fd,
                 .offset = offset,
                 .size = length,
                 .flags = prot_names(prot) + ", " + map_flag_names(flags)};
  return record<std::byte*>(e, [&] { return inner_.mmap(length, prot, flags, fd, offset); });
}

Result<void> TracingKernel::msync(std::byte* addr, std::size_t length, int flags) {
  SyscallEvent e{.call = "msync",
                 .size = length,
                 .address = address_of(addr),
                 .flags = msync_flag_names(flags)};
  return record<void>(e, [&] { return inner_.msync(addr, length, flags); });
}

Result<void> TracingKernel::munmap(std::byte* addr, std::size_t length) {
  SyscallEvent e{.call = "munmap", .size = length, .address = address_of(addr)};
  return record<void>(e, [&] { return inner_.munmap(addr, length); });
}

Result<std::byte*> TracingKernel::mremap(std::byte* addr, std::size_t old_length,
                                         std::size_t new_length, int flags) {
  SyscallEvent e{.call = "mremap",
                 .size = old_length,
                 .address = address_of(addr),
                 .flags = std::to_string(new_length) +
                          (flags & os::MREMAP::MAYMOVE ? ", MREMAP_MAYMOVE" : ", 0")};
  return record<std::byte*>(e, [&] { return inner_.mremap(addr, old_length, new_length, flags); });
}

Result<std::size_t> TracingKernel::sendfile(os::Fd out_fd, os::Fd in_fd, std::int64_t* offset,
                                            std::size_t count) {
  SyscallEvent e{.call = "sendfile", .fd = out_fd, .fd2 = in_fd, .size = count};
  if (offset) e.offset = *offset;
  return record<std::size_t>(e, [&] { return inner_.sendfile(out_fd, in_fd, offset, count); });
}

Result<std::size_t> TracingKernel::copy_file_range(os::Fd in_fd, std::int64_t* in_offset,
                                                   os::Fd out_fd, std::int64_t* out_offset,
                                                   std::size_t length) {
  SyscallEvent e{.call = "copy_file_range", .fd = in_fd, .fd2 = out_fd, .size = length};
  if (in_offset) e.offset = *in_offset;
  if (out_offset) e.offset2 = *out_offset;
  return record<std::size_t>(
      e, [&] { return inner_.copy_file_range(in_fd, in_offset, out_fd, out_offset, length); });
}

void TracingKernel::nanosleep(std::int64_t nanoseconds) {
  SyscallEvent e{.call = "clock_nanosleep",
                 .size = static_cast<std::uint64_t>(std::max<std::int64_t>(nanoseconds, 0))};
  (void)record<void>(e, [&] {
    inner_.nanosleep(nanoseconds);
    return Result<void>();
  });
}

}  // namespace bl::trace
