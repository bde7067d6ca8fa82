// io.open() in binary mode on both kernels: argument checks in CPython's order, the buffer size,
// the class for each mode and the syscalls of open() itself. Every expected value was produced
// by CPython 3.11.7 (strace for the syscalls), e.g. reference §1.5:
//   open('f','ab'): openat(AT_FDCWD, "f", O_WRONLY|O_CREAT|O_APPEND|O_CLOEXEC, 0666) = 3;
//   newfstatat(3, ...); lseek(3, 0, SEEK_END) = 10; ioctl(3, TCGETS, ...) = -1 ENOTTY;
//   lseek(3, 0, SEEK_CUR) = 10
#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

#include "io_helpers.hpp"

using namespace bl;
using iotest::Calls;
using iotest::fd_name;
using iotest::must;
using iotest::raises;
using iotest::str;
using iotest::Traced;
namespace O = os::O;

namespace {

constexpr const char* kLineBufferingWarning =
    "RuntimeWarning: line buffering (buffering=1) isn't supported in binary mode, the default "
    "buffer size will be used";

Calls warnings;

void record_warning(std::string_view category, std::string_view message) {
  warnings.push_back(std::string(category) + ": " + std::string(message));
}

// Collects the warnings bl::warn reports while it lives.
struct WarningCatcher {
  WarningCatcher() {
    warnings.clear();
    set_warning_handler(record_warning);
  }
  ~WarningCatcher() { set_warning_handler(nullptr); }
  WarningCatcher(const WarningCatcher&) = delete;
  WarningCatcher& operator=(const WarningCatcher&) = delete;
};

// open() in a binary mode.
std::shared_ptr<io::BinaryIOBase> open_file(os::Kernel& k, const std::string& path,
                                            io::OpenOptions options) {
  return std::dynamic_pointer_cast<io::BinaryIOBase>(io::open(k, path, std::move(options)));
}

os::Fd fd_of(io::IOBase& f) { return static_cast<os::Fd>(f.fileno()); }

std::int64_t buffer_size(const std::shared_ptr<io::IOBase>& f) {
  auto buffered = std::dynamic_pointer_cast<io::Buffered>(f);
  REQUIRE(buffered);
  return buffered->buffer_size();
}

}  // namespace

// --- argument checks ---------------------------------------------------------------------------

TEST_CASE_TEMPLATE("open() rejects bad modes with CPython's messages", F, BL_CONTRACT_KERNELS) {
  // open('f', m) for each m
  Traced<F> t;
  const std::string p = t.put("f", "0123456789");
  for (const char* mode : {"rU", "U", "Ur", "rr", "r++", "z", "rbb", "tbz", "rwz", "bb", "ttr"}) {
    CAPTURE(mode);
    CHECK(raises([&] { open_file(t.k, p, {.mode = mode}); }) ==
          "ValueError: invalid mode: '" + std::string(mode) + "'");
  }
  for (const char* mode : {"tb", "bt", "rtb"}) {
    CAPTURE(mode);
    CHECK(raises([&] { open_file(t.k, p, {.mode = mode}); }) ==
          "ValueError: can't have text and binary mode at once");
  }
  for (const char* mode : {"rw", "wa", "rwx", "rwb", "xa+"}) {
    CAPTURE(mode);
    CHECK(raises([&] { open_file(t.k, p, {.mode = mode}); }) ==
          "ValueError: must have exactly one of create/read/write/append mode");
  }
  CHECK(t.recorder.syscalls().empty());
  for (const char* mode : {"b", "+", ""}) {
    CAPTURE(mode);
    CHECK(raises([&] { open_file(t.k, p, {.mode = mode}); }) ==
          "ValueError: Must have exactly one of create/read/write/append mode and at most one "
          "plus");
  }
  CHECK(t.contents("f") == "0123456789");
}

TEST_CASE_TEMPLATE("binary mode refuses encoding, errors and newline, in that order", F,
                   BL_CONTRACT_KERNELS) {
  Traced<F> t;
  const std::string p = t.put("f", "0123456789");
  const std::string encoding = "ValueError: binary mode doesn't take an encoding argument";
  const std::string errors = "ValueError: binary mode doesn't take an errors argument";
  CHECK(raises([&] { open_file(t.k, p, {.mode = "rb", .encoding = "utf-8"}); }) == encoding);
  CHECK(raises([&] { open_file(t.k, p, {.mode = "rb", .errors = "strict"}); }) == errors);
  CHECK(raises([&] { open_file(t.k, p, {.mode = "rb", .newline = ""}); }) ==
        "ValueError: binary mode doesn't take a newline argument");
  CHECK(raises([&] {
          open_file(t.k, p, {.mode = "rb", .encoding = "x", .errors = "y", .newline = "z"});
        }) == encoding);
  CHECK(raises([&] { open_file(t.k, p, {.mode = "rb", .errors = "y", .newline = "z"}); }) ==
        errors);
  // The mode is checked first: 'b' alone passes the binary checks, 'rwb' and 'tb' do not.
  CHECK(raises([&] { open_file(t.k, p, {.mode = "b", .encoding = "utf-8"}); }) == encoding);
  CHECK(raises([&] { open_file(t.k, p, {.mode = "rwb", .encoding = "utf-8"}); }) ==
        "ValueError: must have exactly one of create/read/write/append mode");
  CHECK(raises([&] { open_file(t.k, p, {.mode = "tb", .encoding = "utf-8"}); }) ==
        "ValueError: can't have text and binary mode at once");
  CHECK(t.recorder.syscalls().empty());
}

TEST_CASE_TEMPLATE("the mode is checked before the descriptor and the name", F,
                   BL_CONTRACT_KERNELS) {
  // open(-1) -> negative file descriptor; open(-1,'rU') -> invalid mode: 'rU';
  // open('a\0b','rb') -> embedded null byte; open('a\0b','rU') -> invalid mode: 'rU';
  // open('a\0b','rb',encoding='utf-8') -> binary mode doesn't take an encoding argument
  Traced<F> t;
  const std::string nul("a\0b", 3);
  CHECK(raises([&] { io::open(t.k, fd_name(-1)); }) == "ValueError: negative file descriptor");
  CHECK(raises([&] { io::open(t.k, fd_name(-1), {.mode = "rb"}); }) ==
        "ValueError: negative file descriptor");
  CHECK(raises([&] { io::open(t.k, fd_name(-1), {.mode = "rU"}); }) ==
        "ValueError: invalid mode: 'rU'");
  CHECK(raises([&] { open_file(t.k, nul, {.mode = "rb"}); }) == "ValueError: embedded null byte");
  CHECK(raises([&] { open_file(t.k, nul, {.mode = "rU"}); }) == "ValueError: invalid mode: 'rU'");
  CHECK(raises([&] { open_file(t.k, nul, {.mode = "rb", .encoding = "utf-8"}); }) ==
        "ValueError: binary mode doesn't take an encoding argument");
  CHECK(t.recorder.syscalls().empty());
}

TEST_CASE_TEMPLATE("closefd=False with a name is refused before anything is opened", F,
                   BL_CONTRACT_KERNELS) {
  // open('f','rb',closefd=False), open('nope','rb',closefd=False) and
  // open('f','r',closefd=False,buffering=0) -> Cannot use closefd=False with file name
  Traced<F> t;
  const std::string p = t.put("f", "0123456789");
  const std::string message = "ValueError: Cannot use closefd=False with file name";
  CHECK(raises([&] { open_file(t.k, p, {.mode = "rb", .closefd = false}); }) == message);
  CHECK(raises([&] { open_file(t.k, t.path("nope"), {.mode = "rb", .closefd = false}); }) ==
        message);
  CHECK(raises([&] { open_file(t.k, p, {.mode = "r", .buffering = 0, .closefd = false}); }) ==
        message);
  CHECK(t.recorder.syscalls().empty());
}

TEST_CASE_TEMPLATE("open errors name the file", F, BL_CONTRACT_KERNELS) {
  Traced<F> t;
  const std::string p = t.put("f", "0123456789");
  must(t.kernel.mkdir(t.path("dir")));
  const std::string nope = t.path("nonexist/zz"), dir = t.path("dir");
  CHECK(raises([&] { open_file(t.k, nope, {.mode = "rb"}); }) ==
        "FileNotFoundError: [Errno 2] No such file or directory: '" + nope + "'");
  CHECK(raises([&] { open_file(t.k, p, {.mode = "xb"}); }) ==
        "FileExistsError: [Errno 17] File exists: '" + p + "'");
  CHECK(raises([&] { open_file(t.k, dir, {.mode = "rb"}); }) ==
        "IsADirectoryError: [Errno 21] Is a directory: '" + dir + "'");
  CHECK(raises([&] { open_file(t.k, dir, {.mode = "wb"}); }) ==
        "IsADirectoryError: [Errno 21] Is a directory: '" + dir + "'");
  CHECK(raises([&] {
          open_file(t.k, p, {.mode = "rb", .opener = [](std::string_view, int) { return -1; }});
        }) == "ValueError: opener returned -1");
}

TEST_CASE_TEMPLATE("unbuffered text is refused only after the file was opened and truncated", F,
                   BL_CONTRACT_KERNELS) {
  // open('f','w',buffering=0) on 10 bytes: openat(O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC, 0666),
  // fstat, close -> ValueError: can't have unbuffered text I/O; f is now empty.
  // open('new0','w',buffering=0) creates new0; open('f','r',buffering=0) leaves f alone;
  // open('nope2','r',buffering=0) -> FileNotFoundError
  Traced<F> t;
  const std::string p = t.put("f", "0123456789");
  const std::string refused = "ValueError: can't have unbuffered text I/O";
  CHECK(raises([&] { open_file(t.k, p, {.mode = "w", .buffering = 0}); }) == refused);
  const auto fd = static_cast<os::Fd>(t.recorder.syscalls().front().result);
  CHECK(t.take(fd) ==
        Calls{"openat(O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC,0666)", "fstat()=0", "close()=0"});
  CHECK(t.contents("f") == "");
  CHECK(raises([&] { open_file(t.k, t.path("new0"), {.mode = "w", .buffering = 0}); }) == refused);
  CHECK(t.kernel.stat(t.path("new0")).ok());
  t.put("f", "0123456789");
  CHECK(raises([&] { open_file(t.k, p, {.mode = "r", .buffering = 0}); }) == refused);
  CHECK(t.contents("f") == "0123456789");
  const std::string nope = t.path("nope2");
  CHECK(raises([&] { open_file(t.k, nope, {.mode = "r", .buffering = 0}); }) ==
        "FileNotFoundError: [Errno 2] No such file or directory: '" + nope + "'");
}

// --- buffering -----------------------------------------------------------------------------------

TEST_CASE_TEMPLATE("binary buffering=1 warns, then uses the block size without asking isatty", F,
                   BL_CONTRACT_KERNELS) {
  // open('f','rb',buffering=1) -> RuntimeWarning; openat, fstat, lseek(0,SEEK_CUR) (no ioctl);
  // f.read(1) -> read(4096)
  Traced<F> t;
  WarningCatcher catcher;
  auto f = open_file(t.k, t.put("f", "0123456789"), {.mode = "rb", .buffering = 1});
  CHECK(warnings == Calls{kLineBufferingWarning});
  CHECK(f->type_name() == "_io.BufferedReader");
  CHECK(buffer_size(f) == 4096);
  const os::Fd fd = fd_of(*f);
  f->read(1);
  CHECK(t.take(fd) ==
        Calls{"openat(O_RDONLY|O_CLOEXEC)", "fstat()=0", "lseek(0,SEEK_CUR)=0", "read(4096)=10"});
}

TEST_CASE_TEMPLATE("the line buffering warning comes before the raw file's errors", F,
                   BL_CONTRACT_KERNELS) {
  // open('nope','rb',buffering=1), open('f','b',buffering=1) and
  // open('f','rb',buffering=1,closefd=False) warn, then raise; with encoding= the binary check
  // raises first and nothing is warned
  Traced<F> t;
  WarningCatcher catcher;
  const std::string p = t.put("f", "0123456789"), nope = t.path("nope");
  CHECK(raises([&] { open_file(t.k, nope, {.mode = "rb", .buffering = 1}); }) ==
        "FileNotFoundError: [Errno 2] No such file or directory: '" + nope + "'");
  CHECK(raises([&] { open_file(t.k, p, {.mode = "b", .buffering = 1}); }) ==
        "ValueError: Must have exactly one of create/read/write/append mode and at most one "
        "plus");
  CHECK(raises([&] { open_file(t.k, p, {.mode = "rb", .buffering = 1, .closefd = false}); }) ==
        "ValueError: Cannot use closefd=False with file name");
  CHECK(warnings == Calls(3, kLineBufferingWarning));
  warnings.clear();
  CHECK(raises([&] { open_file(t.k, p, {.mode = "rb", .buffering = 1, .encoding = "x"}); }) ==
        "ValueError: binary mode doesn't take an encoding argument");
  CHECK(warnings.empty());
}

TEST_CASE_TEMPLATE("buffer sizes: the block size by default, any positive number verbatim", F,
                   BL_CONTRACT_KERNELS) {
  // open('f','rb').read(1) -> read(4096); buffering=5 -> read(5); buffering=-7 -> read(4096);
  // open('f','r+b',buffering=1000).read(1) -> lseek(0,SEEK_CUR)=0, read(1000)
  Traced<F> t;
  const std::string p = t.put("f", "0123456789");
  struct Case {
    const char* mode;
    std::int64_t buffering, size;
    Calls reads;
  };
  const Case cases[] = {
      {"rb", -1, 4096, {"read(4096)=10"}},
      {"rb", 5, 5, {"read(5)=5"}},
      {"rb", -7, 4096, {"read(4096)=10"}},
      {"r+b", 1000, 1000, {"lseek(0,SEEK_CUR)=0", "read(1000)=10"}},
  };
  for (const Case& c : cases) {
    CAPTURE(c.buffering);
    auto f = open_file(t.k, p, {.mode = c.mode, .buffering = c.buffering});
    CHECK(buffer_size(f) == c.size);
    const os::Fd fd = fd_of(*f);
    t.clear();
    CHECK(str(f->read(1)) == "0");
    CHECK(t.take(fd) == c.reads);
  }
}

TEST_CASE_TEMPLATE("buffering=0 in binary mode returns the FileIO itself", F, BL_CONTRACT_KERNELS) {
  // open('f','rb',buffering=0): openat, fstat; f.read(1) -> read(1)
  Traced<F> t;
  const std::string p = t.put("f", "0123456789");
  auto f = open_file(t.k, p, {.mode = "rb", .buffering = 0});
  REQUIRE(std::dynamic_pointer_cast<io::FileIO>(f));
  CHECK(f->repr() == "<_io.FileIO name='" + p + "' mode='rb' closefd=True>");
  const os::Fd fd = fd_of(*f);
  CHECK(str(f->read(1)) == "0");
  CHECK(t.take(fd) == Calls{"openat(O_RDONLY|O_CLOEXEC)", "fstat()=0", "read(1)=1"});
}

// --- classes, modes and syscalls per mode
// ------------------------------------------------------------

TEST_CASE_TEMPLATE("open() stacks the class CPython stacks for each binary mode", F,
                   BL_CONTRACT_KERNELS) {
  // type(f).__name__, f.mode, f.raw.mode for each mode (w+b gives 'rb+')
  struct Case {
    const char* mode;
    std::int64_t buffering;
    const char* type;
    const char* attribute;
  };
  const Case cases[] = {
      {"rb", -1, "_io.BufferedReader", "rb"},
      {"br", -1, "_io.BufferedReader", "rb"},
      {"wb", -1, "_io.BufferedWriter", "wb"},
      {"xb", -1, "_io.BufferedWriter", "xb"},
      {"ab", -1, "_io.BufferedWriter", "ab"},
      {"r+b", -1, "_io.BufferedRandom", "rb+"},
      {"w+b", -1, "_io.BufferedRandom", "rb+"},
      {"a+b", -1, "_io.BufferedRandom", "ab+"},
      {"x+b", -1, "_io.BufferedRandom", "xb+"},
      {"rb", 0, "_io.FileIO", "rb"},
      {"wb", 0, "_io.FileIO", "wb"},
      {"ab", 0, "_io.FileIO", "ab"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.mode);
    CAPTURE(c.buffering);
    Traced<F> t;
    const std::string p =
        std::string(c.mode).find('x') != std::string::npos ? t.path("x") : t.put("f", "0123456789");
    auto f = open_file(t.k, p, {.mode = c.mode, .buffering = c.buffering});
    CHECK(f->type_name() == c.type);
    CHECK(f->mode() == c.attribute);
    CHECK(f->name() == io::Name{p});
    if (c.buffering != 0) {
      auto buffered = std::dynamic_pointer_cast<io::Buffered>(f);
      REQUIRE(buffered);
      CHECK(buffered->raw()->mode() == c.attribute);
      CHECK(f->repr() == "<" + std::string(c.type) + " name='" + p + "'>");
    }
  }
}

TEST_CASE_TEMPLATE("the syscalls of open() itself for each binary mode", F, BL_CONTRACT_KERNELS) {
  // §1.5, strace of open(p, mode, buffering) on a 10-byte file
  struct Case {
    const char* mode;
    std::int64_t buffering;
    Calls calls;
  };
  const Case cases[] = {
      {"rb",
       -1,
       {"openat(O_RDONLY|O_CLOEXEC)", "fstat()=0", "ioctl(TCGETS)=-1 ENOTTY",
        "lseek(0,SEEK_CUR)=0"}},
      {"wb",
       -1,
       {"openat(O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC,0666)", "fstat()=0", "ioctl(TCGETS)=-1 ENOTTY",
        "lseek(0,SEEK_CUR)=0"}},
      {"xb",
       -1,
       {"openat(O_WRONLY|O_CREAT|O_EXCL|O_CLOEXEC,0666)", "fstat()=0", "ioctl(TCGETS)=-1 ENOTTY",
        "lseek(0,SEEK_CUR)=0"}},
      {"r+b",
       -1,
       {"openat(O_RDWR|O_CLOEXEC)", "fstat()=0", "ioctl(TCGETS)=-1 ENOTTY", "lseek(0,SEEK_CUR)=0",
        "lseek(0,SEEK_CUR)=0"}},
      {"w+b",
       -1,
       {"openat(O_RDWR|O_CREAT|O_TRUNC|O_CLOEXEC,0666)", "fstat()=0", "ioctl(TCGETS)=-1 ENOTTY",
        "lseek(0,SEEK_CUR)=0", "lseek(0,SEEK_CUR)=0"}},
      {"x+b",
       -1,
       {"openat(O_RDWR|O_CREAT|O_EXCL|O_CLOEXEC,0666)", "fstat()=0", "ioctl(TCGETS)=-1 ENOTTY",
        "lseek(0,SEEK_CUR)=0", "lseek(0,SEEK_CUR)=0"}},
      {"rb", 0, {"openat(O_RDONLY|O_CLOEXEC)", "fstat()=0"}},
      {"wb", 0, {"openat(O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC,0666)", "fstat()=0"}},
      {"rb", 5, {"openat(O_RDONLY|O_CLOEXEC)", "fstat()=0", "lseek(0,SEEK_CUR)=0"}},
      {"rb",
       -7,
       {"openat(O_RDONLY|O_CLOEXEC)", "fstat()=0", "ioctl(TCGETS)=-1 ENOTTY",
        "lseek(0,SEEK_CUR)=0"}},
      {"r+b",
       1000,
       {"openat(O_RDWR|O_CLOEXEC)", "fstat()=0", "lseek(0,SEEK_CUR)=0", "lseek(0,SEEK_CUR)=0"}},
  };
  for (const Case& c : cases) {
    CAPTURE(c.mode);
    CAPTURE(c.buffering);
    Traced<F> t;
    const std::string p =
        std::string(c.mode).find('x') != std::string::npos ? t.path("x") : t.put("f", "0123456789");
    auto f = open_file(t.k, p, {.mode = c.mode, .buffering = c.buffering});
    CHECK(t.take(fd_of(*f)) == c.calls);
  }
}

TEST_CASE_TEMPLATE("the syscalls of open() in append modes: lseek(END) comes before isatty", F,
                   BL_CONTRACT_KERNELS) {
  // §1.5: open(p,'ab'), open(p,'a+b') (one lseek(CUR) only: seekable() is known from the
  // append seek), open(p,'ab',buffering=0); strace spells O_CREAT before O_APPEND
  struct Case {
    const char* mode;
    std::int64_t buffering;
    Calls calls;
  };
  const Case cases[] = {
      {"ab",
       -1,
       {"openat(O_WRONLY|O_CREAT|O_APPEND|O_CLOEXEC,0666)", "fstat()=0", "lseek(0,SEEK_END)=10",
        "ioctl(TCGETS)=-1 ENOTTY", "lseek(0,SEEK_CUR)=10"}},
      {"a+b",
       -1,
       {"openat(O_RDWR|O_CREAT|O_APPEND|O_CLOEXEC,0666)", "fstat()=0", "lseek(0,SEEK_END)=10",
        "ioctl(TCGETS)=-1 ENOTTY", "lseek(0,SEEK_CUR)=10"}},
      {"ab",
       0,
       {"openat(O_WRONLY|O_CREAT|O_APPEND|O_CLOEXEC,0666)", "fstat()=0", "lseek(0,SEEK_END)=10"}},
  };
  for (const Case& c : cases) {
    CAPTURE(c.mode);
    CAPTURE(c.buffering);
    Traced<F> t;
    auto f = open_file(t.k, t.put("f", "0123456789"), {.mode = c.mode, .buffering = c.buffering});
    CHECK(t.take(fd_of(*f)) == c.calls);
  }
}

TEST_CASE_TEMPLATE("open() with an opener sets FIOCLEX before fstat", F, BL_CONTRACT_KERNELS) {
  // open('f','rb',opener=os.open): openat(O_RDONLY|O_CLOEXEC), ioctl(FIOCLEX), fstat,
  // ioctl(TCGETS), lseek(0,SEEK_CUR)
  Traced<F> t;
  const std::string p = t.put("f", "0123456789");
  auto f = open_file(t.k, p, {.mode = "rb", .opener = [&](std::string_view path, int flags) {
                                return must(t.k.open(path, flags));
                              }});
  CHECK(t.take(fd_of(*f)) == Calls{"openat(O_RDONLY|O_CLOEXEC)", "ioctl(FIOCLEX)=0", "fstat()=0",
                                   "ioctl(TCGETS)=-1 ENOTTY", "lseek(0,SEEK_CUR)=0"});
  CHECK_FALSE(must(t.kernel.get_inheritable(fd_of(*f))));
}

TEST_CASE_TEMPLATE("open() of a descriptor is named by the number and honours closefd", F,
                   BL_CONTRACT_KERNELS) {
  // f = open(fd,'rb',closefd=False): <_io.BufferedReader name=3>, name 3, raw.closefd False;
  // f.close(); os.fstat(fd) works. open(fd2,'rb',buffering=0):
  // <_io.FileIO name=4 mode='rb' closefd=True>
  Traced<F> t;
  const std::string p = t.put("f", "0123456789");
  const os::Fd fd = must(t.kernel.open(p, O::RDONLY));
  auto f = io::open(t.k, fd_name(fd), {.mode = "rb", .closefd = false});
  CHECK(f->repr() == "<_io.BufferedReader name=" + std::to_string(fd) + ">");
  CHECK(f->name() == fd_name(fd));
  auto raw =
      std::dynamic_pointer_cast<io::FileIO>(std::dynamic_pointer_cast<io::Buffered>(f)->raw());
  REQUIRE(raw);
  CHECK_FALSE(raw->closefd());
  f->close();
  CHECK(t.kernel.fstat(fd).ok());
  auto g = io::open(t.k, fd_name(fd), {.mode = "rb", .buffering = 0});
  CHECK(g->repr() == "<_io.FileIO name=" + std::to_string(fd) + " mode='rb' closefd=True>");
  g->close();
  CHECK(t.kernel.fstat(fd).error() == os::Errno::ebadf);
}

// --- terminals (SimKernel's /dev/pts/0; the real kernel has none here)
// ------------------------------

TEST_CASE("open() asks a terminal isatty() and still buffers binary writes") {
  // pty.openpty(); open(os.ttyname(s),'rb'): openat(O_RDONLY|O_CLOEXEC), fstat,
  // ioctl(TCGETS)=0, lseek(0,SEEK_CUR)=-1 ESPIPE -> BufferedReader. open(name,'wb'): the same
  // with O_WRONLY|O_CREAT|O_TRUNC, then write(b'hi') is buffered until close
  Traced<SimFixture> t;
  auto f = open_file(t.k, std::string("/dev/pts/0"), {.mode = "rb"});
  CHECK(f->type_name() == "_io.BufferedReader");
  CHECK(t.take(fd_of(*f)) == Calls{"openat(O_RDONLY|O_CLOEXEC)", "fstat()=0", "ioctl(TCGETS)=0",
                                   "lseek(0,SEEK_CUR)=-1 ESPIPE"});
  auto g = open_file(t.k, std::string("/dev/pts/0"), {.mode = "wb"});
  const os::Fd fd = fd_of(*g);
  CHECK(g->type_name() == "_io.BufferedWriter");
  CHECK(t.take(fd) == Calls{"openat(O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC,0666)", "fstat()=0",
                            "ioctl(TCGETS)=0", "lseek(0,SEEK_CUR)=-1 ESPIPE"});
  g->write(iotest::bytes("hi"));
  CHECK(t.take(fd).empty());
  g->close();
  CHECK(t.take(fd) == Calls{"write(2)=2", "close()=0"});
}

TEST_CASE("a pty's buffer is its st_blksize, 1024") {
  // m, s = pty.openpty(); os.fstat(s).st_blksize -> 1024; open(os.ttyname(s),'rb') buffers
  // 1024 bytes
  Traced<SimFixture> t;
  auto f = open_file(t.k, std::string("/dev/pts/0"), {.mode = "rb"});
  CHECK(buffer_size(f) == 1024);
}
