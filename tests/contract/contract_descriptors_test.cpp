// Kernel contract: what a descriptor is — isatty, the close-on-exec flag, status flags
// (fcntl F_GETFL / F_SETFL), and duplicates that share one open file.
#include "contract/kernel_fixture.hpp"

using namespace bl::contract;
using bl::os::as_bytes;

TEST_CASE_TEMPLATE("isatty: files, directories, pipes and /dev/null are not terminals", F,
                   BL_CONTRACT_KERNELS) {
  F f;
  auto& k = f.kernel;
  const Fd file = must(k.open(f.path("f"), O::RDWR | O::CREAT));
  const Fd dir = must(k.open(f.root, O::RDONLY | O::DIRECTORY));
  const Fd null = must(k.open("/dev/null", O::RDWR));
  const auto [r, w] = must(k.pipe());
  for (Fd fd : {file, dir, null, r, w}) {
    CAPTURE(fd);
    CHECK(must(k.isatty(fd)) == false);
    must(k.close(fd));
  }
  CHECK(k.isatty(kBadFd).error() == Errno::ebadf);
  CHECK(k.isatty(file).error() == Errno::ebadf);  // closed now
}

TEST_CASE_TEMPLATE("set_inheritable sets and clears close-on-exec", F, BL_CONTRACT_KERNELS) {
  F f;
  auto& k = f.kernel;
  const Fd fd = must(k.open(f.path("f"), O::RDWR | O::CREAT));
  must(k.set_inheritable(fd, false));
  CHECK(close_on_exec(k, fd));
  must(k.set_inheritable(fd, true));
  CHECK_FALSE(close_on_exec(k, fd));
  must(k.set_inheritable(fd, true));  // idempotent
  must(k.close(fd));
  CHECK(k.set_inheritable(kBadFd, true).error() == Errno::ebadf);
  CHECK(k.set_inheritable(kBadFd, false).error() == Errno::ebadf);
  CHECK(k.get_inheritable(kBadFd).error() == Errno::ebadf);
  CHECK(k.get_inheritable(fd).error() == Errno::ebadf);  // closed
}

// F_GETFL reports the access mode and the status flags of the open file. Linux also reports
// O_LARGEFILE (0o100000) for every regular file and directory opened on a 64-bit system (Python
// shows fcntl(fd, F_GETFL) == 0o100002 for O_RDWR), but not for pipes; it forgets the
// open-time-only flags (O_CREAT, O_EXCL, O_TRUNC, O_NOCTTY) and the descriptor's O_CLOEXEC.
TEST_CASE_TEMPLATE("fcntl_getfl: access mode and status flags as Linux reports them", F,
                   BL_CONTRACT_KERNELS) {
  F f;
  auto& k = f.kernel;
  const auto p = f.path("f");
  const Fd created =
      must(k.open(p, O::RDWR | O::CREAT | O::EXCL | O::TRUNC | O::NOCTTY | O::CLOEXEC, 0600));
  CHECK(must(k.fcntl_getfl(created)) == (O::RDWR | O::LARGEFILE));
  const Fd ro = must(k.open(p, O::RDONLY));
  CHECK(must(k.fcntl_getfl(ro)) == (O::RDONLY | O::LARGEFILE));
  const Fd wo = must(k.open(p, O::WRONLY | O::APPEND));
  CHECK(must(k.fcntl_getfl(wo)) == (O::WRONLY | O::APPEND | O::LARGEFILE));
  const Fd dir = must(k.open(f.root, O::RDONLY | O::DIRECTORY));
  CHECK(must(k.fcntl_getfl(dir)) == (O::RDONLY | O::DIRECTORY | O::LARGEFILE));
  for (Fd fd : {created, ro, wo, dir}) must(k.close(fd));

  const auto [r, w] = must(k.pipe());
  CHECK(must(k.fcntl_getfl(r)) == O::RDONLY);
  CHECK(must(k.fcntl_getfl(w)) == O::WRONLY);
  must(k.close(r));
  must(k.close(w));
  const auto [nr, nw] = must(k.pipe(O::NONBLOCK | O::CLOEXEC));
  CHECK(must(k.fcntl_getfl(nr)) == (O::RDONLY | O::NONBLOCK));
  CHECK(must(k.fcntl_getfl(nw)) == (O::WRONLY | O::NONBLOCK));
  must(k.close(nr));
  must(k.close(nw));

  CHECK(k.fcntl_getfl(kBadFd).error() == Errno::ebadf);
}

TEST_CASE_TEMPLATE("fcntl_setfl changes O_APPEND and O_NONBLOCK only", F, BL_CONTRACT_KERNELS) {
  F f;
  auto& k = f.kernel;
  const auto p = f.path("f");
  write_file(k, p, "abc");
  const Fd fd = must(k.open(p, O::RDWR));

  must(k.fcntl_setfl(fd, O::APPEND));
  CHECK(must(k.fcntl_getfl(fd)) == (O::RDWR | O::APPEND | O::LARGEFILE));
  CHECK(must(k.lseek(fd, 0, SEEK::SET)) == 0);
  CHECK(must(k.write(fd, as_bytes("d"))) == 1);  // appended
  CHECK(tell(k, fd) == 4);
  must(k.fcntl_setfl(fd, 0));  // clears it again
  CHECK(must(k.lseek(fd, 0, SEEK::SET)) == 0);
  CHECK(must(k.write(fd, as_bytes("A"))) == 1);
  CHECK(pread_text(k, fd, 10, 0) == "Abcd");

  // The access mode and O_SYNC cannot be changed: Linux ignores those bits without an error.
  must(k.fcntl_setfl(fd, O::WRONLY | O::SYNC | O::NONBLOCK));
  CHECK(must(k.fcntl_getfl(fd)) == (O::RDWR | O::NONBLOCK | O::LARGEFILE));
  must(k.close(fd));
  CHECK(k.fcntl_setfl(kBadFd, 0).error() == Errno::ebadf);

  // O_NONBLOCK set afterwards makes an empty pipe answer EAGAIN.
  const auto [r, w] = must(k.pipe());
  must(k.fcntl_setfl(r, O::NONBLOCK));
  std::string buffer(8, '\0');
  CHECK(k.read(r, writable(buffer)).error() == Errno::eagain);
  must(k.close(r));
  must(k.close(w));
}

TEST_CASE_TEMPLATE("dup shares the open file: position and status flags", F, BL_CONTRACT_KERNELS) {
  F f;
  auto& k = f.kernel;
  const auto p = f.path("f");
  write_file(k, p, "0123456789");
  const Fd fd = must(k.open(p, O::RDWR | O::CLOEXEC));
  const Fd copy = must(k.dup(fd));
  CHECK(copy == fd + 1);
  CHECK_FALSE(close_on_exec(k, copy));  // the flag is not copied
  CHECK(read_text(k, fd, 3) == "012");
  CHECK(tell(k, copy) == 3);
  CHECK(read_text(k, copy, 2) == "34");
  CHECK(tell(k, fd) == 5);
  must(k.fcntl_setfl(copy, O::APPEND));
  CHECK((must(k.fcntl_getfl(fd)) & O::APPEND) == O::APPEND);

  const Fd cloexec = must(k.dup(fd, true));
  CHECK(close_on_exec(k, cloexec));
  must(k.close(fd));
  CHECK(read_text(k, cloexec, 100) == "56789");  // the open file lives while a copy does
  must(k.close(copy));
  must(k.close(cloexec));
  CHECK(k.dup(kBadFd).error() == Errno::ebadf);
  CHECK(k.dup(kBadFd, true).error() == Errno::ebadf);
}

TEST_CASE_TEMPLATE("dup2 replaces the target descriptor", F, BL_CONTRACT_KERNELS) {
  F f;
  auto& k = f.kernel;
  write_file(k, f.path("a"), "aaa");
  write_file(k, f.path("b"), "bbb");
  const Fd a = must(k.open(f.path("a"), O::RDONLY | O::CLOEXEC));
  const Fd b = must(k.open(f.path("b"), O::RDONLY | O::CLOEXEC));

  CHECK(must(k.dup2(a, b)) == b);  // b's file is closed, b now reads a's
  CHECK(read_text(k, b, 1) == "a");
  CHECK(tell(k, a) == 1);
  CHECK_FALSE(close_on_exec(k, b));

  CHECK(must(k.dup2(a, a)) == a);  // onto itself: nothing happens, the flag stays
  CHECK(close_on_exec(k, a));

  const Fd unused = b + 10;
  CHECK(must(k.dup2(a, unused)) == unused);
  CHECK(read_text(k, unused, 10) == "aa");

  CHECK(k.dup2(kBadFd, b).error() == Errno::ebadf);
  CHECK(k.dup2(kBadFd, kBadFd).error() == Errno::ebadf);
  CHECK(k.dup2(a, -1).error() == Errno::ebadf);
  CHECK(must(k.fstat(b)).st_size == 3);  // a failed dup2 leaves the target alone
  for (Fd fd : {a, b, unused}) must(k.close(fd));
}
