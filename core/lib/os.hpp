// bl::lib::os — Python's os module (CPython 3.11 Modules/posixmodule.c) over an os::Kernel.
//
// Each function is the Python function of the same name: it makes the system call Python
// makes, with the flags Python adds (os.open is O_CLOEXEC, PEP 446), and turns a failure into
// the exception Python raises, message for message (`FileNotFoundError: [Errno 2] No such
// file or directory: 'a'`, and `'a' -> 'b'` for rename and replace). Paths are str (UTF-8);
// an embedded NUL is `ValueError: embedded null byte`, as CPython's path converter says.
//
//   namespace os = bl::lib::os;
//   os::Fd fd = os::open(k, "log", os::O::WRONLY | os::O::CREAT, 0644);
//   os::write(k, fd, data);  os::fsync(k, fd);  os::close(k, fd);
//
// The kernel's own names (Kernel, Fd, Errno, the O::, SEEK:: and S:: constants, which are
// os.O_*, os.SEEK_* and stat.S_*) are visible here too, so `os::O::RDONLY` reads the same
// whichever os namespace a caller sees.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "buffer/bytes.hpp"
#include "os/kernel.hpp"

namespace bl::lib::os {

using namespace bl::os;  // NOLINT: lib::os extends the kernel's os namespace

using buffer::ByteSpan;
using buffer::Bytes;

// os.stat_result: the fields a Kernel reports, already named as Python names them (the float
// st_atime/st_mtime/st_ctime, whose names are macros in <sys/stat.h>, are left out: the *_ns
// fields are exact). is_regular/is_directory/is_fifo are stat.S_ISREG/S_ISDIR/S_ISFIFO.
struct stat_result : Stat {
  // repr() as CPython prints it: the ten tuple fields, the times as whole seconds.
  std::string repr() const;
};

// os.O_* and os.SEEK_* as CPython has them on Linux x86-64 (in wasm too): the kernel's flag
// values, except O_LARGEFILE, which glibc defines as 0 for 64-bit programs (the kernel sets
// that bit itself, so a trace shows it). Only the flags the Kernel models are offered.
struct Constant {
  std::string_view name;
  int value;
};
std::span<const Constant> constants();
// The value of `name` ("O_CREAT"), or nothing when os has no such constant here.
std::optional<int> constant(std::string_view name);

// stat.S_IMODE(mode): the permission bits, as chmod takes them.
inline std::uint32_t S_IMODE(std::uint32_t mode) { return mode & 07777; }

// ValueError("embedded null byte") when `path` holds a NUL, as every path argument is checked.
void check_path(std::string_view path);

// --- descriptors ---------------------------------------------------------------------------
// os.open(path, flags, mode=0o777): flags | O_CLOEXEC; the new descriptor.
Fd open(Kernel& k, std::string_view path, int flags, std::uint32_t mode = 0777);
void close(Kernel& k, Fd fd);
// os.read(fd, n): at most n bytes (b'' at end of file); n < 0 is EINVAL without a system call.
Bytes read(Kernel& k, Fd fd, std::int64_t n);
// os.write(fd, data): the number of bytes written (may be short).
std::int64_t write(Kernel& k, Fd fd, ByteSpan data);
Bytes pread(Kernel& k, Fd fd, std::int64_t n, std::int64_t offset);
std::int64_t pwrite(Kernel& k, Fd fd, ByteSpan data, std::int64_t offset);
// os.lseek(fd, pos, how): the new position; `how` is SEEK::SET/CUR/END/DATA/HOLE.
std::int64_t lseek(Kernel& k, Fd fd, std::int64_t pos, int how);
void fsync(Kernel& k, Fd fd);
void fdatasync(Kernel& k, Fd fd);
void ftruncate(Kernel& k, Fd fd, std::int64_t length);
stat_result fstat(Kernel& k, Fd fd);
// os.pipe(): (read end, write end), both non-inheritable (pipe2 with O_CLOEXEC).
std::pair<Fd, Fd> pipe(Kernel& k);
// os.sendfile(out_fd, in_fd, offset, count): bytes sent. offset None reads from (and
// advances) in_fd's position; an int leaves it alone.
std::int64_t sendfile(Kernel& k, Fd out_fd, Fd in_fd, std::optional<std::int64_t> offset,
                      std::int64_t count);
// os.copy_file_range(src, dst, count, offset_src=None, offset_dst=None): bytes copied;
// a negative count is `ValueError: negative value for 'count' not allowed`.
std::int64_t copy_file_range(Kernel& k, Fd src, Fd dst, std::int64_t count,
                             std::optional<std::int64_t> offset_src = std::nullopt,
                             std::optional<std::int64_t> offset_dst = std::nullopt);

// --- names ---------------------------------------------------------------------------------
stat_result stat(Kernel& k, std::string_view path);
// os.rename and os.replace are the same rename(2) on POSIX: an existing target is replaced
// atomically. Errors name both paths.
void rename(Kernel& k, std::string_view src, std::string_view dst);
void replace(Kernel& k, std::string_view src, std::string_view dst);
void remove(Kernel& k, std::string_view path);
void unlink(Kernel& k, std::string_view path);
void chmod(Kernel& k, std::string_view path, std::uint32_t mode);
void mkdir(Kernel& k, std::string_view path, std::uint32_t mode = 0777);
void rmdir(Kernel& k, std::string_view path);
// os.listdir(path='.'): the entry names, in the directory's order.
std::vector<std::string> listdir(Kernel& k, std::string_view path = ".");
std::string getcwd(Kernel& k);

}  // namespace bl::lib::os
