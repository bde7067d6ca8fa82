// Kernel contract: moving file data — read, write, pread, pwrite, readv, writev, lseek,
// ftruncate — and the errors of descriptors that cannot do them.
#include <array>
#include <cstdint>

#include "contract/kernel_fixture.hpp"

using namespace bl::contract;
using bl::os::as_bytes;

TEST_CASE_TEMPLATE("read and write move the file position", F, BL_CONTRACT_KERNELS) {
  F f;
  auto& k = f.kernel;
  const Fd fd = must(k.open(f.path("f"), O::RDWR | O::CREAT));
  CHECK(must(k.write(fd, as_bytes("hello"))) == 5);
  CHECK(must(k.write(fd, as_bytes(" world"))) == 6);
  CHECK(tell(k, fd) == 11);
  CHECK(must(k.read(fd, {})) == 0);  // at end of file
  CHECK(must(k.lseek(fd, 0, SEEK::SET)) == 0);
  CHECK(read_text(k, fd, 5) == "hello");
  CHECK(tell(k, fd) == 5);
  CHECK(read_text(k, fd, 100) == " world");
  CHECK(tell(k, fd) == 11);
  CHECK(read_text(k, fd, 100).empty());
  CHECK(tell(k, fd) == 11);
  must(k.close(fd));
}

TEST_CASE_TEMPLATE("zero-length reads and writes do nothing", F, BL_CONTRACT_KERNELS) {
  F f;
  auto& k = f.kernel;
  const Fd fd = must(k.open(f.path("f"), O::RDWR | O::CREAT));
  CHECK(must(k.write(fd, as_bytes("abc"))) == 3);
  CHECK(must(k.lseek(fd, 1, SEEK::SET)) == 1);
  CHECK(must(k.read(fd, {})) == 0);
  CHECK(must(k.write(fd, {})) == 0);
  CHECK(must(k.pwrite(fd, {}, 100)) == 0);  // does not grow the file
  CHECK(tell(k, fd) == 1);
  CHECK(must(k.fstat(fd)).st_size == 3);
  must(k.close(fd));
}

TEST_CASE_TEMPLATE("pread and pwrite leave the file position alone", F, BL_CONTRACT_KERNELS) {
  F f;
  auto& k = f.kernel;
  const auto p = f.path("f");
  write_file(k, p, "hello world");
  const Fd fd = must(k.open(p, O::RDWR));
  CHECK(must(k.lseek(fd, 3, SEEK::SET)) == 3);
  CHECK(must(k.pwrite(fd, as_bytes("WORLD"), 6)) == 5);
  CHECK(pread_text(k, fd, 5, 0) == "hello");
  CHECK(pread_text(k, fd, 100, 6) == "WORLD");
  CHECK(pread_text(k, fd, 10, 11).empty());   // at end of file
  CHECK(pread_text(k, fd, 10, 500).empty());  // beyond it
  CHECK(tell(k, fd) == 3);
  std::string one(1, '\0');
  CHECK(k.pread(fd, writable(one), -1).error() == Errno::einval);
  CHECK(k.pwrite(fd, as_bytes("x"), -1).error() == Errno::einval);
  must(k.close(fd));
  CHECK(read_file(k, p) == "hello WORLD");
}

TEST_CASE_TEMPLATE("readv and writev fill and drain buffers in order", F, BL_CONTRACT_KERNELS) {
  F f;
  auto& k = f.kernel;
  const Fd fd = must(k.open(f.path("f"), O::RDWR | O::CREAT));
  const std::array<std::span<const std::byte>, 3> out = {as_bytes("ab"), as_bytes(""),
                                                         as_bytes("cde")};
  CHECK(must(k.writev(fd, out)) == 5);
  CHECK(tell(k, fd) == 5);
  CHECK(must(k.lseek(fd, 0, SEEK::SET)) == 0);

  std::string a(2, '.'), b(1, '.'), c(10, '.');
  const std::array<std::span<std::byte>, 3> in = {writable(a), writable(b), writable(c)};
  CHECK(must(k.readv(fd, in)) == 5);
  CHECK(a == "ab");
  CHECK(b == "c");
  CHECK(c == "de........");
  CHECK(tell(k, fd) == 5);
  CHECK(must(k.readv(fd, in)) == 0);
  CHECK(must(k.readv(fd, {})) == 0);
  must(k.close(fd));
}

TEST_CASE_TEMPLATE("writing past the end leaves zeros in the gap", F, BL_CONTRACT_KERNELS) {
  F f;
  auto& k = f.kernel;
  const auto p = f.path("f");
  const Fd fd = must(k.open(p, O::RDWR | O::CREAT));
  CHECK(must(k.lseek(fd, 10, SEEK::SET)) == 10);
  CHECK(must(k.fstat(fd)).st_size == 0);  // seeking alone does not grow the file
  CHECK(must(k.write(fd, as_bytes("x"))) == 1);
  CHECK(must(k.pwrite(fd, as_bytes("y"), 15)) == 1);
  CHECK(must(k.fstat(fd)).st_size == 16);
  must(k.close(fd));
  CHECK(read_file(k, p) == std::string(10, '\0') + "x" + std::string(4, '\0') + "y");
}

TEST_CASE_TEMPLATE("reading and writing through descriptors that cannot", F, BL_CONTRACT_KERNELS) {
  F f;
  auto& k = f.kernel;
  std::string one(1, '\0');
  const std::array<std::span<std::byte>, 1> in = {writable(one)};
  const std::array<std::span<const std::byte>, 1> out = {as_bytes("x")};

  CHECK(k.read(kBadFd, writable(one)).error() == Errno::ebadf);
  CHECK(k.write(kBadFd, as_bytes("x")).error() == Errno::ebadf);
  CHECK(k.pread(kBadFd, writable(one), 0).error() == Errno::ebadf);
  CHECK(k.pwrite(kBadFd, as_bytes("x"), 0).error() == Errno::ebadf);
  CHECK(k.readv(kBadFd, in).error() == Errno::ebadf);
  CHECK(k.writev(kBadFd, out).error() == Errno::ebadf);
  CHECK(k.close(kBadFd).error() == Errno::ebadf);
  CHECK(k.close(-1).error() == Errno::ebadf);

  // A directory opens for reading, yet has no bytes to read; writing it is not allowed at all.
  const Fd dir = must(k.open(f.root, O::RDONLY | O::DIRECTORY));
  CHECK(k.read(dir, writable(one)).error() == Errno::eisdir);
  CHECK(k.read(dir, {}).error() == Errno::eisdir);
  CHECK(k.pread(dir, writable(one), 0).error() == Errno::eisdir);
  CHECK(k.readv(dir, in).error() == Errno::eisdir);
  CHECK(k.write(dir, as_bytes("x")).error() == Errno::ebadf);
  must(k.close(dir));

  // A closed descriptor is a bad one.
  const Fd fd = must(k.open(f.path("f"), O::WRONLY | O::CREAT));
  must(k.close(fd));
  CHECK(k.write(fd, as_bytes("x")).error() == Errno::ebadf);
  CHECK(k.close(fd).error() == Errno::ebadf);
}

TEST_CASE_TEMPLATE("lseek: SET, CUR and END, and beyond the end", F, BL_CONTRACT_KERNELS) {
  F f;
  auto& k = f.kernel;
  const auto p = f.path("f");
  write_file(k, p, "0123456789");
  const Fd fd = must(k.open(p, O::RDONLY));
  CHECK(must(k.lseek(fd, 4, SEEK::SET)) == 4);
  CHECK(must(k.lseek(fd, 2, SEEK::CUR)) == 6);
  CHECK(must(k.lseek(fd, -1, SEEK::CUR)) == 5);
  CHECK(read_text(k, fd, 1) == "5");
  CHECK(must(k.lseek(fd, -3, SEEK::END)) == 7);
  CHECK(must(k.lseek(fd, 0, SEEK::END)) == 10);
  CHECK(must(k.lseek(fd, 100, SEEK::END)) == 110);
  CHECK(must(k.lseek(fd, 1000, SEEK::SET)) == 1000);
  CHECK(read_text(k, fd, 10).empty());
  CHECK(must(k.fstat(fd)).st_size == 10);

  // A negative result is refused and leaves the position where it was.
  CHECK(must(k.lseek(fd, 2, SEEK::SET)) == 2);
  CHECK(k.lseek(fd, -1, SEEK::SET).error() == Errno::einval);
  CHECK(k.lseek(fd, -3, SEEK::CUR).error() == Errno::einval);
  CHECK(k.lseek(fd, -11, SEEK::END).error() == Errno::einval);
  CHECK(k.lseek(fd, 0, 7).error() == Errno::einval);
  CHECK(k.lseek(fd, 0, -1).error() == Errno::einval);
  CHECK(tell(k, fd) == 2);
  CHECK(k.lseek(kBadFd, 0, SEEK::SET).error() == Errno::ebadf);
  CHECK(k.lseek(kBadFd, 0, 7).error() == Errno::ebadf);  // the descriptor is checked first
  must(k.close(fd));
}

TEST_CASE_TEMPLATE("lseek: SEEK_DATA and SEEK_HOLE on a file without holes", F,
                   BL_CONTRACT_KERNELS) {
  F f;
  auto& k = f.kernel;
  const auto p = f.path("f");
  write_file(k, p, "hello");
  const Fd fd = must(k.open(p, O::RDONLY));
  CHECK(must(k.lseek(fd, 0, SEEK::DATA)) == 0);
  CHECK(must(k.lseek(fd, 3, SEEK::DATA)) == 3);
  CHECK(tell(k, fd) == 3);                       // they move the position like any seek
  CHECK(must(k.lseek(fd, 0, SEEK::HOLE)) == 5);  // the virtual hole at the end of the file
  CHECK(must(k.lseek(fd, 3, SEEK::HOLE)) == 5);
  CHECK(k.lseek(fd, 5, SEEK::DATA).error() == Errno::enxio);  // at or past the end
  CHECK(k.lseek(fd, 5, SEEK::HOLE).error() == Errno::enxio);
  CHECK(k.lseek(fd, 50, SEEK::HOLE).error() == Errno::enxio);
  CHECK(k.lseek(fd, -1, SEEK::DATA).error() == Errno::enxio);  // not EINVAL
  CHECK(k.lseek(fd, -1, SEEK::HOLE).error() == Errno::enxio);
  must(k.close(fd));

  const Fd empty = must(k.open(f.path("empty"), O::RDWR | O::CREAT));
  CHECK(k.lseek(empty, 0, SEEK::DATA).error() == Errno::enxio);
  CHECK(k.lseek(empty, 0, SEEK::HOLE).error() == Errno::enxio);
  must(k.close(empty));
}

TEST_CASE_TEMPLATE("ftruncate grows with zeros, shrinks, and keeps the position", F,
                   BL_CONTRACT_KERNELS) {
  F f;
  auto& k = f.kernel;
  const auto p = f.path("f");
  write_file(k, p, "hello world");
  const Fd fd = must(k.open(p, O::RDWR));
  CHECK(must(k.lseek(fd, 8, SEEK::SET)) == 8);
  must(k.ftruncate(fd, 5));
  CHECK(must(k.fstat(fd)).st_size == 5);
  CHECK(tell(k, fd) == 8);
  must(k.ftruncate(fd, 7));
  CHECK(pread_text(k, fd, 100, 0) == std::string("hello\0\0", 7));
  CHECK(tell(k, fd) == 8);
  CHECK(must(k.write(fd, as_bytes("!"))) == 1);  // at the kept position, past the end
  must(k.ftruncate(fd, 0));
  CHECK(must(k.fstat(fd)).st_size == 0);
  CHECK(k.ftruncate(fd, -1).error() == Errno::einval);
  must(k.close(fd));

  // Linux refuses a descriptor not open for writing with EINVAL, not EBADF.
  const Fd ro = must(k.open(p, O::RDONLY));
  CHECK(k.ftruncate(ro, 0).error() == Errno::einval);
  must(k.close(ro));
  const Fd dir = must(k.open(f.root, O::RDONLY | O::DIRECTORY));
  CHECK(k.ftruncate(dir, 0).error() == Errno::einval);
  must(k.close(dir));
  CHECK(k.ftruncate(kBadFd, 0).error() == Errno::ebadf);
}

TEST_CASE_TEMPLATE("fsync and fdatasync", F, BL_CONTRACT_KERNELS) {
  F f;
  auto& k = f.kernel;
  const auto p = f.path("f");
  const Fd fd = must(k.open(p, O::WRONLY | O::CREAT));
  CHECK(must(k.write(fd, as_bytes("durable"))) == 7);
  must(k.fsync(fd));
  must(k.fdatasync(fd));
  must(k.close(fd));
  const Fd ro = must(k.open(p, O::RDONLY));  // syncing needs no write access
  must(k.fsync(ro));
  must(k.fdatasync(ro));
  must(k.close(ro));
  const Fd dir = must(k.open(f.root, O::RDONLY | O::DIRECTORY));  // how a new name is synced
  must(k.fsync(dir));
  must(k.fdatasync(dir));
  must(k.close(dir));

  // Files with no storage behind them cannot be synced.
  const auto [r, w] = must(k.pipe());
  CHECK(k.fsync(r).error() == Errno::einval);
  CHECK(k.fsync(w).error() == Errno::einval);
  CHECK(k.fdatasync(w).error() == Errno::einval);
  must(k.close(r));
  must(k.close(w));
  const Fd null = must(k.open("/dev/null", O::WRONLY));
  CHECK(k.fsync(null).error() == Errno::einval);
  must(k.close(null));

  CHECK(k.fsync(kBadFd).error() == Errno::ebadf);
  CHECK(k.fdatasync(kBadFd).error() == Errno::ebadf);
}

// Linux rejects a negative offset or length before it looks the descriptor up, and asks
// whether pread/pwrite can position the file before whether it is open for reading/writing.
TEST_CASE_TEMPLATE("a negative offset or length is EINVAL before any descriptor check", F,
                   BL_CONTRACT_KERNELS) {
  F f;
  auto& k = f.kernel;
  std::string one(1, '\0');
  CHECK(k.pread(kBadFd, writable(one), -1).error() == Errno::einval);
  CHECK(k.pwrite(kBadFd, as_bytes("x"), -1).error() == Errno::einval);
  CHECK(k.ftruncate(kBadFd, -1).error() == Errno::einval);

  const Fd ro = must(k.open(f.path("f"), O::RDONLY | O::CREAT));
  CHECK(k.pwrite(ro, as_bytes("x"), -1).error() == Errno::einval);
  CHECK(k.pwrite(ro, as_bytes("x"), 0).error() == Errno::ebadf);
  CHECK(k.ftruncate(ro, -1).error() == Errno::einval);
  must(k.close(ro));
  const Fd wo = must(k.open(f.path("f"), O::WRONLY));
  CHECK(k.pread(wo, writable(one), -1).error() == Errno::einval);
  CHECK(k.pread(wo, writable(one), 0).error() == Errno::ebadf);
  must(k.close(wo));
}

// ext4 with 4 KiB blocks holds files up to (2^32 - 1) pages; offsets go to 2^63 - 1.
// Checked with python3 on these machines: os.lseek(fd, M + 1, 0) -> EINVAL,
// os.pwrite(fd, b'x', M) -> EFBIG, os.pread(fd, 1, 2**63 - 1) -> EINVAL, ...
TEST_CASE_TEMPLATE("positions and sizes at the limits of a file", F, BL_CONTRACT_KERNELS) {
  F f;
  auto& k = f.kernel;
  constexpr std::int64_t kMaxFile = 17'592'186'040'320;
  constexpr std::int64_t kMaxOffset = INT64_MAX;
  const Fd fd = must(k.open(f.path("f"), O::RDWR | O::CREAT));
  std::string one(1, '\0');
  CHECK(must(k.lseek(fd, kMaxFile, SEEK::SET)) == kMaxFile);
  CHECK(k.lseek(fd, kMaxFile + 1, SEEK::SET).error() == Errno::einval);
  CHECK(k.lseek(fd, kMaxOffset, SEEK::CUR).error() == Errno::einval);  // would overflow
  CHECK(k.lseek(fd, INT64_MIN, SEEK::END).error() == Errno::einval);
  CHECK(tell(k, fd) == kMaxFile);  // failed seeks leave the position alone
  CHECK(k.write(fd, as_bytes("x")).error() == Errno::efbig);  // at the largest size
  CHECK(k.pwrite(fd, as_bytes("x"), kMaxFile).error() == Errno::efbig);
  CHECK(k.pwrite(fd, as_bytes("x"), std::int64_t{1} << 62).error() == Errno::efbig);
  CHECK(k.pwrite(fd, as_bytes("x"), kMaxOffset).error() == Errno::einval);  // end overflows
  CHECK(must(k.pwrite(fd, {}, kMaxOffset)) == 0);
  CHECK(k.pread(fd, writable(one), kMaxOffset).error() == Errno::einval);
  CHECK(must(k.pread(fd, writable(one), std::int64_t{1} << 62)) == 0);  // past the end: nothing
  CHECK(k.ftruncate(fd, kMaxFile + 1).error() == Errno::efbig);
  CHECK(must(k.fstat(fd)).st_size == 0);
  must(k.close(fd));
}
