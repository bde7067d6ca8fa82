// Flag and mode constants with Linux x86-64 values, whatever the host.
//
// Grouped in namespaces named after their C prefix (`O::CREAT` for O_CREAT), because the C
// names are macros in <fcntl.h> and friends. The simulated kernel interprets these values;
// PosixKernel translates them to the host's.
#pragma once

#include <cstdint>

namespace bl::os {

// open(2) flags, as Python's os.O_*.
namespace O {
inline constexpr int RDONLY = 00;
inline constexpr int WRONLY = 01;
inline constexpr int RDWR = 02;
inline constexpr int ACCMODE = 03;
inline constexpr int CREAT = 0100;
inline constexpr int EXCL = 0200;
inline constexpr int NOCTTY = 0400;
inline constexpr int TRUNC = 01000;
inline constexpr int APPEND = 02000;
inline constexpr int NONBLOCK = 04000;
inline constexpr int DSYNC = 010000;
inline constexpr int DIRECT = 040000;
inline constexpr int LARGEFILE = 0100000;
inline constexpr int DIRECTORY = 0200000;
inline constexpr int NOFOLLOW = 0400000;
inline constexpr int CLOEXEC = 02000000;
inline constexpr int SYNC = 04010000;  // includes DSYNC, as on Linux
// An unnamed file in the directory `path` names; includes DIRECTORY's bit, as on Linux.
inline constexpr int TMPFILE = 020200000;
}  // namespace O

// lseek(2) whence values, as Python's os.SEEK_*.
namespace SEEK {
inline constexpr int SET = 0;
inline constexpr int CUR = 1;
inline constexpr int END = 2;
inline constexpr int DATA = 3;
inline constexpr int HOLE = 4;
}  // namespace SEEK

// File type and permission bits of st_mode, as Python's stat.S_*.
namespace S {
inline constexpr std::uint32_t IFMT = 0170000;
inline constexpr std::uint32_t IFSOCK = 0140000;
inline constexpr std::uint32_t IFLNK = 0120000;
inline constexpr std::uint32_t IFREG = 0100000;
inline constexpr std::uint32_t IFBLK = 0060000;
inline constexpr std::uint32_t IFDIR = 0040000;
inline constexpr std::uint32_t IFCHR = 0020000;
inline constexpr std::uint32_t IFIFO = 0010000;
}  // namespace S

// mmap(2) protection and flags, msync(2) flags, mremap(2) flags, as Python's mmap.*.
namespace PROT {
inline constexpr int NONE = 0;
inline constexpr int READ = 1;
inline constexpr int WRITE = 2;
inline constexpr int EXEC = 4;
}  // namespace PROT
namespace MAP {
inline constexpr int SHARED = 0x01;
inline constexpr int PRIVATE = 0x02;
inline constexpr int ANONYMOUS = 0x20;
}  // namespace MAP
namespace MS {
inline constexpr int ASYNC = 1;
inline constexpr int INVALIDATE = 2;
inline constexpr int SYNC = 4;
}  // namespace MS
namespace MREMAP {
inline constexpr int MAYMOVE = 1;
}  // namespace MREMAP

// Page size and mmap allocation granularity on these machines (mmap.PAGESIZE).
inline constexpr std::int64_t PAGESIZE = 4096;

}  // namespace bl::os
