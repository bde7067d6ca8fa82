// lib::os and lib::os::path (lib/os.hpp, lib/os_path.hpp) on both kernels. Expected values
// and messages come from CPython 3.11.7 (`python3 -c ...`, `strace -f -y` for the calls):
//   os.read(fd, -1)   -> OSError: [Errno 22] Invalid argument   (no system call)
//   os.open("f", os.O_RDONLY) -> openat(AT_FDCWD, "f", O_RDONLY|O_CLOEXEC)
//   os.pipe()         -> pipe2([r, w], O_CLOEXEC)
//   os.rename("nope", "x") -> FileNotFoundError: [Errno 2] No such file or directory: 'nope' -> 'x'
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "io_helpers.hpp"
#include "lib/os.hpp"
#include "lib/os_path.hpp"

using namespace bl;
using iotest::bytes;
using iotest::raises;
using iotest::str;
using iotest::Traced;
namespace pyos = lib::os;
namespace path = lib::os::path;

namespace {

template <class F>
struct InDir : Traced<F> {
  InDir() { iotest::must(this->kernel.chdir(this->root)); }
  ~InDir() { (void)this->kernel.chdir("/"); }
};

}  // namespace

TEST_CASE_TEMPLATE("os: open/read/write/pread/pwrite/lseek/close as CPython", F, BL_CONTRACT_KERNELS) {
  InDir<F> f;
  auto& k = f.k;
  os::Fd fd = pyos::open(k, "a", pyos::O::RDWR | pyos::O::CREAT, 0644);
  CHECK(f.calls(fd) == iotest::Calls{"openat(O_RDWR|O_CREAT|O_CLOEXEC,0644)"});
  CHECK_FALSE(iotest::must(k.get_inheritable(fd)));
  CHECK(pyos::write(k, fd, bytes("hello world")) == 11);
  CHECK(pyos::lseek(k, fd, 0, pyos::SEEK::SET) == 0);
  CHECK(str(pyos::read(k, fd, 5)) == "hello");
  CHECK(str(pyos::read(k, fd, 0)) == "");
  CHECK(str(pyos::pread(k, fd, 5, 6)) == "world");
  CHECK(pyos::pwrite(k, fd, bytes("W"), 6) == 1);
  CHECK(pyos::lseek(k, fd, 0, pyos::SEEK::END) == 11);
  CHECK(str(pyos::read(k, fd, 100)) == "");
  pyos::ftruncate(k, fd, 5);
  CHECK(pyos::fstat(k, fd).st_size == 5);
  pyos::fsync(k, fd);
  pyos::fdatasync(k, fd);
  f.clear();
  // A negative size is refused before any system call; a negative offset by the kernel.
  CHECK(raises([&] { pyos::read(k, fd, -1); }) == "OSError: [Errno 22] Invalid argument");
  CHECK(raises([&] { pyos::pread(k, fd, -1, 0); }) == "OSError: [Errno 22] Invalid argument");
  CHECK(f.calls(fd).empty());
  CHECK(raises([&] { pyos::pread(k, fd, 5, -1); }) == "OSError: [Errno 22] Invalid argument");
  CHECK(raises([&] { pyos::pwrite(k, fd, bytes("a"), -1); }) ==
        "OSError: [Errno 22] Invalid argument");
  CHECK(raises([&] { pyos::lseek(k, fd, 0, 7); }) == "OSError: [Errno 22] Invalid argument");
  CHECK(raises([&] { pyos::ftruncate(k, fd, -1); }) == "OSError: [Errno 22] Invalid argument");
  pyos::close(k, fd);
  CHECK(raises([&] { pyos::close(k, fd); }) == "OSError: [Errno 9] Bad file descriptor");
  CHECK(raises([&] { pyos::read(k, 999, 1); }) == "OSError: [Errno 9] Bad file descriptor");
  CHECK(raises([&] { pyos::write(k, 999, bytes("x")); }) == "OSError: [Errno 9] Bad file descriptor");
  CHECK(raises([&] { pyos::fsync(k, 999); }) == "OSError: [Errno 9] Bad file descriptor");
  CHECK(raises([&] { pyos::fstat(k, -1); }) == "OSError: [Errno 9] Bad file descriptor");
}

TEST_CASE_TEMPLATE("os: errors name the path, rename and replace name both", F, BL_CONTRACT_KERNELS) {
  InDir<F> f;
  auto& k = f.k;
  f.put("src", "data");
  pyos::mkdir(k, "d");
  CHECK(raises([&] { pyos::open(k, "nope", pyos::O::RDONLY); }) ==
        "FileNotFoundError: [Errno 2] No such file or directory: 'nope'");
  CHECK(raises([&] { pyos::open(k, "d", pyos::O::WRONLY); }) ==
        "IsADirectoryError: [Errno 21] Is a directory: 'd'");
  CHECK(raises([&] { pyos::open(k, "", pyos::O::RDONLY); }) ==
        "FileNotFoundError: [Errno 2] No such file or directory: ''");
  CHECK(raises([&] { pyos::stat(k, std::string("a\0b", 3)); }) == "ValueError: embedded null byte");
  CHECK(raises([&] { pyos::replace(k, "nope", "x"); }) ==
        "FileNotFoundError: [Errno 2] No such file or directory: 'nope' -> 'x'");
  CHECK(raises([&] { pyos::rename(k, "src", "d"); }) ==
        "IsADirectoryError: [Errno 21] Is a directory: 'src' -> 'd'");
  CHECK(raises([&] { pyos::rename(k, "d", "src"); }) ==
        "NotADirectoryError: [Errno 20] Not a directory: 'd' -> 'src'");
  CHECK(raises([&] { pyos::remove(k, "nope"); }) ==
        "FileNotFoundError: [Errno 2] No such file or directory: 'nope'");
  CHECK(raises([&] { pyos::unlink(k, "d"); }) == "IsADirectoryError: [Errno 21] Is a directory: 'd'");
  CHECK(raises([&] { pyos::rmdir(k, "src"); }) ==
        "NotADirectoryError: [Errno 20] Not a directory: 'src'");
  CHECK(raises([&] { pyos::mkdir(k, "d"); }) == "FileExistsError: [Errno 17] File exists: 'd'");
  CHECK(raises([&] { pyos::mkdir(k, "nope/x"); }) ==
        "FileNotFoundError: [Errno 2] No such file or directory: 'nope/x'");
  CHECK(raises([&] { pyos::listdir(k, "src"); }) ==
        "NotADirectoryError: [Errno 20] Not a directory: 'src'");
  CHECK(raises([&] { pyos::chmod(k, "nope", 0644); }) ==
        "FileNotFoundError: [Errno 2] No such file or directory: 'nope'");
}

TEST_CASE_TEMPLATE("os: names, stat, chmod, listdir, replace", F, BL_CONTRACT_KERNELS) {
  InDir<F> f;
  auto& k = f.k;
  f.put("a", "old");
  f.put("b", "new!");
  pyos::mkdir(k, "d", 0755);
  pyos::stat_result st = pyos::stat(k, "b");
  CHECK(st.is_regular());
  CHECK(st.st_size == 4);
  CHECK(st.st_nlink == 1);
  CHECK(pyos::stat(k, "d").is_directory());
  CHECK(pyos::S_IMODE(pyos::stat(k, "d").st_mode) == 0755);
  pyos::chmod(k, "a", 0600);
  CHECK(pyos::S_IMODE(pyos::stat(k, "a").st_mode) == 0600);
  pyos::replace(k, "b", "a");  // over an existing target
  CHECK(f.contents("a") == "new!");
  CHECK_FALSE(path::exists(k, "b"));
  auto names = pyos::listdir(k);
  std::sort(names.begin(), names.end());
  CHECK(names == std::vector<std::string>{"a", "d"});
  pyos::rmdir(k, "d");
  pyos::unlink(k, "a");
  CHECK(pyos::listdir(k, ".").empty());
  CHECK(pyos::getcwd(k) == f.root);
  // repr: the ten fields of the tuple, times as whole seconds.
  pyos::stat_result r{{.st_dev = 65024, .st_ino = 11428082, .st_mode = 33188, .st_nlink = 1,
                       .st_size = 150000, .st_atime_ns = 1795345360'123456789,
                       .st_mtime_ns = 1795345359'000000001, .st_ctime_ns = 1795345359'999999999}};
  CHECK(r.repr() ==
        "os.stat_result(st_mode=33188, st_ino=11428082, st_dev=65024, st_nlink=1, st_uid=0, "
        "st_gid=0, st_size=150000, st_atime=1795345360, st_mtime=1795345359, "
        "st_ctime=1795345359)");
}

TEST_CASE_TEMPLATE("os: pipe, sendfile and copy_file_range", F, BL_CONTRACT_KERNELS) {
  InDir<F> f;
  auto& k = f.k;
  f.put("src", "0123456789");
  auto [r, w] = pyos::pipe(k);
  CHECK_FALSE(iotest::must(k.get_inheritable(r)));
  CHECK_FALSE(iotest::must(k.get_inheritable(w)));
  CHECK(pyos::write(k, w, bytes("via pipe")) == 8);
  CHECK(str(pyos::read(k, r, 100)) == "via pipe");
  pyos::close(k, r);
  pyos::close(k, w);

  os::Fd in = pyos::open(k, "src", pyos::O::RDONLY);
  os::Fd out = pyos::open(k, "dst", pyos::O::WRONLY | pyos::O::CREAT, 0644);
  // An int offset leaves in's position alone; None reads from (and moves) it.
  CHECK(pyos::sendfile(k, out, in, 2, 3) == 3);
  CHECK(pyos::lseek(k, in, 0, pyos::SEEK::CUR) == 0);
  CHECK(pyos::sendfile(k, out, in, std::nullopt, 4) == 4);
  CHECK(pyos::lseek(k, in, 0, pyos::SEEK::CUR) == 4);
  CHECK(pyos::copy_file_range(k, in, out, 2, 8) == 2);
  CHECK(pyos::copy_file_range(k, in, out, 100, std::nullopt, 0) == 6);
  CHECK(raises([&] { pyos::copy_file_range(k, in, out, -1); }) ==
        "ValueError: negative value for 'count' not allowed");
  CHECK(raises([&] { pyos::sendfile(k, out, in, -1, 10); }) ==
        "OSError: [Errno 22] Invalid argument");
  CHECK(raises([&] { pyos::sendfile(k, in, in, 0, 10); }) ==
        "OSError: [Errno 9] Bad file descriptor");
  CHECK(raises([&] { pyos::sendfile(k, 999, in, 0, 10); }) ==
        "OSError: [Errno 9] Bad file descriptor");
  pyos::close(k, in);
  pyos::close(k, out);
  CHECK(f.contents("dst") == "456789389");
}

// Each row: p, dirname(p), basename(p), normpath(p), split(p)[0], from CPython 3.11.7.
TEST_CASE("os.path: string functions as posixpath") {
  struct Row {
    std::string_view p, dirname, basename, normpath, head;
  };
  const Row rows[] = {
      {"", "", "", ".", ""},
      {"/", "/", "", "/", "/"},
      {"//", "//", "", "//", "//"},
      {"///", "///", "", "/", "///"},
      {"a", "", "a", "a", ""},
      {"a/", "a", "", "a", "a"},
      {"a//", "a", "", "a", "a"},
      {"/a", "/", "a", "/a", "/"},
      {"//a", "//", "a", "//a", "//"},
      {"///a", "///", "a", "/a", "///"},
      {"a/b", "a", "b", "a/b", "a"},
      {"a/b/", "a/b", "", "a/b", "a/b"},
      {"a//b", "a", "b", "a/b", "a"},
      {"/a/b/", "/a/b", "", "/a/b", "/a/b"},
      {"//a//b//", "//a//b", "", "//a/b", "//a//b"},
      {"./a", ".", "a", "a", "."},
      {"../a/..", "../a", "..", "..", "../a"},
      {"a/./b/../c", "a/./b/..", "c", "a/c", "a/./b/.."},
      {"/..", "/", "..", "/", "/"},
      {"/../a", "/..", "a", "/a", "/.."},
      {"//..", "//", "..", "//", "//"},
      {"a/../..", "a/..", "..", "..", "a/.."},
      {".", "", ".", ".", ""},
      {"..", "", "..", "..", ""},
      {"a/b/../../..", "a/b/../..", "..", "..", "a/b/../.."},
      {"///a/./b//", "///a/./b", "", "/a/b", "///a/./b"},
  };
  for (const Row& row : rows) {
    CAPTURE(row.p);
    CHECK(path::dirname(row.p) == row.dirname);
    CHECK(path::basename(row.p) == row.basename);
    CHECK(path::normpath(row.p) == row.normpath);
    CHECK(path::split(row.p) == std::pair<std::string, std::string>(row.head, row.basename));
  }
  CHECK(path::join("a") == "a");
  CHECK(path::join("a", "b") == "a/b");
  CHECK(path::join("a/", "b") == "a/b");
  CHECK(path::join("a", "/b") == "/b");
  CHECK(path::join("", "b") == "b");
  CHECK(path::join("a", "") == "a/");
  CHECK(path::join("a", "", "b") == "a/b");
  CHECK(path::join("/", "a") == "/a");
  CHECK(path::join("a", "b/", "/c", "d") == "/c/d");
  CHECK(path::join("", "") == "");
  CHECK(path::join("//", "a") == "//a");
  CHECK(path::join("a//", "b") == "a//b");
  CHECK(path::isabs("/x"));
  CHECK_FALSE(path::isabs("x/"));
}

TEST_CASE_TEMPLATE("os.path: predicates stat, abspath asks getcwd", F, BL_CONTRACT_KERNELS) {
  InDir<F> f;
  auto& k = f.k;
  f.put("file", "12345");
  pyos::mkdir(k, "dir");
  CHECK(path::exists(k, "file"));
  CHECK(path::exists(k, "dir/"));
  CHECK_FALSE(path::exists(k, "file/"));  // ENOTDIR is swallowed
  CHECK_FALSE(path::exists(k, "nope"));
  CHECK_FALSE(path::exists(k, std::string("a\0b", 3)));  // ValueError is swallowed
  CHECK(path::isfile(k, "file"));
  CHECK_FALSE(path::isfile(k, "dir"));
  CHECK(path::isdir(k, "dir"));
  CHECK_FALSE(path::isdir(k, "file"));
  CHECK(path::getsize(k, "file") == 5);
  CHECK(raises([&] { path::getsize(k, "nope"); }) ==
        "FileNotFoundError: [Errno 2] No such file or directory: 'nope'");
  CHECK(path::samefile(k, "file", "./dir/../file"));
  CHECK_FALSE(path::samefile(k, "file", "dir"));
  CHECK(raises([&] { path::samefile(k, "file", "nope"); }) ==
        "FileNotFoundError: [Errno 2] No such file or directory: 'nope'");
  CHECK(path::abspath(k, "x/../y/") == f.root + "/y");
  CHECK(path::abspath(k, "/a/./b") == "/a/b");
  CHECK(path::abspath(k, "") == f.root);
}
