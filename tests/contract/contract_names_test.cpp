// Kernel contract: names — rename, unlink, mkdir, rmdir, listdir, getcwd and chdir — and
// open files that outlive their names.
#include <algorithm>

#include "contract/kernel_fixture.hpp"

using namespace bl::contract;
using bl::os::as_bytes;

namespace {

std::vector<std::string> sorted_listing(Kernel& k, std::string_view path) {
  auto names = must(k.listdir(path));
  std::sort(names.begin(), names.end());
  return names;
}

// Restores the working directory when the test ends, however it ends (it is process-wide).
class CwdGuard {
 public:
  explicit CwdGuard(Kernel& k) : k_(k), saved_(must(k.getcwd())) {}
  ~CwdGuard() { (void)k_.chdir(saved_); }
  CwdGuard(const CwdGuard&) = delete;
  CwdGuard& operator=(const CwdGuard&) = delete;
  const std::string& saved() const { return saved_; }

 private:
  Kernel& k_;
  std::string saved_;
};

}  // namespace

TEST_CASE_TEMPLATE("rename moves a name and replaces an existing file", F, BL_CONTRACT_KERNELS) {
  F f;
  auto& k = f.kernel;
  const auto a = f.path("a"), b = f.path("b");
  write_file(k, a, "new");
  write_file(k, b, "old");
  const Fd old_b = must(k.open(b, O::RDONLY));
  const auto a_ino = must(k.stat(a)).st_ino;

  must(k.rename(a, b));
  CHECK(k.stat(a).error() == Errno::enoent);
  CHECK(must(k.stat(b)).st_ino == a_ino);
  CHECK(read_file(k, b) == "new");
  CHECK(read_all(k, old_b) == "old");  // the replaced file lives on while open
  must(k.close(old_b));

  must(k.rename(b, b));  // onto itself: nothing happens
  CHECK(read_file(k, b) == "new");
  must(k.mkdir(f.path("d")));
  must(k.rename(b, f.path("d/moved")));
  CHECK(sorted_listing(k, f.path("d")) == std::vector<std::string>{"moved"});
}

TEST_CASE_TEMPLATE("rename of directories, and rename errors", F, BL_CONTRACT_KERNELS) {
  F f;
  auto& k = f.kernel;
  must(k.mkdir(f.path("empty")));
  must(k.mkdir(f.path("full")));
  write_file(k, f.path("full/x"), "x");
  must(k.mkdir(f.path("src")));
  write_file(k, f.path("file"), "f");

  CHECK(k.rename(f.path("missing"), f.path("z")).error() == Errno::enoent);
  CHECK(k.rename(f.path("file"), f.path("no/z")).error() == Errno::enoent);
  CHECK(k.rename(f.path("file/x"), f.path("z")).error() == Errno::enotdir);
  CHECK(k.rename(f.path("src"), f.path("full")).error() == Errno::enotempty);
  CHECK(k.rename(f.path("file"), f.path("empty")).error() == Errno::eisdir);
  CHECK(k.rename(f.path("src"), f.path("file")).error() == Errno::enotdir);
  CHECK(k.rename(f.path("src"), f.path("src/inside")).error() == Errno::einval);
  CHECK(read_file(k, f.path("file")) == "f");  // failures change nothing

  must(k.rename(f.path("src"), f.path("empty")));  // a directory replaces an empty one
  CHECK(k.stat(f.path("src")).error() == Errno::enoent);
  must(k.rename(f.path("full"), f.path("renamed")));
  CHECK(read_file(k, f.path("renamed/x")) == "x");
  CHECK(sorted_listing(k, f.root) == std::vector<std::string>{"empty", "file", "renamed"});
}

TEST_CASE_TEMPLATE("unlink removes a name; the open file lives on", F, BL_CONTRACT_KERNELS) {
  F f;
  auto& k = f.kernel;
  const auto p = f.path("f");
  write_file(k, p, "still here");
  const Fd fd = must(k.open(p, O::RDWR));
  must(k.unlink(p));
  CHECK(k.stat(p).error() == Errno::enoent);
  CHECK(k.open(p, O::RDONLY).error() == Errno::enoent);
  CHECK(read_all(k, fd) == "still here");
  CHECK(must(k.write(fd, as_bytes("!"))) == 1);
  CHECK(pread_text(k, fd, 100, 0) == "still here!");
  CHECK(must(k.fstat(fd)).st_nlink == 0);
  must(k.close(fd));
  CHECK(sorted_listing(k, f.root).empty());

  CHECK(k.unlink(p).error() == Errno::enoent);
  CHECK(k.unlink(f.path("no/such")).error() == Errno::enoent);
  must(k.mkdir(f.path("d")));
  CHECK(k.unlink(f.path("d")).error() == Errno::eisdir);  // Linux's answer; POSIX says EPERM
  write_file(k, f.path("file"), "");
  CHECK(k.unlink(f.path("file/x")).error() == Errno::enotdir);
}

TEST_CASE_TEMPLATE("mkdir and rmdir", F, BL_CONTRACT_KERNELS) {
  F f;
  auto& k = f.kernel;
  must(k.mkdir(f.path("d")));
  must(k.mkdir(f.path("private"), 0700));
  must(k.mkdir(f.path("slash/")));  // a trailing slash names the directory being made
  CHECK(must(k.stat(f.path("d"))).st_mode == (S::IFDIR | 0755));
  CHECK(must(k.stat(f.path("private"))).st_mode == (S::IFDIR | 0700));
  CHECK(must(k.stat(f.path("slash"))).is_directory());
  write_file(k, f.path("file"), "");

  CHECK(k.mkdir(f.path("d")).error() == Errno::eexist);
  CHECK(k.mkdir(f.path("file")).error() == Errno::eexist);
  CHECK(k.mkdir(f.path("no/such")).error() == Errno::enoent);
  CHECK(k.mkdir(f.path("file/x")).error() == Errno::enotdir);

  write_file(k, f.path("d/inside"), "x");
  CHECK(k.rmdir(f.path("d")).error() == Errno::enotempty);
  CHECK(k.rmdir(f.path("file")).error() == Errno::enotdir);
  CHECK(k.rmdir(f.path("missing")).error() == Errno::enoent);
  CHECK(k.rmdir(f.path("d/.")).error() == Errno::einval);
  must(k.unlink(f.path("d/inside")));
  must(k.rmdir(f.path("d")));
  must(k.rmdir(f.path("slash/")));
  CHECK(k.stat(f.path("d")).error() == Errno::enoent);
  CHECK(sorted_listing(k, f.root) == std::vector<std::string>{"file", "private"});
}

TEST_CASE_TEMPLATE("listdir lists names without . and ..", F, BL_CONTRACT_KERNELS) {
  F f;
  auto& k = f.kernel;
  CHECK(sorted_listing(k, f.root).empty());
  for (const char* name : {"b.txt", "a.txt", ".hidden", "z"}) write_file(k, f.path(name), name);
  must(k.mkdir(f.path("dir")));
  CHECK(sorted_listing(k, f.root) ==
        std::vector<std::string>{".hidden", "a.txt", "b.txt", "dir", "z"});
  CHECK(sorted_listing(k, f.path("dir")).empty());
  CHECK(sorted_listing(k, f.path("dir/")).empty());
  CHECK(k.listdir(f.path("z")).error() == Errno::enotdir);
  CHECK(k.listdir(f.path("missing")).error() == Errno::enoent);
}

TEST_CASE_TEMPLATE("chdir makes relative names resolve in the new directory", F,
                   BL_CONTRACT_KERNELS) {
  F f;
  auto& k = f.kernel;
  CwdGuard guard(k);
  CHECK(guard.saved().front() == '/');
  write_file(k, f.path("file"), "");

  must(k.chdir(f.root));
  CHECK(must(k.getcwd()) == f.root);
  write_file(k, "relative.txt", "here");
  CHECK(read_file(k, f.path("relative.txt")) == "here");
  must(k.mkdir("sub"));
  must(k.chdir("sub"));
  CHECK(must(k.getcwd()) == f.path("sub"));
  CHECK(read_file(k, "../relative.txt") == "here");
  must(k.chdir(".."));
  CHECK(must(k.getcwd()) == f.root);
  must(k.chdir(".."));
  CHECK(must(k.getcwd()) == "/tmp");

  CHECK(k.chdir(f.path("file")).error() == Errno::enotdir);
  CHECK(k.chdir(f.path("missing")).error() == Errno::enoent);
  CHECK(must(k.getcwd()) == "/tmp");  // failures leave it alone
  must(k.chdir(guard.saved()));
  CHECK(must(k.getcwd()) == guard.saved());
}

TEST_CASE_TEMPLATE("getcwd of a removed working directory gives ENOENT", F, BL_CONTRACT_KERNELS) {
  F f;
  auto& k = f.kernel;
  CwdGuard guard(k);
  must(k.mkdir(f.path("doomed")));
  must(k.chdir(f.path("doomed")));
  must(k.rmdir(f.path("doomed")));  // Linux lets the working directory be removed
  CHECK(k.getcwd().error() == Errno::enoent);
  CHECK(k.open("new", O::WRONLY | O::CREAT).error() == Errno::enoent);
  must(k.chdir(f.root));
  CHECK(must(k.getcwd()) == f.root);
}

// rename resolves both parents, then refuses "." and "..", then looks up the source, then the
// target, and only then judges trailing slashes and ancestry.
TEST_CASE_TEMPLATE("rename: which error comes first", F, BL_CONTRACT_KERNELS) {
  F f;
  auto& k = f.kernel;
  must(k.mkdir(f.path("d")));
  write_file(k, f.path("d/e"), "e");
  write_file(k, f.path("file"), "f");

  CHECK(k.rename(f.path("missing"), f.path("d/.")).error() == Errno::ebusy);
  CHECK(k.rename(f.path("missing"), f.path("d/..")).error() == Errno::ebusy);
  CHECK(k.rename(f.path("file/"), f.path("d/.")).error() == Errno::ebusy);
  CHECK(k.rename(f.path("file/"), f.path("missing/x")).error() == Errno::enoent);
  CHECK(k.rename(f.path("missing/"), f.path("new")).error() == Errno::enoent);
  CHECK(k.rename(f.path("file/"), f.path("new")).error() == Errno::enotdir);
  CHECK(k.rename(f.path("file"), f.path("new/")).error() == Errno::enotdir);
  CHECK(k.rename(f.path("file"), f.path("file/")).error() == Errno::enotdir);  // even onto itself
  // Nothing may replace one of its own ancestors: ENOTEMPTY, before rename sees that a file
  // cannot replace a directory. And a directory cannot move below itself, even onto a file.
  CHECK(k.rename(f.path("d/e"), f.path("d")).error() == Errno::enotempty);
  CHECK(k.rename(f.path("d"), f.path("d/e")).error() == Errno::einval);
  CHECK(read_file(k, f.path("d/e")) == "e");
  CHECK(read_file(k, f.path("file")) == "f");
}

TEST_CASE_TEMPLATE("mkdir of an existing name is EEXIST, even a file named with a slash", F,
                   BL_CONTRACT_KERNELS) {
  F f;
  auto& k = f.kernel;
  write_file(k, f.path("file"), "");
  must(k.mkdir(f.path("d")));
  CHECK(k.mkdir(f.path("file/")).error() == Errno::eexist);
  CHECK(k.mkdir(f.path("d/")).error() == Errno::eexist);
  CHECK(k.mkdir(f.path("d/.")).error() == Errno::eexist);
  CHECK(must(k.stat(f.path("file"))).is_regular());
}

// Linux looks no name up in a removed directory, so relative names there are ENOENT before any
// other complaint, in rename as in mkdir and open.
TEST_CASE_TEMPLATE("rename into a removed working directory gives ENOENT", F, BL_CONTRACT_KERNELS) {
  F f;
  auto& k = f.kernel;
  CwdGuard guard(k);
  must(k.mkdir(f.path("d")));
  must(k.mkdir(f.path("d/doomed")));
  write_file(k, f.path("file"), "f");
  must(k.chdir(f.path("d/doomed")));
  must(k.rmdir(f.path("d/doomed")));

  CHECK(k.rename(f.path("file"), "new/").error() == Errno::enoent);  // not ENOTDIR
  CHECK(k.rename(f.path("d"), "new").error() == Errno::enoent);      // not EINVAL: d was its parent
  CHECK(k.rename(f.path("file"), "new").error() == Errno::enoent);
  CHECK(k.rename(f.path("missing"), ".").error() == Errno::ebusy);  // checked before lookups
  CHECK(k.mkdir("new/").error() == Errno::enoent);
  CHECK(must(k.stat(".")).st_nlink == 0);
  CHECK(sorted_listing(k, ".").empty());
  must(k.chdir(f.root));
  CHECK(sorted_listing(k, f.path("d")).empty());
  CHECK(read_file(k, f.path("file")) == "f");
}
