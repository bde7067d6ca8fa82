// Kernel contract: pipes — data flow, end of file, EPIPE, capacity, and what a pipe is not.
// Nothing here blocks: a blocking read of an empty pipe would hang on Linux (and SimKernel
// answers it with EDEADLK), so every wait is made non-blocking.
#include <array>

#include "contract/kernel_fixture.hpp"

using namespace bl::contract;
using bl::os::as_bytes;

TEST_CASE_TEMPLATE("pipe: bytes written to one end are read from the other", F,
                   BL_CONTRACT_KERNELS) {
  F f;
  auto& k = f.kernel;
  const auto [r, w] = must(k.pipe());
  CHECK(r != w);
  CHECK_FALSE(close_on_exec(k, r));
  CHECK(must(k.write(w, as_bytes("hello "))) == 6);
  const std::array<std::span<const std::byte>, 2> parts = {as_bytes("pi"), as_bytes("pe")};
  CHECK(must(k.writev(w, parts)) == 4);
  CHECK(read_text(k, r, 3) == "hel");
  CHECK(read_text(k, r, 100) == "lo pipe");  // what is there, without waiting for more

  // Writing to the read end or reading the write end: not open for that.
  std::string one(1, '\0');
  CHECK(k.write(r, as_bytes("x")).error() == Errno::ebadf);
  CHECK(k.read(w, writable(one)).error() == Errno::ebadf);

  // Once the write end is closed, what remains is read, then end of file.
  CHECK(must(k.write(w, as_bytes("end"))) == 3);
  must(k.close(w));
  CHECK(read_text(k, r, 100) == "end");
  CHECK(read_text(k, r, 100).empty());
  CHECK(read_text(k, r, 100).empty());
  must(k.close(r));
}

TEST_CASE_TEMPLATE("pipe: an empty non-blocking pipe answers EAGAIN", F, BL_CONTRACT_KERNELS) {
  F f;
  auto& k = f.kernel;
  const auto [r, w] = must(k.pipe(O::NONBLOCK));
  std::string buffer(8, '\0');
  CHECK(k.read(r, writable(buffer)).error() == Errno::eagain);
  CHECK(must(k.write(w, as_bytes("x"))) == 1);
  CHECK(read_text(k, r, 8) == "x");
  CHECK(k.read(r, writable(buffer)).error() == Errno::eagain);
  must(k.close(w));
  CHECK(must(k.read(r, writable(buffer))) == 0);  // no writer left: end of file, not EAGAIN
  must(k.close(r));
}

TEST_CASE_TEMPLATE("pipe: writing with no reader left gives EPIPE", F, BL_CONTRACT_KERNELS) {
  F f;
  auto& k = f.kernel;
  const auto [r, w] = must(k.pipe());
  CHECK(must(k.write(w, as_bytes("unread"))) == 6);
  must(k.close(r));
  // SIGPIPE is ignored (as in CPython), so the write fails instead of killing the process.
  CHECK(k.write(w, as_bytes("x")).error() == Errno::epipe);
  CHECK(k.write(w, as_bytes("")).ok());  // zero bytes: Linux checks nothing
  must(k.close(w));
}

TEST_CASE_TEMPLATE("pipe: capacity is 65536 bytes", F, BL_CONTRACT_KERNELS) {
  F f;
  auto& k = f.kernel;
  const std::string page(4096, 'p');
  {
    const auto [r, w] = must(k.pipe(O::NONBLOCK));
    for (int i = 0; i < 16; ++i) CHECK(must(k.write(w, as_bytes(page))) == 4096);
    CHECK(k.write(w, as_bytes("x")).error() == Errno::eagain);
    CHECK(read_text(k, r, 10) == "pppppppppp");
    // The 10 bytes read free room at the head of the first slot, which writes never use: the
    // pipe stays full until a whole slot is drained.
    CHECK(k.write(w, as_bytes("x")).error() == Errno::eagain);
    CHECK(k.write(w, as_bytes(page)).error() == Errno::eagain);
    must(k.close(r));
    must(k.close(w));
  }
  {
    // One large write takes what fits (a write above PIPE_BUF may be partial).
    const auto [r, w] = must(k.pipe(O::NONBLOCK));
    const std::string big(100'000, 'b');
    CHECK(must(k.write(w, as_bytes(big))) == 65536);
    CHECK(k.write(w, as_bytes("x")).error() == Errno::eagain);
    std::string all;
    std::string chunk(30'000, '\0');
    while (true) {
      auto n = k.read(r, writable(chunk));
      if (!n.ok()) {
        CHECK(n.error() == Errno::eagain);
        break;
      }
      all.append(chunk, 0, n.value());
    }
    CHECK(all == std::string(65536, 'b'));
    must(k.close(r));
    must(k.close(w));
  }
}

// Linux keeps a pipe's data in 16 page-sized slots. A write is merged into the last slot only
// if it fits in what that slot has left; otherwise it takes fresh slots. So 1000-byte writes
// fill each slot with 4000 bytes and the pipe is full after 64000, yet a 96-byte write still
// fits in the last slot's tail.
TEST_CASE_TEMPLATE("pipe: small writes fill page-sized slots", F, BL_CONTRACT_KERNELS) {
  F f;
  auto& k = f.kernel;
  const auto [r, w] = must(k.pipe(O::NONBLOCK));
  const std::string chunk(1000, 'c');
  std::size_t total = 0;
  for (int i = 0; i < 100; ++i) {
    auto n = k.write(w, as_bytes(chunk));
    if (!n.ok()) {
      CHECK(n.error() == Errno::eagain);
      break;
    }
    CHECK(n.value() == 1000);
    total += n.value();
  }
  CHECK(total == 64000);
  CHECK(k.write(w, as_bytes(std::string(97, 'x'))).error() == Errno::eagain);
  CHECK(must(k.write(w, as_bytes(std::string(96, 'x')))) == 96);
  CHECK(k.write(w, as_bytes("x")).error() == Errno::eagain);
  must(k.close(r));
  must(k.close(w));
}

TEST_CASE_TEMPLATE("pipe: not a file — no seeking, positions, sizes or syncing", F,
                   BL_CONTRACT_KERNELS) {
  F f;
  auto& k = f.kernel;
  const auto [r, w] = must(k.pipe(O::CLOEXEC));
  CHECK(close_on_exec(k, r));
  CHECK(close_on_exec(k, w));
  CHECK(must(k.write(w, as_bytes("abc"))) == 3);

  const auto st = must(k.fstat(r));
  CHECK(st.is_fifo());
  CHECK(st.st_mode == (S::IFIFO | 0600));
  CHECK(st.st_size == 0);  // not the bytes waiting in it
  CHECK(st.st_nlink == 1);
  CHECK(st.st_blksize == 4096);
  CHECK(must(k.fstat(w)).st_ino == st.st_ino);  // one pipe, two ends

  std::string one(1, '\0');
  CHECK(k.lseek(r, 0, SEEK::SET).error() == Errno::espipe);
  CHECK(k.lseek(w, 0, SEEK::CUR).error() == Errno::espipe);
  CHECK(k.pread(r, writable(one), 0).error() == Errno::espipe);
  CHECK(k.pwrite(w, as_bytes("x"), 0).error() == Errno::espipe);
  CHECK(k.ftruncate(w, 0).error() == Errno::einval);
  CHECK(read_text(k, r, 10) == "abc");  // none of that disturbed the data
  must(k.close(r));
  must(k.close(w));

  // pipe2 takes only O_NONBLOCK, O_CLOEXEC (and O_DIRECT).
  CHECK(k.pipe(O::APPEND).error() == Errno::einval);
}

// pread and pwrite ask first whether the file can be positioned at all: a pipe's ends answer
// ESPIPE even for the direction they are not open for (not EBADF), and a negative offset is
// EINVAL before anything else.
TEST_CASE_TEMPLATE("pipe: pread and pwrite are ESPIPE on either end", F, BL_CONTRACT_KERNELS) {
  F f;
  auto& k = f.kernel;
  const auto [r, w] = must(k.pipe(O::NONBLOCK));
  std::string one(1, '\0');
  CHECK(k.pread(w, writable(one), 0).error() == Errno::espipe);
  CHECK(k.pwrite(r, as_bytes("x"), 0).error() == Errno::espipe);
  CHECK(k.pread(r, writable(one), -1).error() == Errno::einval);
  CHECK(k.pwrite(w, as_bytes("x"), -1).error() == Errno::einval);
  CHECK(k.read(r, writable(one)).error() == Errno::eagain);  // nothing was written
  must(k.close(r));
  must(k.close(w));
}
