// Kernel contract: memory maps (mmap, msync, munmap, mremap), copies inside the kernel
// (sendfile, copy_file_range) and the clocks.
#include <cstdint>
#include <cstring>

#include "contract/kernel_fixture.hpp"

using namespace bl::contract;
using bl::os::as_bytes;
using bl::os::Clock;

constexpr std::size_t kPage = 4096;

TEST_CASE_TEMPLATE("mmap MAP_SHARED: the map and the file are the same bytes", F,
                   BL_CONTRACT_KERNELS) {
  F f;
  auto& k = f.kernel;
  const auto p = f.path("f");
  write_file(k, p, "hello world");
  const Fd fd = must(k.open(p, O::RDWR));
  std::byte* map = must(k.mmap(11, PROT::READ | PROT::WRITE, MAP::SHARED, fd, 0));
  REQUIRE(map != nullptr);
  CHECK(text_at(map, 11) == "hello world");

  std::memcpy(map, "J", 1);  // a store is what reads see
  CHECK(pread_text(k, fd, 100, 0) == "Jello world");
  CHECK(must(k.pwrite(fd, as_bytes("W"), 6)) == 1);  // a write is what the map shows
  CHECK(text_at(map, 11) == "Jello World");
  must(k.msync(map, 11, MS::SYNC));
  must(k.msync(map, kPage, MS::ASYNC));
  must(k.munmap(map, 11));
  CHECK(must(k.fstat(fd)).st_size == 11);  // the map never changes the size
  must(k.close(fd));
  CHECK(read_file(k, p) == "Jello World");
}

TEST_CASE_TEMPLATE("mmap: two shared maps of a file show each other's stores", F,
                   BL_CONTRACT_KERNELS) {
  F f;
  auto& k = f.kernel;
  const auto p = f.path("f");
  write_file(k, p, "hello world");
  const Fd fd = must(k.open(p, O::RDWR));
  std::byte* a = must(k.mmap(11, PROT::READ | PROT::WRITE, MAP::SHARED, fd, 0));
  std::byte* b = must(k.mmap(11, PROT::READ | PROT::WRITE, MAP::SHARED, fd, 0));
  // Whichever map lies lower in memory, a store through one is not undone by the other, and
  // stores to different bytes of one page through both maps all arrive (SimKernel makes
  // maps coherent at system calls: one is made between the stores and the checks).
  std::memcpy(a, "J", 1);
  std::memcpy(b + 6, "W", 1);
  (void)must(k.fstat(fd));
  CHECK(text_at(a, 11) == "Jello World");
  CHECK(text_at(b, 11) == "Jello World");
  std::memcpy(b, "Y", 1);
  (void)must(k.fstat(fd));
  CHECK(text_at(a, 11) == "Yello World");
  CHECK(pread_text(k, fd, 100, 0) == "Yello World");
  must(k.munmap(a, 11));
  must(k.munmap(b, 11));
  must(k.close(fd));
}

TEST_CASE_TEMPLATE("mmap: the map outlives its descriptor", F, BL_CONTRACT_KERNELS) {
  F f;
  auto& k = f.kernel;
  const auto p = f.path("f");
  write_file(k, p, "abc");
  const Fd fd = must(k.open(p, O::RDWR));
  std::byte* map = must(k.mmap(3, PROT::READ | PROT::WRITE, MAP::SHARED, fd, 0));
  must(k.close(fd));
  std::memcpy(map + 2, "C", 1);
  must(k.msync(map, 3, MS::SYNC));
  CHECK(read_file(k, p) == "abC");
  must(k.munmap(map, 3));
}

TEST_CASE_TEMPLATE("mmap MAP_PRIVATE: stores stay in the process", F, BL_CONTRACT_KERNELS) {
  F f;
  auto& k = f.kernel;
  const auto p = f.path("f");
  write_file(k, p, "original");
  const Fd fd = must(k.open(p, O::RDONLY));
  // A private map may be writable even on a read-only descriptor: stores go to a copy.
  std::byte* map = must(k.mmap(8, PROT::READ | PROT::WRITE, MAP::PRIVATE, fd, 0));
  CHECK(text_at(map, 8) == "original");
  std::memcpy(map, "ORIG", 4);
  CHECK(text_at(map, 8) == "ORIGinal");
  must(k.msync(map, 8, MS::SYNC));
  CHECK(pread_text(k, fd, 100, 0) == "original");
  must(k.munmap(map, 8));
  must(k.close(fd));
  CHECK(read_file(k, p) == "original");
}

TEST_CASE_TEMPLATE("mmap: a map at an offset, and the page past the end of file", F,
                   BL_CONTRACT_KERNELS) {
  F f;
  auto& k = f.kernel;
  const auto p = f.path("f");
  write_file(k, p, std::string(kPage, 'a') + "bcd");
  const Fd fd = must(k.open(p, O::RDONLY));
  std::byte* map = must(k.mmap(kPage, PROT::READ, MAP::SHARED, fd, kPage));
  CHECK(text_at(map, 3) == "bcd");
  // The rest of the last page reads as zeros.
  CHECK(text_at(map + 3, kPage - 3) == std::string(kPage - 3, '\0'));
  must(k.munmap(map, kPage));
  must(k.close(fd));
}

TEST_CASE_TEMPLATE("mmap errors", F, BL_CONTRACT_KERNELS) {
  F f;
  auto& k = f.kernel;
  const auto p = f.path("f");
  write_file(k, p, std::string(2 * kPage, 'x'));
  const int rw = PROT::READ | PROT::WRITE;
  const Fd ro = must(k.open(p, O::RDONLY));
  const Fd wo = must(k.open(p, O::WRONLY));
  CHECK(k.mmap(0, PROT::READ, MAP::SHARED, ro, 0).error() == Errno::einval);
  CHECK(k.mmap(kPage, PROT::READ, MAP::SHARED, ro, 100).error() == Errno::einval);
  CHECK(k.mmap(kPage, PROT::READ, 0, ro, 0).error() == Errno::einval);  // shared or private?
  CHECK(k.mmap(kPage, rw, MAP::SHARED, ro, 0).error() == Errno::eacces);
  CHECK(k.mmap(kPage, PROT::READ, MAP::SHARED, wo, 0).error() == Errno::eacces);
  CHECK(k.mmap(kPage, PROT::READ, MAP::PRIVATE, wo, 0).error() == Errno::eacces);
  CHECK(k.mmap(kPage, PROT::READ, MAP::SHARED, kBadFd, 0).error() == Errno::ebadf);

  const auto [r, w] = must(k.pipe());
  CHECK(k.mmap(kPage, PROT::READ, MAP::SHARED, r, 0).error() == Errno::enodev);
  CHECK(k.mmap(kPage, PROT::READ, MAP::PRIVATE, r, 0).error() == Errno::enodev);
  const Fd dir = must(k.open(f.root, O::RDONLY | O::DIRECTORY));
  CHECK(k.mmap(kPage, PROT::READ, MAP::SHARED, dir, 0).error() == Errno::enodev);
  for (Fd fd : {ro, wo, r, w, dir}) must(k.close(fd));
}

TEST_CASE_TEMPLATE("msync and munmap errors", F, BL_CONTRACT_KERNELS) {
  F f;
  auto& k = f.kernel;
  const auto p = f.path("f");
  write_file(k, p, std::string(2 * kPage, 'x'));
  const Fd fd = must(k.open(p, O::RDWR));
  std::byte* map = must(k.mmap(2 * kPage, PROT::READ | PROT::WRITE, MAP::SHARED, fd, 0));
  CHECK(k.msync(map + 1, kPage, MS::SYNC).error() == Errno::einval);  // not page-aligned
  CHECK(k.msync(map, kPage, MS::SYNC | MS::ASYNC).error() == Errno::einval);
  must(k.msync(map + kPage, 1, MS::SYNC));  // the length is rounded up to whole pages
  CHECK(k.munmap(map + 1, kPage).error() == Errno::einval);
  CHECK(k.munmap(map, 0).error() == Errno::einval);
  must(k.munmap(map + kPage, kPage));  // a map can be unmapped a page at a time
  CHECK(k.msync(map, 2 * kPage, MS::SYNC).error() == Errno::enomem);  // part is unmapped
  must(k.msync(map, kPage, MS::SYNC));
  must(k.munmap(map, kPage));
  must(k.close(fd));
}

TEST_CASE_TEMPLATE("mremap grows a map over a grown file", F, BL_CONTRACT_KERNELS) {
  F f;
  auto& k = f.kernel;
  const auto p = f.path("f");
  write_file(k, p, std::string(kPage, 'a'));
  const Fd fd = must(k.open(p, O::RDWR));
  std::byte* map = must(k.mmap(kPage, PROT::READ | PROT::WRITE, MAP::SHARED, fd, 0));
  must(k.ftruncate(fd, 2 * kPage));
  CHECK(must(k.pwrite(fd, as_bytes("bb"), kPage)) == 2);
  std::byte* grown = must(k.mremap(map, kPage, 2 * kPage, MREMAP::MAYMOVE));
  CHECK(text_at(grown, 1) == "a");
  CHECK(text_at(grown + kPage, 3) == std::string("bb\0", 3));
  std::memcpy(grown + kPage + 2, "c", 1);
  CHECK(pread_text(k, fd, 3, kPage) == "bbc");
  CHECK(k.mremap(grown + 1, kPage, 2 * kPage, MREMAP::MAYMOVE).error() == Errno::einval);
  CHECK(k.mremap(grown, 2 * kPage, 0, MREMAP::MAYMOVE).error() == Errno::einval);
  std::byte* shrunk = must(k.mremap(grown, 2 * kPage, kPage, 0));  // shrinking stays in place
  CHECK(shrunk == grown);
  must(k.munmap(shrunk, kPage));
  must(k.close(fd));
}

TEST_CASE_TEMPLATE("anonymous maps are zero-filled", F, BL_CONTRACT_KERNELS) {
  F f;
  auto& k = f.kernel;
  std::byte* map =
      must(k.mmap(3 * kPage, PROT::READ | PROT::WRITE, MAP::PRIVATE | MAP::ANONYMOUS, -1, 0));
  CHECK(text_at(map, 3 * kPage) == std::string(3 * kPage, '\0'));
  std::memcpy(map + kPage, "z", 1);
  CHECK(text_at(map + kPage, 2) == std::string("z\0", 2));
  must(k.munmap(map, 3 * kPage));
  CHECK(k.mmap(0, PROT::READ, MAP::PRIVATE | MAP::ANONYMOUS, -1, 0).error() == Errno::einval);
}

TEST_CASE_TEMPLATE("sendfile with an offset leaves in's position alone", F, BL_CONTRACT_KERNELS) {
  F f;
  auto& k = f.kernel;
  write_file(k, f.path("in"), "0123456789");
  const Fd in = must(k.open(f.path("in"), O::RDONLY));
  const Fd out = must(k.open(f.path("out"), O::WRONLY | O::CREAT));
  std::int64_t offset = 2;
  CHECK(must(k.sendfile(out, in, &offset, 5)) == 5);
  CHECK(offset == 7);
  CHECK(tell(k, in) == 0);
  CHECK(tell(k, out) == 5);  // the output side is written at its position, which advances
  CHECK(must(k.sendfile(out, in, &offset, 100)) == 3);  // what remains
  CHECK(offset == 10);
  CHECK(must(k.sendfile(out, in, &offset, 100)) == 0);  // then end of file
  offset = 50;
  CHECK(must(k.sendfile(out, in, &offset, 100)) == 0);
  CHECK(offset == 50);
  offset = -1;
  CHECK(k.sendfile(out, in, &offset, 1).error() == Errno::einval);
  for (Fd fd : {in, out}) must(k.close(fd));
  CHECK(read_file(k, f.path("out")) == "23456789");
}

TEST_CASE_TEMPLATE("sendfile without an offset advances in's position", F, BL_CONTRACT_KERNELS) {
  F f;
  auto& k = f.kernel;
  write_file(k, f.path("in"), "0123456789");
  const Fd in = must(k.open(f.path("in"), O::RDONLY));
  const Fd out = must(k.open(f.path("out"), O::WRONLY | O::CREAT));
  CHECK(must(k.lseek(in, 1, SEEK::SET)) == 1);
  CHECK(must(k.sendfile(out, in, nullptr, 4)) == 4);
  CHECK(tell(k, in) == 5);
  CHECK(must(k.sendfile(out, in, nullptr, 100)) == 5);
  CHECK(tell(k, in) == 10);
  CHECK(must(k.sendfile(out, in, nullptr, 100)) == 0);
  CHECK(must(k.sendfile(out, in, nullptr, 0)) == 0);
  for (Fd fd : {in, out}) must(k.close(fd));
  CHECK(read_file(k, f.path("out")) == "123456789");
}

TEST_CASE_TEMPLATE("sendfile from a file to itself through one descriptor", F,
                   BL_CONTRACT_KERNELS) {
  F f;
  auto& k = f.kernel;
  write_file(k, f.path("f"), "0123456789");
  const Fd fd = must(k.open(f.path("f"), O::RDWR));
  // Read at the position, written at the position: one shared position, which ends where the
  // read ended (Linux sets the output's position, then the input's).
  CHECK(must(k.lseek(fd, 2, SEEK::SET)) == 2);
  CHECK(must(k.sendfile(fd, fd, nullptr, 3)) == 3);
  CHECK(tell(k, fd) == 5);
  // With an offset the input is read there, the output written at the position.
  std::int64_t offset = 0;
  CHECK(must(k.sendfile(fd, fd, &offset, 2)) == 2);
  CHECK(offset == 2);
  CHECK(tell(k, fd) == 7);
  must(k.close(fd));
  CHECK(read_file(k, f.path("f")) == "0123401789");
}

TEST_CASE_TEMPLATE("sendfile inputs that are not regular files", F, BL_CONTRACT_KERNELS) {
  F f;
  auto& k = f.kernel;
  must(k.mkdir(f.path("d"), 0755));
  const Fd dir = must(k.open(f.path("d"), O::RDONLY | O::DIRECTORY));
  const Fd out = must(k.open(f.path("out"), O::WRONLY | O::CREAT));
  auto [r, w] = must(k.pipe(0));
  // A directory is refused only when there is something to read; a pipe always.
  CHECK(must(k.sendfile(out, dir, nullptr, 0)) == 0);
  CHECK(k.sendfile(out, dir, nullptr, 10).error() == Errno::einval);
  CHECK(k.sendfile(out, r, nullptr, 0).error() == Errno::einval);
  // Offsets are checked before the count: -1 is EINVAL even for 0 bytes.
  std::int64_t offset = -1;
  CHECK(k.sendfile(out, dir, &offset, 0).error() == Errno::einval);
  for (Fd fd : {dir, out, r, w}) must(k.close(fd));
}

TEST_CASE_TEMPLATE("sendfile to and from pipes and devices, and its errors", F,
                   BL_CONTRACT_KERNELS) {
  F f;
  auto& k = f.kernel;
  write_file(k, f.path("in"), "0123456789");
  const Fd in = must(k.open(f.path("in"), O::RDONLY));
  const Fd out = must(k.open(f.path("out"), O::RDWR | O::CREAT));
  const auto [r, w] = must(k.pipe(O::NONBLOCK));

  std::int64_t offset = 0;
  CHECK(must(k.sendfile(w, in, &offset, 4)) == 4);  // to a pipe: fine
  CHECK(read_text(k, r, 100) == "0123");
  CHECK(must(k.write(w, as_bytes("piped"))) == 5);
  CHECK(k.sendfile(out, r, nullptr, 5).error() == Errno::einval);  // from a pipe: no
  const Fd null = must(k.open("/dev/null", O::WRONLY));
  offset = 0;
  CHECK(must(k.sendfile(null, in, &offset, 3)) == 3);

  offset = 0;
  CHECK(k.sendfile(out, kBadFd, &offset, 1).error() == Errno::ebadf);
  CHECK(k.sendfile(kBadFd, in, &offset, 1).error() == Errno::ebadf);
  CHECK(k.sendfile(in, in, &offset, 1).error() == Errno::ebadf);  // out not open for writing
  const Fd wo = must(k.open(f.path("in"), O::WRONLY));
  CHECK(k.sendfile(out, wo, &offset, 1).error() == Errno::ebadf);  // in not open for reading
  const Fd dir = must(k.open(f.root, O::RDONLY | O::DIRECTORY));
  CHECK(k.sendfile(out, dir, &offset, 1).error() == Errno::einval);
  // Linux refuses an O_APPEND output outright.
  const Fd append = must(k.open(f.path("out"), O::WRONLY | O::APPEND));
  CHECK(k.sendfile(append, in, &offset, 1).error() == Errno::einval);
  CHECK(offset == 0);
  for (Fd fd : {in, out, r, w, null, wo, dir, append}) must(k.close(fd));
}

TEST_CASE_TEMPLATE("copy_file_range copies and moves offsets as sendfile does", F,
                   BL_CONTRACT_KERNELS) {
  F f;
  auto& k = f.kernel;
  write_file(k, f.path("in"), "0123456789");
  const Fd in = must(k.open(f.path("in"), O::RDONLY));
  const Fd out = must(k.open(f.path("out"), O::RDWR | O::CREAT));

  std::int64_t in_offset = 3, out_offset = 2;
  CHECK(must(k.copy_file_range(in, &in_offset, out, &out_offset, 4)) == 4);
  CHECK(in_offset == 7);
  CHECK(out_offset == 6);
  CHECK(tell(k, in) == 0);
  CHECK(tell(k, out) == 0);
  CHECK(pread_text(k, out, 100, 0) == std::string("\0\0"
                                                  "3456",
                                                  6));

  // Without offsets, both file positions are used and advanced.
  CHECK(must(k.lseek(in, 8, SEEK::SET)) == 8);
  CHECK(must(k.copy_file_range(in, nullptr, out, nullptr, 100)) == 2);  // what remains
  CHECK(tell(k, in) == 10);
  CHECK(tell(k, out) == 2);
  CHECK(must(k.copy_file_range(in, nullptr, out, nullptr, 100)) == 0);  // end of file
  in_offset = 50;
  CHECK(must(k.copy_file_range(in, &in_offset, out, nullptr, 100)) == 0);
  CHECK(must(k.copy_file_range(in, nullptr, out, nullptr, 0)) == 0);
  CHECK(pread_text(k, out, 100, 0) == "893456");
  for (Fd fd : {in, out}) must(k.close(fd));
}

TEST_CASE_TEMPLATE("copy_file_range errors", F, BL_CONTRACT_KERNELS) {
  F f;
  auto& k = f.kernel;
  write_file(k, f.path("in"), "0123456789");
  const Fd in = must(k.open(f.path("in"), O::RDONLY));
  const Fd out = must(k.open(f.path("out"), O::RDWR | O::CREAT));
  const Fd dir = must(k.open(f.root, O::RDONLY | O::DIRECTORY));
  const Fd append = must(k.open(f.path("out"), O::WRONLY | O::APPEND));
  const Fd wo = must(k.open(f.path("in"), O::WRONLY));
  const auto [r, w] = must(k.pipe(O::NONBLOCK));
  CHECK(must(k.write(w, as_bytes("piped"))) == 5);

  CHECK(k.copy_file_range(dir, nullptr, out, nullptr, 1).error() == Errno::eisdir);
  CHECK(k.copy_file_range(in, nullptr, dir, nullptr, 1).error() == Errno::eisdir);  // either end
  CHECK(k.copy_file_range(r, nullptr, out, nullptr, 1).error() == Errno::einval);
  CHECK(k.copy_file_range(in, nullptr, w, nullptr, 1).error() == Errno::einval);
  CHECK(k.copy_file_range(in, nullptr, append, nullptr, 1).error() == Errno::ebadf);
  CHECK(k.copy_file_range(wo, nullptr, out, nullptr, 1).error() == Errno::ebadf);
  CHECK(k.copy_file_range(in, nullptr, in, nullptr, 1).error() == Errno::ebadf);
  CHECK(k.copy_file_range(kBadFd, nullptr, out, nullptr, 1).error() == Errno::ebadf);
  CHECK(k.copy_file_range(in, nullptr, kBadFd, nullptr, 1).error() == Errno::ebadf);
  // Within one file, the ranges must not overlap.
  CHECK(must(k.write(out, as_bytes("abcdefghij"))) == 10);
  std::int64_t from = 0, to = 2;
  CHECK(k.copy_file_range(out, &from, out, &to, 5).error() == Errno::einval);
  to = 5;
  CHECK(must(k.copy_file_range(out, &from, out, &to, 5)) == 5);
  CHECK(pread_text(k, out, 100, 0) == "abcdeabcde");
  for (Fd fd : {in, out, dir, append, wo, r, w}) must(k.close(fd));
}

TEST_CASE_TEMPLATE("clocks: monotonic never goes back; nanosleep sleeps", F, BL_CONTRACT_KERNELS) {
  F f;
  auto& k = f.kernel;
  const auto first = k.clock_gettime(Clock::monotonic);
  const auto second = k.clock_gettime(Clock::monotonic);
  CHECK(second >= first);
  CHECK(first > 0);
  k.nanosleep(1'000'000);
  CHECK(k.clock_gettime(Clock::monotonic) - second >= 1'000'000);
  k.nanosleep(0);
  CHECK(k.clock_gettime(Clock::realtime) > 1'577'836'800'000'000'000);  // after 2020-01-01
}

// Offsets at the limits (M = ext4's largest file size), checked with python3's os.sendfile and
// os.copy_file_range on these machines. Copies that would end just below M are left out: on
// ext4 they make a sparse 16 TiB file, which SimKernel (dense files) refuses for space.
TEST_CASE_TEMPLATE("sendfile and copy_file_range at the limits of a file", F, BL_CONTRACT_KERNELS) {
  F f;
  auto& k = f.kernel;
  constexpr std::int64_t kMaxFile = 17'592'186'040'320;
  write_file(k, f.path("in"), std::string(10'000, 'x'));
  const Fd in = must(k.open(f.path("in"), O::RDONLY));
  const Fd out = must(k.open(f.path("out"), O::RDWR | O::CREAT));
  auto copy = [&](std::int64_t from, std::int64_t to) {
    return k.copy_file_range(in, &from, out, &to, 10);
  };
  CHECK(copy(0, INT64_MAX).error() == Errno::efbig);
  CHECK(copy(0, kMaxFile).error() == Errno::efbig);
  CHECK(must(copy(INT64_MAX, 0)) == 0);  // nothing beyond the source's end, whatever the target
  auto send = [&](std::int64_t from) { return k.sendfile(out, in, &from, 10); };
  CHECK(send(INT64_MAX).error() == Errno::einval);  // the end would overflow
  CHECK(send(INT64_MAX - 4).error() == Errno::einval);
  CHECK(send(kMaxFile).error() == Errno::eoverflow);
  CHECK(must(k.lseek(out, kMaxFile, SEEK::SET)) == kMaxFile);
  CHECK(send(0).error() == Errno::efbig);  // the target is at the largest size
  CHECK(must(k.fstat(out)).st_size == 0);
  must(k.close(in));
  must(k.close(out));
}

// Checked with mmap(2) through ctypes on these machines: the mapped range of a file must lie
// below 2^63, and a length no address space can hold is ENOMEM.
TEST_CASE_TEMPLATE("mmap offsets and lengths at the limits", F, BL_CONTRACT_KERNELS) {
  F f;
  auto& k = f.kernel;
  write_file(k, f.path("f"), std::string(100, 'x'));
  const Fd fd = must(k.open(f.path("f"), O::RDONLY));
  auto map = [&](std::size_t length, std::int64_t offset) {
    return k.mmap(length, PROT::READ, MAP::SHARED, fd, offset);
  };
  CHECK(map(kPage, -static_cast<std::int64_t>(kPage)).error() == Errno::eoverflow);
  CHECK(map(kPage, INT64_MAX - kPage + 1).error() == Errno::eoverflow);
  CHECK(map(SIZE_MAX / 2 + 1, 0).error() == Errno::enomem);  // 2^63 natively
  CHECK(map(SIZE_MAX, 0).error() == Errno::enomem);
  std::byte* far = must(map(kPage, std::int64_t{1} << 40));  // past the end of the file is fine
  must(k.munmap(far, kPage));
  must(k.close(fd));
}
