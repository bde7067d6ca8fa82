// Kernel contract: chmod and fchmod, O_TMPFILE, getrandom — what tempfile and shutil.copy ask
// of the kernel.
#include "contract/kernel_fixture.hpp"

using namespace bl::contract;

TEST_CASE_TEMPLATE("chmod and fchmod set the permission bits only", F, BL_CONTRACT_KERNELS) {
  F f;
  auto& k = f.kernel;
  const auto p = f.path("f");
  write_file(k, p, "abc");
  must(k.chmod(p, 0600));
  CHECK(must(k.stat(p)).st_mode == (S::IFREG | 0600));
  // Bits beyond 07777 are ignored; the file type stays.
  must(k.chmod(p, 0170755));
  CHECK(must(k.stat(p)).st_mode == (S::IFREG | 0755));
  const Fd fd = must(k.open(p, O::RDONLY));
  must(k.fchmod(fd, 0640));  // a read-only descriptor may change the mode
  CHECK(must(k.fstat(fd)).st_mode == (S::IFREG | 0640));
  must(k.close(fd));
  CHECK(k.chmod(f.path("missing"), 0600).error() == Errno::enoent);
  CHECK(k.fchmod(fd, 0600).error() == Errno::ebadf);
  must(k.mkdir(f.path("d"), 0700));
  must(k.chmod(f.path("d"), 0750));
  CHECK(must(k.stat(f.path("d"))).st_mode == (S::IFDIR | 0750));
}

TEST_CASE_TEMPLATE("O_TMPFILE makes an unnamed file in a directory", F, BL_CONTRACT_KERNELS) {
  F f;
  auto& k = f.kernel;
  const auto dir = f.path("");
  const int flags = O::RDWR | O::EXCL | O::NOFOLLOW | O::CLOEXEC | O::TMPFILE;
  const Fd fd = must(k.open(dir, flags, 0600));
  const auto st = must(k.fstat(fd));
  CHECK(st.st_mode == (S::IFREG | 0600));
  CHECK(st.st_nlink == 0);
  CHECK(must(k.write(fd, bl::os::as_bytes("hello"))) == 5);
  CHECK(must(k.lseek(fd, 0, SEEK::SET)) == 0);
  CHECK(read_all(k, fd) == "hello");
  CHECK(must(k.listdir(dir)).empty());  // nothing names it
  CHECK(close_on_exec(k, fd));
  must(k.close(fd));

  // Write access is required, and so is the directory bit; O_CREAT does not combine.
  CHECK(k.open(dir, O::RDONLY | O::TMPFILE, 0600).error() == Errno::einval);
  CHECK(k.open(dir, O::RDWR | O::TMPFILE | O::CREAT, 0600).error() == Errno::einval);
  CHECK(k.open(dir, O::RDWR | (O::TMPFILE & ~O::DIRECTORY), 0600).error() == Errno::einval);
  // The path must name a directory.
  write_file(k, f.path("file"), "x");
  CHECK(k.open(f.path("file"), O::RDWR | O::TMPFILE, 0600).error() == Errno::enotdir);
  CHECK(k.open(f.path("missing"), O::RDWR | O::TMPFILE, 0600).error() == Errno::enoent);
  // The umask (022) applies as to O_CREAT.
  const Fd wide = must(k.open(dir, O::WRONLY | O::TMPFILE, 0666));
  CHECK(must(k.fstat(wide)).st_mode == (S::IFREG | 0644));
  must(k.close(wide));
}

TEST_CASE_TEMPLATE("getrandom fills the buffer", F, BL_CONTRACT_KERNELS) {
  F f;
  auto& k = f.kernel;
  std::vector<std::byte> a(64), b(64);
  CHECK(must(k.getrandom(a)) == 64);
  CHECK(must(k.getrandom(b)) == 64);
  CHECK(a != b);  // 2^-512 chance of a false failure
  CHECK(must(k.getrandom({})) == 0);
}
