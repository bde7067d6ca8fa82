// What SimKernel models beyond the contract suite: the terminal and the std streams, devices,
// single-process blocking, limits and the simulated clocks.
#include <doctest/doctest.h>

#include "os/sim_kernel.hpp"
#include "sim_helpers.hpp"

using namespace bl::os;
using bl::contract::must;
using bl::contract::writable;
using bl::test::contents;
using bl::test::put;

TEST_CASE("a fresh SimKernel: a terminal on fds 0-2, the learner's home as working directory") {
  SimKernel k;
  for (Fd fd : {0, 1, 2}) CHECK(must(k.isatty(fd)));
  CHECK(must(k.fstat(1)).is_char_device());
  CHECK(must(k.getcwd()) == "/home/learner");
  CHECK(must(k.open("new.txt", O::WRONLY | O::CREAT)) == 3);  // the lowest free descriptor
  CHECK(must(k.stat("/home/learner/new.txt")).is_regular());
}

TEST_CASE("the terminal shows what fds 1 and 2 write and delivers input a line per read") {
  SimKernel k;
  CHECK(must(k.write(1, as_bytes("out\n"))) == 4);
  CHECK(must(k.write(2, as_bytes("err\n"))) == 4);
  CHECK(k.terminal_output() == "out\nerr\n");
  k.feed_terminal_input("first\nsecond");
  CHECK(must(k.read(0, {})) == 0);  // an empty buffer takes nothing (found by the fuzzer)
  std::string buffer(100, '\0');
  CHECK(must(k.read(0, writable(buffer))) == 6);
  CHECK(buffer.substr(0, 6) == "first\n");
  CHECK(must(k.read(0, writable(buffer))) == 6);
  CHECK(must(k.read(0, writable(buffer))) == 0);  // end of input
  CHECK(k.lseek(0, 0, SEEK::CUR).error() == Errno::espipe);
}

TEST_CASE("stdout can be a pipe to the output pane or a regular file") {
  SUBCASE("pipe") {
    SimKernel k({.stdout_kind = StdStream::pipe});
    CHECK_FALSE(must(k.isatty(1)));
    CHECK(must(k.fstat(1)).is_fifo());
    CHECK(must(k.write(1, as_bytes(std::string(100'000, 'x')))) == 100'000);  // drained at once
    CHECK(k.stdout_pipe_output().size() == 100'000);
    CHECK(k.terminal_output().empty());
    CHECK(must(k.isatty(2)));
  }
  SUBCASE("file") {
    SimKernel k({.stdout_kind = StdStream::file});
    CHECK_FALSE(must(k.isatty(1)));
    CHECK(must(k.fstat(1)).is_regular());
    CHECK(must(k.write(1, as_bytes("to the file"))) == 11);
    CHECK(contents(k, SimKernel::kStdoutFile) == "to the file");
  }
}

TEST_CASE("devices: /dev/null, /dev/zero, and a reproducible /dev/urandom") {
  SimKernel k;
  std::string buffer(16, 'x');
  Fd null = must(k.open("/dev/null", O::RDWR));
  CHECK(must(k.read(null, writable(buffer))) == 0);
  CHECK(must(k.write(null, as_bytes("gone"))) == 4);
  Fd zero = must(k.open("/dev/zero", O::RDONLY));
  CHECK(must(k.read(zero, writable(buffer))) == 16);
  CHECK(buffer == std::string(16, '\0'));

  auto random_bytes = [](SimOptions options) {
    SimKernel kernel(options);
    std::string bytes(32, '\0');
    Fd fd = must(kernel.open("/dev/urandom", O::RDONLY));
    CHECK(must(kernel.read(fd, writable(bytes))) == 32);
    return bytes;
  };
  CHECK(random_bytes({}) == random_bytes({}));
  CHECK(random_bytes({.urandom_seed = 1}) != random_bytes({.urandom_seed = 2}));
  CHECK(random_bytes({}) != std::string(32, '\0'));
}

TEST_CASE("a call that would block forever fails with EDEADLK instead of hanging") {
  SimKernel k;
  auto [r, w] = must(k.pipe());
  std::string buffer(10, '\0');
  CHECK(k.read(r, writable(buffer)).error() == Errno::edeadlk);  // empty, writer still open
  // A blocking write fills the pipe, returns the short count, then reports the deadlock.
  const std::string big(100'000, 'b');
  CHECK(must(k.write(w, as_bytes(big))) == 65536);
  CHECK(k.write(w, as_bytes("x")).error() == Errno::edeadlk);
  must(k.close(w));
  std::string all(70'000, '\0');
  CHECK(must(k.read(r, writable(all))) == 65536);
  CHECK(must(k.read(r, writable(all))) == 0);  // no writer left: end of file
}

TEST_CASE("limits: ENOSPC for data and inodes, EMFILE for descriptors") {
  SUBCASE("bytes") {
    SimKernel k({.max_bytes = 10'000});
    Fd fd = must(k.open("f", O::WRONLY | O::CREAT));
    CHECK(must(k.write(fd, as_bytes(std::string(6000, 'a')))) == 6000);
    CHECK(must(k.write(fd, as_bytes(std::string(6000, 'b')))) == 4000);  // what still fits
    CHECK(k.write(fd, as_bytes("c")).error() == Errno::enospc);
    CHECK(k.ftruncate(fd, 1 << 20).error() == Errno::efbig);
    must(k.close(fd));
    must(k.unlink("f"));
    CHECK(k.bytes_used() == 0);  // space comes back when the last reference goes
  }
  SUBCASE("inodes") {
    SimKernel k({.max_inodes = 20});
    int created = 0;
    for (; created < 100; ++created) {
      auto fd = k.open("f" + std::to_string(created), O::WRONLY | O::CREAT);
      if (!fd.ok()) {
        CHECK(fd.error() == Errno::enospc);
        break;
      }
      must(k.close(fd.value()));
    }
    CHECK(created < 20);
    CHECK(k.mkdir("d").error() == Errno::enospc);
  }
  SUBCASE("descriptors") {
    SimKernel k({.max_open_files = 8});
    for (Fd expected = 3; expected < 8; ++expected)
      CHECK(must(k.open("/dev/null", O::RDONLY)) == expected);
    CHECK(k.open("/dev/null", O::RDONLY).error() == Errno::emfile);
    CHECK(k.open("new", O::WRONLY | O::CREAT).error() == Errno::emfile);
    CHECK(k.stat("new").error() == Errno::enoent);  // nothing was created
    CHECK(k.pipe().error() == Errno::emfile);
    CHECK(k.dup(0).error() == Errno::emfile);
  }
}

TEST_CASE("simulated clocks move by the cost model and by nanosleep only") {
  SimOptions options;
  SimKernel k(options);
  auto t0 = k.clock_gettime(Clock::monotonic);
  CHECK(k.clock_gettime(Clock::monotonic) == t0);  // reading a clock costs nothing
  Fd fd = must(k.open("f", O::WRONLY | O::CREAT));
  auto t1 = k.clock_gettime(Clock::monotonic);
  CHECK(t1 - t0 == options.cost.syscall_ns);
  must(k.write(fd, as_bytes(std::string(1024 * 1024, 'x'))));
  auto t2 = k.clock_gettime(Clock::monotonic);
  CHECK(t2 - t1 == options.cost.syscall_ns + 1024 * options.cost.copy_ns_per_kib);
  must(k.fsync(fd));
  auto t3 = k.clock_gettime(Clock::monotonic);
  CHECK(t3 - t2 ==
        options.cost.syscall_ns + options.cost.flush_ns + 1024 * options.cost.storage_ns_per_kib);
  auto wall = k.clock_gettime(Clock::realtime);
  k.nanosleep(2'000'000'000);
  CHECK(k.clock_gettime(Clock::realtime) - wall == 2'000'000'000 + options.cost.syscall_ns);
  CHECK(wall / 1'000'000'000 >= 1'767'225'600);  // 2026-01-01 or later
}

TEST_CASE("SimKernel: getrandom is reproducible from the seed; getenv reads SimOptions") {
  bl::os::SimOptions options;
  options.environ["TMPDIR"] = "/home/learner";
  bl::os::SimKernel a(options), b(options);
  std::vector<std::byte> x(32), y(32);
  CHECK(a.getrandom(x).value() == 32);
  CHECK(b.getrandom(y).value() == 32);
  CHECK(x == y);
  options.urandom_seed = 1;
  bl::os::SimKernel c(options);
  CHECK(c.getrandom(y).value() == 32);
  CHECK(x != y);
  CHECK(a.getenv("TMPDIR") == "/home/learner");
  CHECK(!a.getenv("HOME").has_value());
}
