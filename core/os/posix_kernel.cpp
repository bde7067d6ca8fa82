// PosixKernel: one real Linux syscall per method, with our flags, errno and struct stat
// translated to and from the host's through the tables below.
#include "os/posix_kernel.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <utility>

namespace bl::os {
namespace {

// --- translation tables: our Linux x86-64 values <-> the host's ----------------------------

struct FlagPair {
  int ours;
  int host;
};

// glibc defines O_LARGEFILE as 0 on 64-bit hosts (large files are always on), yet the kernel
// still reports its own O_LARGEFILE bit in F_GETFL of a regular file (Python shows 0o100000).
#if defined(__x86_64__)
constexpr int kHostLargefile = 0100000;
#elif defined(__aarch64__)
constexpr int kHostLargefile = 0400000;
#else
constexpr int kHostLargefile = O_LARGEFILE;
#endif

constexpr FlagPair kAccessModes[] = {
    {O::RDONLY, O_RDONLY}, {O::WRONLY, O_WRONLY}, {O::RDWR, O_RDWR}, {O::ACCMODE, O_ACCMODE}};

// O::SYNC holds O::DSYNC's bit, as O_SYNC holds O_DSYNC's: both rows apply to it.
constexpr FlagPair kOpenFlags[] = {{O::CREAT, O_CREAT},         {O::EXCL, O_EXCL},
                                   {O::NOCTTY, O_NOCTTY},       {O::TRUNC, O_TRUNC},
                                   {O::APPEND, O_APPEND},       {O::NONBLOCK, O_NONBLOCK},
                                   {O::DSYNC, O_DSYNC},         {O::SYNC, O_SYNC},
                                   {O::DIRECT, O_DIRECT},       {O::LARGEFILE, kHostLargefile},
                                   {O::DIRECTORY, O_DIRECTORY}, {O::NOFOLLOW, O_NOFOLLOW},
                                   {O::CLOEXEC, O_CLOEXEC},
                                   // O_TMPFILE's own bit (its O_DIRECTORY bit is the row above)
                                   {O::TMPFILE & ~O::DIRECTORY, O_TMPFILE & ~O_DIRECTORY}};

constexpr FlagPair kProtFlags[] = {
    {PROT::READ, PROT_READ}, {PROT::WRITE, PROT_WRITE}, {PROT::EXEC, PROT_EXEC}};
constexpr FlagPair kMapFlags[] = {
    {MAP::SHARED, MAP_SHARED}, {MAP::PRIVATE, MAP_PRIVATE}, {MAP::ANONYMOUS, MAP_ANONYMOUS}};
constexpr FlagPair kMsyncFlags[] = {
    {MS::ASYNC, MS_ASYNC}, {MS::INVALIDATE, MS_INVALIDATE}, {MS::SYNC, MS_SYNC}};
constexpr FlagPair kMremapFlags[] = {{MREMAP::MAYMOVE, MREMAP_MAYMOVE}};
constexpr FlagPair kWhences[] = {{SEEK::SET, SEEK_SET},
                                 {SEEK::CUR, SEEK_CUR},
                                 {SEEK::END, SEEK_END},
                                 {SEEK::DATA, SEEK_DATA},
                                 {SEEK::HOLE, SEEK_HOLE}};
constexpr FlagPair kFileTypes[] = {
    {static_cast<int>(S::IFSOCK), S_IFSOCK}, {static_cast<int>(S::IFLNK), S_IFLNK},
    {static_cast<int>(S::IFREG), S_IFREG},   {static_cast<int>(S::IFBLK), S_IFBLK},
    {static_cast<int>(S::IFDIR), S_IFDIR},   {static_cast<int>(S::IFCHR), S_IFCHR},
    {static_cast<int>(S::IFIFO), S_IFIFO}};

// Bits a table does not name are dropped: only flags the interface names cross the boundary
// (Linux itself ignores unknown open flags).
template <std::size_t N>
int to_host_bits(int ours, const FlagPair (&table)[N]) {
  int host = 0;
  for (const auto& pair : table) {
    if ((ours & pair.ours) == pair.ours) host |= pair.host;
  }
  return host;
}

template <std::size_t N>
int from_host_bits(int host, const FlagPair (&table)[N]) {
  int ours = 0;
  for (const auto& pair : table) {
    if ((host & pair.host) == pair.host) ours |= pair.ours;
  }
  return ours;
}

// A value (not bits): the host's counterpart of `ours`, or `missing`.
template <std::size_t N>
int to_host_value(int ours, const FlagPair (&table)[N], int missing) {
  for (const auto& pair : table) {
    if (pair.ours == ours) return pair.host;
  }
  return missing;
}

template <std::size_t N>
int from_host_value(int host, const FlagPair (&table)[N], int missing) {
  for (const auto& pair : table) {
    if (pair.host == host) return pair.ours;
  }
  return missing;
}

int host_open_flags(int ours) {
  return to_host_value(ours & O::ACCMODE, kAccessModes, O_RDONLY) |
         to_host_bits(ours & ~O::ACCMODE, kOpenFlags);
}

int our_open_flags(int host) {
  return from_host_value(host & O_ACCMODE, kAccessModes, O::RDONLY) |
         from_host_bits(host & ~O_ACCMODE, kOpenFlags);
}

// Host errno numbers we name; any other keeps its number (Errno prints it as "Unknown error N").
constexpr std::pair<int, Errno> kErrnos[] = {{EPERM, Errno::eperm},
                                             {ENOENT, Errno::enoent},
                                             {ESRCH, Errno::esrch},
                                             {EINTR, Errno::eintr},
                                             {EIO, Errno::eio},
                                             {ENXIO, Errno::enxio},
                                             {E2BIG, Errno::e2big},
                                             {EBADF, Errno::ebadf},
                                             {ECHILD, Errno::echild},
                                             {EAGAIN, Errno::eagain},
                                             {ENOMEM, Errno::enomem},
                                             {EACCES, Errno::eacces},
                                             {EFAULT, Errno::efault},
                                             {EBUSY, Errno::ebusy},
                                             {EEXIST, Errno::eexist},
                                             {EXDEV, Errno::exdev},
                                             {ENODEV, Errno::enodev},
                                             {ENOTDIR, Errno::enotdir},
                                             {EISDIR, Errno::eisdir},
                                             {EINVAL, Errno::einval},
                                             {ENFILE, Errno::enfile},
                                             {EMFILE, Errno::emfile},
                                             {ENOTTY, Errno::enotty},
                                             {ETXTBSY, Errno::etxtbsy},
                                             {EFBIG, Errno::efbig},
                                             {ENOSPC, Errno::enospc},
                                             {ESPIPE, Errno::espipe},
                                             {EROFS, Errno::erofs},
                                             {EMLINK, Errno::emlink},
                                             {EPIPE, Errno::epipe},
                                             {ERANGE, Errno::erange},
                                             {EDEADLK, Errno::edeadlk},
                                             {ENAMETOOLONG, Errno::enametoolong},
                                             {ENOSYS, Errno::enosys},
                                             {ENOTEMPTY, Errno::enotempty},
                                             {ELOOP, Errno::eloop},
                                             {EOVERFLOW, Errno::eoverflow},
                                             {ENOTSOCK, Errno::enotsock},
                                             {EOPNOTSUPP, Errno::eopnotsupp},
                                             {EADDRINUSE, Errno::eaddrinuse},
                                             {ECONNABORTED, Errno::econnaborted},
                                             {ECONNRESET, Errno::econnreset},
                                             {ESHUTDOWN, Errno::eshutdown},
                                             {ETIMEDOUT, Errno::etimedout},
                                             {ECONNREFUSED, Errno::econnrefused},
                                             {EALREADY, Errno::ealready},
                                             {EINPROGRESS, Errno::einprogress},
                                             {EDQUOT, Errno::edquot}};

Errno from_host_errno(int host) {
  for (const auto& [number, error] : kErrnos) {
    if (number == host) return error;
  }
  return static_cast<Errno>(host);
}

Errno last_error() { return from_host_errno(errno); }

std::int64_t to_ns(const timespec& t) {
  return static_cast<std::int64_t>(t.tv_sec) * 1'000'000'000 + t.tv_nsec;
}

Stat to_stat(const struct stat& s) {
  const auto type = static_cast<std::uint32_t>(from_host_value(s.st_mode & S_IFMT, kFileTypes, 0));
  return Stat{
      .st_dev = s.st_dev,
      .st_ino = s.st_ino,
      .st_mode = type | (s.st_mode & 07777),
      .st_nlink = s.st_nlink,
      .st_uid = s.st_uid,
      .st_gid = s.st_gid,
      .st_size = s.st_size,
      .st_blksize = s.st_blksize,
      .st_blocks = s.st_blocks,
      .st_atime_ns = to_ns(s.st_atim),
      .st_mtime_ns = to_ns(s.st_mtim),
      .st_ctime_ns = to_ns(s.st_ctim),
  };
}

// --- calling ----------------------------------------------------------------------------

// Calls `call` again while it fails with EINTR (PEP 475); its result, or the errno of a -1.
template <class Call>
auto retry(Call call) -> Result<decltype(call())> {
  for (;;) {
    const auto result = call();
    if (result != -1) return result;
    if (errno != EINTR) return last_error();
  }
}

template <class To, class From>
Result<To> cast(Result<From> result) {
  if (!result.ok()) return result.error();
  return static_cast<To>(result.value());
}

Result<void> done(Result<int> result) {
  if (!result.ok()) return result.error();
  return {};
}

// A path Linux can be given. A NUL byte would silently name a shorter path, so a path holding
// one is refused with EINVAL before any call (CPython refuses it earlier: "embedded null byte").
bool has_nul(std::string_view path) { return path.find('\0') != std::string_view::npos; }

template <class Span>
std::vector<iovec> to_iovecs(Span buffers) {
  std::vector<iovec> iovecs;
  iovecs.reserve(buffers.size());
  for (const auto& buffer : buffers) {
    iovecs.push_back({const_cast<std::byte*>(buffer.data()), buffer.size()});
  }
  return iovecs;
}

struct CloseDir {
  void operator()(DIR* dir) const { ::closedir(dir); }
};

}  // namespace

// --- descriptors and file data ----------------------------------------------------------

Result<Fd> PosixKernel::open(std::string_view path, int flags, std::uint32_t mode) {
  if (has_nul(path)) return Errno::einval;
  const std::string c_path(path);
  return retry([&] { return ::openat(AT_FDCWD, c_path.c_str(), host_open_flags(flags), mode); });
}

// Not retried on EINTR: Linux releases the descriptor before close() can be interrupted, so
// a second close() could close a descriptor another thread has just been given. CPython's
// os.close does the same (PEP 475 excludes close) and reports the EINTR.
Result<void> PosixKernel::close(Fd fd) {
  if (::close(fd) == 0) return {};
  return last_error();
}

Result<std::size_t> PosixKernel::read(Fd fd, std::span<std::byte> buffer) {
  return cast<std::size_t>(retry([&] { return ::read(fd, buffer.data(), buffer.size()); }));
}

Result<std::size_t> PosixKernel::write(Fd fd, std::span<const std::byte> data) {
  return cast<std::size_t>(retry([&] { return ::write(fd, data.data(), data.size()); }));
}

Result<std::size_t> PosixKernel::pread(Fd fd, std::span<std::byte> buffer, std::int64_t offset) {
  return cast<std::size_t>(
      retry([&] { return ::pread(fd, buffer.data(), buffer.size(), offset); }));
}

Result<std::size_t> PosixKernel::pwrite(Fd fd, std::span<const std::byte> data,
                                        std::int64_t offset) {
  return cast<std::size_t>(retry([&] { return ::pwrite(fd, data.data(), data.size(), offset); }));
}

Result<std::size_t> PosixKernel::readv(Fd fd, std::span<const std::span<std::byte>> buffers) {
  const auto iovecs = to_iovecs(buffers);
  const auto count = static_cast<int>(iovecs.size());
  return cast<std::size_t>(retry([&] { return ::readv(fd, iovecs.data(), count); }));
}

Result<std::size_t> PosixKernel::writev(Fd fd,
                                        std::span<const std::span<const std::byte>> buffers) {
  const auto iovecs = to_iovecs(buffers);
  const auto count = static_cast<int>(iovecs.size());
  return cast<std::size_t>(retry([&] { return ::writev(fd, iovecs.data(), count); }));
}

Result<std::int64_t> PosixKernel::lseek(Fd fd, std::int64_t offset, int whence) {
  // An unknown whence becomes one no kernel accepts, so Linux still checks the fd first.
  const int host_whence = to_host_value(whence, kWhences, -1);
  return cast<std::int64_t>(retry([&] { return ::lseek(fd, offset, host_whence); }));
}

Result<Stat> PosixKernel::fstat(Fd fd) {
  struct stat s {};
  if (::fstat(fd, &s) != 0) return last_error();
  return to_stat(s);
}

Result<Stat> PosixKernel::stat(std::string_view path) {
  if (has_nul(path)) return Errno::einval;
  struct stat s {};
  if (::stat(std::string(path).c_str(), &s) != 0) return last_error();
  return to_stat(s);
}

Result<void> PosixKernel::ftruncate(Fd fd, std::int64_t length) {
  return done(retry([&] { return ::ftruncate(fd, length); }));
}

Result<void> PosixKernel::fsync(Fd fd) {
  return done(retry([&] { return ::fsync(fd); }));
}

Result<void> PosixKernel::fdatasync(Fd fd) {
  return done(retry([&] { return ::fdatasync(fd); }));
}

Result<void> PosixKernel::chmod(std::string_view path, std::uint32_t mode) {
  if (has_nul(path)) return Errno::einval;
  return done(retry([&] { return ::chmod(std::string(path).c_str(), mode & 07777); }));
}

Result<void> PosixKernel::fchmod(Fd fd, std::uint32_t mode) {
  return done(retry([&] { return ::fchmod(fd, mode & 07777); }));
}

Result<std::size_t> PosixKernel::getrandom(std::span<std::byte> buffer) {
  return cast<std::size_t>(
      retry([&] { return ::getrandom(buffer.data(), buffer.size(), GRND_NONBLOCK); }));
}

std::optional<std::string> PosixKernel::getenv(std::string_view name) {
  const char* value = ::getenv(std::string(name).c_str());
  if (!value) return std::nullopt;
  return std::string(value);
}

// ioctl(TCGETS), which is what isatty(3) asks; ENOTTY (and EINVAL, which some drivers give)
// mean "not a terminal", any other error is the caller's (EBADF).
Result<bool> PosixKernel::isatty(Fd fd) {
  termios settings{};
  if (::ioctl(fd, TCGETS, &settings) == 0) return true;
  if (errno == ENOTTY || errno == EINVAL) return false;
  return last_error();
}

Result<void> PosixKernel::set_inheritable(Fd fd, bool inheritable) {
  return done(retry([&] { return ::ioctl(fd, inheritable ? FIONCLEX : FIOCLEX); }));
}

Result<bool> PosixKernel::get_inheritable(Fd fd) {
  const auto flags = retry([&] { return ::fcntl(fd, F_GETFD); });
  if (!flags.ok()) return flags.error();
  return (flags.value() & FD_CLOEXEC) == 0;
}

Result<int> PosixKernel::fcntl_getfl(Fd fd) {
  const auto flags = retry([&] { return ::fcntl(fd, F_GETFL); });
  if (!flags.ok()) return flags.error();
  return our_open_flags(flags.value());
}

Result<void> PosixKernel::fcntl_setfl(Fd fd, int flags) {
  const int host_flags = host_open_flags(flags);
  return done(retry([&] { return ::fcntl(fd, F_SETFL, host_flags); }));
}

Result<Fd> PosixKernel::dup(Fd fd, bool cloexec) {
  if (cloexec) return retry([&] { return ::fcntl(fd, F_DUPFD_CLOEXEC, 0); });
  return retry([&] { return ::dup(fd); });
}

Result<Fd> PosixKernel::dup2(Fd old_fd, Fd new_fd) {
  return retry([&] { return ::dup2(old_fd, new_fd); });
}

Result<std::pair<Fd, Fd>> PosixKernel::pipe(int flags) {
  int fds[2] = {-1, -1};
  const int host_flags = host_open_flags(flags);
  const auto result = retry([&] { return ::pipe2(fds, host_flags); });
  if (!result.ok()) return result.error();
  return std::pair<Fd, Fd>{fds[0], fds[1]};
}

// --- names ------------------------------------------------------------------------------

Result<void> PosixKernel::rename(std::string_view old_path, std::string_view new_path) {
  if (has_nul(old_path) || has_nul(new_path)) return Errno::einval;
  const std::string from(old_path), to(new_path);
  return done(retry([&] { return ::rename(from.c_str(), to.c_str()); }));
}

Result<void> PosixKernel::unlink(std::string_view path) {
  if (has_nul(path)) return Errno::einval;
  const std::string c_path(path);
  return done(retry([&] { return ::unlink(c_path.c_str()); }));
}

Result<void> PosixKernel::mkdir(std::string_view path, std::uint32_t mode) {
  if (has_nul(path)) return Errno::einval;
  const std::string c_path(path);
  return done(retry([&] { return ::mkdir(c_path.c_str(), mode); }));
}

Result<void> PosixKernel::rmdir(std::string_view path) {
  if (has_nul(path)) return Errno::einval;
  const std::string c_path(path);
  return done(retry([&] { return ::rmdir(c_path.c_str()); }));
}

Result<std::vector<std::string>> PosixKernel::listdir(std::string_view path) {
  if (has_nul(path)) return Errno::einval;
  const std::unique_ptr<DIR, CloseDir> dir(::opendir(std::string(path).c_str()));
  if (!dir) return last_error();
  std::vector<std::string> names;
  for (;;) {
    errno = 0;
    const dirent* entry = ::readdir(dir.get());
    if (entry == nullptr) break;
    const std::string_view name = entry->d_name;
    if (name != "." && name != "..") names.emplace_back(name);
  }
  if (errno != 0) return last_error();
  return names;
}

Result<std::string> PosixKernel::getcwd() {
  std::string buffer(4096, '\0');
  while (::getcwd(buffer.data(), buffer.size()) == nullptr) {
    if (errno != ERANGE) return last_error();
    buffer.resize(buffer.size() * 2);
  }
  buffer.resize(std::strlen(buffer.c_str()));
  return buffer;
}

Result<void> PosixKernel::chdir(std::string_view path) {
  if (has_nul(path)) return Errno::einval;
  const std::string c_path(path);
  return done(retry([&] { return ::chdir(c_path.c_str()); }));
}

// --- memory maps ------------------------------------------------------------------------

Result<std::byte*> PosixKernel::mmap(std::size_t length, int prot, int flags, Fd fd,
                                     std::int64_t offset) {
  void* address = ::mmap(nullptr, length, to_host_bits(prot, kProtFlags),
                         to_host_bits(flags, kMapFlags), fd, offset);
  if (address == MAP_FAILED) return last_error();
  return static_cast<std::byte*>(address);
}

Result<void> PosixKernel::msync(std::byte* addr, std::size_t length, int flags) {
  return done(retry([&] { return ::msync(addr, length, to_host_bits(flags, kMsyncFlags)); }));
}

Result<void> PosixKernel::munmap(std::byte* addr, std::size_t length) {
  if (::munmap(addr, length) != 0) return last_error();
  return {};
}

Result<std::byte*> PosixKernel::mremap(std::byte* addr, std::size_t old_length,
                                       std::size_t new_length, int flags) {
  void* address = ::mremap(addr, old_length, new_length, to_host_bits(flags, kMremapFlags));
  if (address == MAP_FAILED) return last_error();
  return static_cast<std::byte*>(address);
}

// --- copies inside the kernel -----------------------------------------------------------

Result<std::size_t> PosixKernel::sendfile(Fd out_fd, Fd in_fd, std::int64_t* offset,
                                          std::size_t count) {
  off64_t position = offset != nullptr ? *offset : 0;
  off64_t* host_offset = offset != nullptr ? &position : nullptr;
  const auto sent = retry([&] { return ::sendfile64(out_fd, in_fd, host_offset, count); });
  if (offset != nullptr) *offset = position;
  return cast<std::size_t>(sent);
}

Result<std::size_t> PosixKernel::copy_file_range(Fd in_fd, std::int64_t* in_offset, Fd out_fd,
                                                 std::int64_t* out_offset, std::size_t length) {
  off64_t in_position = in_offset != nullptr ? *in_offset : 0;
  off64_t out_position = out_offset != nullptr ? *out_offset : 0;
  off64_t* host_in = in_offset != nullptr ? &in_position : nullptr;
  off64_t* host_out = out_offset != nullptr ? &out_position : nullptr;
  const auto copied =
      retry([&] { return ::copy_file_range(in_fd, host_in, out_fd, host_out, length, 0); });
  if (in_offset != nullptr) *in_offset = in_position;
  if (out_offset != nullptr) *out_offset = out_position;
  return cast<std::size_t>(copied);
}

// --- time -------------------------------------------------------------------------------

std::int64_t PosixKernel::clock_gettime(Clock clock) {
  timespec now{};
  ::clock_gettime(clock == Clock::monotonic ? CLOCK_MONOTONIC : CLOCK_REALTIME, &now);
  return to_ns(now);
}

// Sleeps the whole duration: an interrupted nanosleep resumes with the time that remained.
void PosixKernel::nanosleep(std::int64_t nanoseconds) {
  if (nanoseconds <= 0) return;
  timespec request{.tv_sec = static_cast<time_t>(nanoseconds / 1'000'000'000),
                   .tv_nsec = static_cast<long>(nanoseconds % 1'000'000'000)};
  timespec remaining{};
  while (::nanosleep(&request, &remaining) == -1 && errno == EINTR) request = remaining;
}

}  // namespace bl::os
