// Kernel contract: fstat and stat — the fields the kernels model, as Linux fills them.
#include "contract/kernel_fixture.hpp"

using namespace bl::contract;

TEST_CASE_TEMPLATE("fstat and stat of a regular file", F, BL_CONTRACT_KERNELS) {
  F f;
  auto& k = f.kernel;
  const auto p = f.path("f");
  write_file(k, p, std::string(5000, 'x'));
  const Fd fd = must(k.open(p, O::RDONLY));
  const auto st = must(k.fstat(fd));
  CHECK(st.is_regular());
  CHECK(st.st_mode == (S::IFREG | 0644));
  CHECK(st.st_size == 5000);
  CHECK(st.st_nlink == 1);
  CHECK(st.st_blksize == 4096);
  // st_blocks counts 512-byte units of allocated storage: 5000 bytes take two 4096-byte
  // filesystem blocks, 8192 bytes, 16 units — already before any fsync (ext4's delayed
  // allocation reports the blocks it has reserved).
  CHECK(st.st_blocks == 16);

  const auto by_name = must(k.stat(p));
  CHECK(by_name.st_ino == st.st_ino);
  CHECK(by_name.st_dev == st.st_dev);
  CHECK(by_name.st_size == 5000);
  CHECK(by_name.st_mode == st.st_mode);
  must(k.close(fd));

  write_file(k, f.path("other"), "");
  const auto other = must(k.stat(f.path("other")));
  CHECK(other.st_ino != st.st_ino);
  CHECK(other.st_dev == st.st_dev);
  CHECK(other.st_size == 0);
  CHECK(other.st_blocks == 0);
}

TEST_CASE_TEMPLATE("stat: a new file's three times are one realtime instant", F,
                   BL_CONTRACT_KERNELS) {
  F f;
  auto& k = f.kernel;
  const Fd fd = must(k.open(f.path("f"), O::WRONLY | O::CREAT));
  const auto st = must(k.fstat(fd));
  CHECK(st.st_atime_ns == st.st_mtime_ns);
  CHECK(st.st_ctime_ns == st.st_mtime_ns);
  CHECK(st.st_mtime_ns > 1'577'836'800'000'000'000);  // after 2020-01-01
  CHECK(st.st_mtime_ns <= k.clock_gettime(bl::os::Clock::realtime));
  must(k.close(fd));
}

TEST_CASE_TEMPLATE("stat of directories and devices", F, BL_CONTRACT_KERNELS) {
  F f;
  auto& k = f.kernel;
  must(k.mkdir(f.path("d")));
  auto dir = must(k.stat(f.path("d")));
  CHECK(dir.is_directory());
  CHECK(dir.st_mode == (S::IFDIR | 0755));
  CHECK(dir.st_nlink == 2);  // its name in the parent, and its own "."
  must(k.mkdir(f.path("d/sub")));
  CHECK(must(k.stat(f.path("d"))).st_nlink == 3);  // and the child's ".."

  const auto null = must(k.stat("/dev/null"));
  CHECK(null.is_char_device());
  CHECK(null.st_mode == (S::IFCHR | 0666));
  const Fd fd = must(k.open("/dev/null", O::RDWR));
  const auto by_fd = must(k.fstat(fd));
  CHECK(by_fd.is_char_device());
  CHECK(by_fd.st_ino == null.st_ino);
  CHECK(by_fd.st_blksize == 4096);
  must(k.close(fd));
}

TEST_CASE_TEMPLATE("stat and fstat errors", F, BL_CONTRACT_KERNELS) {
  F f;
  auto& k = f.kernel;
  write_file(k, f.path("file"), "x");
  CHECK(k.stat(f.path("missing")).error() == Errno::enoent);
  CHECK(k.stat(f.path("missing/x")).error() == Errno::enoent);
  CHECK(k.stat(f.path("file/x")).error() == Errno::enotdir);
  CHECK(k.stat(f.path("file/")).error() == Errno::enotdir);
  CHECK(k.stat("").error() == Errno::enoent);
  CHECK(k.fstat(kBadFd).error() == Errno::ebadf);
  CHECK(k.fstat(-1).error() == Errno::ebadf);
}

// A directory that is gone but still open (or someone's working directory) has no links
// left, not even its own "."; ext4's rmdir also sets its size to 0, while a directory that
// rename replaced keeps its 4096.
TEST_CASE_TEMPLATE("fstat of a removed directory", F, BL_CONTRACT_KERNELS) {
  F f;
  auto& k = f.kernel;
  must(k.mkdir(f.path("removed")));
  must(k.mkdir(f.path("replaced")));
  must(k.mkdir(f.path("other")));
  const Fd removed = must(k.open(f.path("removed"), O::RDONLY | O::DIRECTORY));
  const Fd replaced = must(k.open(f.path("replaced"), O::RDONLY | O::DIRECTORY));
  CHECK(must(k.fstat(removed)).st_nlink == 2);
  CHECK(must(k.fstat(removed)).st_size == 4096);

  must(k.rmdir(f.path("removed")));
  const auto st = must(k.fstat(removed));
  CHECK(st.st_mode == (S::IFDIR | 0755));
  CHECK(st.st_nlink == 0);
  CHECK(st.st_size == 0);

  must(k.rename(f.path("other"), f.path("replaced")));
  CHECK(must(k.fstat(replaced)).st_nlink == 0);
  CHECK(must(k.fstat(replaced)).st_size == 4096);
  CHECK(must(k.stat(f.path("replaced"))).st_nlink == 2);  // the one that took its name
  must(k.close(removed));
  must(k.close(replaced));
}
