// OSError texts and classes, checked against CPython 3.11:
//   python3 -c "open('nonexist/zz')"  -> FileNotFoundError: [Errno 2] No such file or directory:
//   'nonexist/zz' python3 -c "import os; os.rename('a','b')" -> FileNotFoundError: [Errno 2] No
//   such file or directory: 'a' -> 'b'
#include <doctest/doctest.h>

#include "os/errors.hpp"

using bl::os::Errno;

TEST_CASE("OSError formats errno, strerror and filename as CPython") {
  bl::OSError e(Errno::enoent, "nonexist/zz");
  CHECK(std::string(e.what()) == "[Errno 2] No such file or directory: 'nonexist/zz'");
  CHECK(e.strerror() == "No such file or directory");
  bl::OSError two(Errno::enoent, "a", "b");
  CHECK(std::string(two.what()) == "[Errno 2] No such file or directory: 'a' -> 'b'");
  bl::OSError bare(Errno::ebadf);
  CHECK(std::string(bare.what()) == "[Errno 9] Bad file descriptor");
}

TEST_CASE("raise_os_error picks the subclass CPython picks") {
  CHECK_THROWS_AS(bl::raise_os_error(Errno::enoent, "x"), bl::FileNotFoundError);
  CHECK_THROWS_AS(bl::raise_os_error(Errno::eexist, "x"), bl::FileExistsError);
  CHECK_THROWS_AS(bl::raise_os_error(Errno::eagain), bl::BlockingIOError);
  CHECK_THROWS_AS(bl::raise_os_error(Errno::epipe), bl::BrokenPipeError);
  CHECK_THROWS_AS(bl::raise_os_error(Errno::eperm), bl::PermissionError);
  CHECK(bl::os_error_type_name(Errno::espipe) == "OSError");
  try {
    bl::raise_os_error(Errno::eisdir, "/tmp");
  } catch (const bl::OSError& e) {
    CHECK(e.type_name() == "IsADirectoryError");
    CHECK(std::string(e.what()) == "[Errno 21] Is a directory: '/tmp'");
  }
}

TEST_CASE("filenames are shown as Python's str repr") {
  // python3: repr("it's"), repr('a"b'), repr('tab\t'), repr("caf\u00e9"),
  // repr(b'\xff'.decode('utf-8','surrogateescape'))
  CHECK(bl::python_str_repr("it's") == "\"it's\"");
  CHECK(bl::python_str_repr("a\"b") == "'a\"b'");
  CHECK(bl::python_str_repr("both'\"") == "'both\\'\"'");
  CHECK(bl::python_str_repr("tab\t\x01") == "'tab\\t\\x01'");
  CHECK(bl::python_str_repr("caf\xc3\xa9") == "'caf\xc3\xa9'");
  CHECK(bl::python_str_repr("\xff") == "'\\udcff'");
}
