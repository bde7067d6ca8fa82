// io.FileIO on both kernels. Every expected value, message and syscall below was produced by
// CPython 3.11.7 (`env -u PYTHONUNBUFFERED python3`, strace for the syscalls), e.g.
//   f = io.FileIO('f'); f.read(3); f.readall()
//   openat(AT_FDCWD, "f", O_RDONLY|O_CLOEXEC) = 3; newfstatat(3, ...) = 0; read(3, ..., 3) = 3;
//   lseek(3, 0, SEEK_CUR) = 3; newfstatat(3, ...) = 0; read(3, ..., 8) = 7; read(3, ..., 1) = 0
#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

#include "io_helpers.hpp"

using namespace bl;
using bl::buffer::Bytes;
using iotest::Calls;
using iotest::fd_name;
using iotest::must;
using iotest::raises;
using iotest::str;
using iotest::Traced;
namespace O = os::O;

namespace {

constexpr const char* kClosed = "ValueError: I/O operation on closed file";
constexpr const char* kClosedPeriod = "ValueError: I/O operation on closed file.";
constexpr const char* kBadMode =
    "ValueError: Must have exactly one of create/read/write/append mode and at most one plus";
constexpr const char* kNotReading = "UnsupportedOperation: File not open for reading";
constexpr const char* kNotWriting = "UnsupportedOperation: File not open for writing";

io::FileIO fileio(os::Kernel& k, const std::string& path, std::string mode = "r",
                  io::Opener opener = nullptr) {
  return io::FileIO(k, path, {.mode = std::move(mode), .opener = std::move(opener)});
}

}  // namespace

// --- construction ------------------------------------------------------------------------

TEST_CASE_TEMPLATE("FileIO modes give CPython's mode attribute, abilities and open flags", F,
                   BL_CONTRACT_KERNELS) {
  // f = io.FileIO('f', m); (f.mode, f.readable(), f.writable(),
  //                        fcntl(F_GETFL), os.get_inheritable(fd), f.tell()) on a 10-byte file
  struct Case {
    const char* mode;
    const char* attribute;
    bool readable, writable;
    int flags;
    std::int64_t tell;
  };
  const Case cases[] = {
      {"r", "rb", true, false, O::RDONLY, 0},
      {"rb", "rb", true, false, O::RDONLY, 0},
      {"br", "rb", true, false, O::RDONLY, 0},
      {"+r", "rb+", true, true, O::RDWR, 0},
      {"r+", "rb+", true, true, O::RDWR, 0},
      {"w", "wb", false, true, O::WRONLY, 0},
      {"w+", "rb+", true, true, O::RDWR, 0},
      {"wb+", "rb+", true, true, O::RDWR, 0},
      {"a", "ab", false, true, O::WRONLY | O::APPEND, 10},
      {"a+", "ab+", true, true, O::RDWR | O::APPEND, 10},
      {"ab+", "ab+", true, true, O::RDWR | O::APPEND, 10},
  };
  for (const Case& c : cases) {
    CAPTURE(c.mode);
    Traced<F> t;
    const std::string p = t.put("f", "0123456789");
    io::FileIO f = fileio(t.k, p, c.mode);
    CHECK(f.mode() == c.attribute);
    CHECK(f.readable() == c.readable);
    CHECK(f.writable() == c.writable);
    CHECK(must(t.kernel.fcntl_getfl(static_cast<os::Fd>(f.fileno()))) == (c.flags | O::LARGEFILE));
    CHECK_FALSE(must(t.kernel.get_inheritable(static_cast<os::Fd>(f.fileno()))));
    CHECK(f.tell() == c.tell);
  }
}

TEST_CASE_TEMPLATE("FileIO mode x creates a new file and refuses an existing one", F,
                   BL_CONTRACT_KERNELS) {
  Traced<F> t;
  io::FileIO x = fileio(t.k, t.path("g"), "x");
  CHECK(x.mode() == "xb");
  CHECK(must(t.kernel.fcntl_getfl(static_cast<os::Fd>(x.fileno()))) == (O::WRONLY | O::LARGEFILE));
  CHECK(fileio(t.k, t.path("h"), "x+").mode() == "xb+");
  const std::string p = t.put("f", "0123456789");
  CHECK(raises([&] { fileio(t.k, p, "x"); }) ==
        "FileExistsError: [Errno 17] File exists: '" + p + "'");
}

TEST_CASE_TEMPLATE("FileIO rejects bad modes with CPython's messages", F, BL_CONTRACT_KERNELS) {
  Traced<F> t;
  const std::string p = t.put("f", "0123456789");
  // io.FileIO('f', m) for each m
  CHECK(raises([&] { fileio(t.k, p, "rt"); }) == "ValueError: invalid mode: rt");
  CHECK(raises([&] { fileio(t.k, p, "U"); }) == "ValueError: invalid mode: U");
  CHECK(raises([&] { fileio(t.k, p, "rU"); }) == "ValueError: invalid mode: rU");
  CHECK(raises([&] { fileio(t.k, p, "zrw"); }) == "ValueError: invalid mode: zrw");
  for (const char* mode : {"rw", "r++", "b", "", "+", "rr", "ra", "rwz", "r+b+", "wx", "a+r"}) {
    CAPTURE(mode);
    CHECK(raises([&] { fileio(t.k, p, mode); }) == kBadMode);
  }
  CHECK(t.contents("f") == "0123456789");
}

TEST_CASE_TEMPLATE("FileIO checks descriptor, NUL and mode before closefd, and closefd first", F,
                   BL_CONTRACT_KERNELS) {
  Traced<F> t;
  const std::string p = t.put("f", "0123456789");
  // io.FileIO(-1, 'z'); io.FileIO('a\0b', 'z'); io.FileIO('f', 'z', closefd=False);
  // io.FileIO('nonexist', closefd=False)
  CHECK(raises([&] { (void)io::FileIO(t.k, fd_name(-1)); }) ==
        "ValueError: negative file descriptor");
  CHECK(raises([&] { (void)io::FileIO(t.k, fd_name(-1), {.mode = "z"}); }) ==
        "ValueError: negative file descriptor");
  const std::string nul("a\0b", 3);
  CHECK(raises([&] { (void)io::FileIO(t.k, nul); }) == "ValueError: embedded null byte");
  CHECK(raises([&] { (void)io::FileIO(t.k, nul, {.mode = "z"}); }) ==
        "ValueError: embedded null byte");
  CHECK(raises([&] { (void)io::FileIO(t.k, p, {.mode = "z", .closefd = false}); }) ==
        "ValueError: invalid mode: z");
  CHECK(raises([&] { (void)io::FileIO(t.k, p, {.closefd = false}); }) ==
        "ValueError: Cannot use closefd=False with file name");
  CHECK(raises([&] { (void)io::FileIO(t.k, t.path("nonexist"), {.closefd = false}); }) ==
        "ValueError: Cannot use closefd=False with file name");
  CHECK(t.recorder.syscalls().empty());
}

TEST_CASE_TEMPLATE("FileIO open errors are OSError subclasses with errno and filename", F,
                   BL_CONTRACT_KERNELS) {
  Traced<F> t;
  must(t.kernel.mkdir(t.path("dir")));
  const std::string missing = t.path("nonexist/zz"), dir = t.path("dir");
  CHECK(raises([&] { fileio(t.k, missing); }) ==
        "FileNotFoundError: [Errno 2] No such file or directory: '" + missing + "'");
  CHECK(raises([&] { fileio(t.k, dir); }) ==
        "IsADirectoryError: [Errno 21] Is a directory: '" + dir + "'");
  CHECK(raises([&] { fileio(t.k, dir, "w"); }) ==
        "IsADirectoryError: [Errno 21] Is a directory: '" + dir + "'");
  CHECK(raises([&] { (void)io::FileIO(t.k, fd_name(contract::kBadFd)); }) ==
        "OSError: [Errno 9] Bad file descriptor");
}

TEST_CASE_TEMPLATE("FileIO closes a directory it opened itself", F, BL_CONTRACT_KERNELS) {
  // io.FileIO('dir'): openat(O_RDONLY|O_CLOEXEC) = 3, fstat = 0, close(3) = 0, then
  // IsADirectoryError.
  Traced<F> t;
  must(t.kernel.mkdir(t.path("dir")));
  const std::string dir = t.path("dir");
  (void)raises([&] { fileio(t.k, dir); });
  const os::Fd fd = must(t.kernel.open(dir, O::RDONLY));  // the lowest free descriptor again
  must(t.kernel.close(fd));
  CHECK(t.take(fd) == Calls{"openat(O_RDONLY|O_CLOEXEC)", "fstat()=0", "close()=0"});
}

TEST_CASE_TEMPLATE("FileIO of a directory descriptor names the descriptor and leaves it open", F,
                   BL_CONTRACT_KERNELS) {
  // fd = os.open('dir', O_RDONLY); io.FileIO(fd)
  //   -> IsADirectoryError: [Errno 21] Is a directory: 3   (e.filename == 3); os.fstat(fd) works
  Traced<F> t;
  must(t.kernel.mkdir(t.path("dir")));
  const os::Fd fd = must(t.kernel.open(t.path("dir"), O::RDONLY));
  CHECK(raises([&] { (void)io::FileIO(t.k, fd_name(fd)); }) ==
        "IsADirectoryError: [Errno 21] Is a directory: " + std::to_string(fd));
  CHECK(t.kernel.fstat(fd).ok());
  must(t.kernel.close(fd));
}

TEST_CASE_TEMPLATE("FileIO opens with O_CLOEXEC and mode 0666 and fstats once", F,
                   BL_CONTRACT_KERNELS) {
  // strace of io.FileIO('f', m) for each mode
  Traced<F> t;
  const std::string p = t.put("f", "0123456789");
  struct Case {
    const char* mode;
    Calls calls;
  };
  const Case cases[] = {
      {"r", {"openat(O_RDONLY|O_CLOEXEC)", "fstat()=0"}},
      {"w", {"openat(O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC,0666)", "fstat()=0"}},
      {"r+", {"openat(O_RDWR|O_CLOEXEC)", "fstat()=0"}},
  };
  for (const Case& c : cases) {
    CAPTURE(c.mode);
    t.clear();
    io::FileIO f = fileio(t.k, p, c.mode);
    const auto fd = static_cast<os::Fd>(f.fileno());
    CHECK(t.take(fd) == c.calls);
  }
  t.clear();
  io::FileIO x = fileio(t.k, t.path("xx"), "x");
  CHECK(t.take(static_cast<os::Fd>(x.fileno())) ==
        Calls{"openat(O_WRONLY|O_CREAT|O_EXCL|O_CLOEXEC,0666)", "fstat()=0"});
}

TEST_CASE_TEMPLATE("FileIO in append mode opens with O_APPEND and seeks to the end", F,
                   BL_CONTRACT_KERNELS) {
  // io.FileIO('f','a') on 10 bytes: openat(AT_FDCWD, "f", O_WRONLY|O_CREAT|O_APPEND|O_CLOEXEC,
  // 0666) = 3, fstat, lseek(3, 0, SEEK_END) = 10   (strace spells O_CREAT before O_APPEND)
  Traced<F> t;
  io::FileIO f = fileio(t.k, t.put("f", "0123456789"), "a");
  CHECK(t.take(static_cast<os::Fd>(f.fileno())) ==
        Calls{"openat(O_WRONLY|O_CREAT|O_APPEND|O_CLOEXEC,0666)", "fstat()=0",
              "lseek(0,SEEK_END)=10"});
}

TEST_CASE_TEMPLATE("opener returning a negative number is refused", F, BL_CONTRACT_KERNELS) {
  Traced<F> t;
  const std::string p = t.put("f", "0123456789");
  CHECK(raises([&] { fileio(t.k, p, "r", [](std::string_view, int) { return -1; }); }) ==
        "ValueError: opener returned -1");
  CHECK(raises([&] { fileio(t.k, p, "r", [](std::string_view, int) { return -5; }); }) ==
        "ValueError: opener returned -5");
}

TEST_CASE_TEMPLATE(
    "opener gets the path and flags with O_CLOEXEC; the result is made "
    "non-inheritable",
    F, BL_CONTRACT_KERNELS) {
  // seen = []; def op(p, fl): seen.append((p, oct(fl))); return os.open(p, fl & ~O_CLOEXEC)
  // FileIO('f','w',opener=op) -> 0o2001101, os.get_inheritable(fd) False; 'r' -> 0o2000000;
  // 'a+' -> 0o2002102; 'x' -> 0o2000301
  Traced<F> t;
  const std::string p = t.put("f", "0123456789");
  std::string seen_path;
  int seen_flags = -1;
  io::Opener op = [&](std::string_view path, int flags) -> std::int64_t {
    seen_path = std::string(path);
    seen_flags = flags;
    return must(t.kernel.open(path, flags & ~O::CLOEXEC, 0666));
  };
  io::FileIO w = fileio(t.k, p, "w", op);
  CHECK(seen_path == p);
  CHECK(seen_flags == 02001101);
  CHECK_FALSE(must(t.kernel.get_inheritable(static_cast<os::Fd>(w.fileno()))));
  CHECK(w.name() == io::Name{p});
  CHECK(w.mode() == "wb");
  (void)fileio(t.k, p, "r", op);
  CHECK(seen_flags == 02000000);
  (void)fileio(t.k, p, "a+", op);
  CHECK(seen_flags == 02002102);
  (void)fileio(t.k, t.path("newx"), "x", op);
  CHECK(seen_flags == 02000301);
}

TEST_CASE_TEMPLATE("a FileIO made with an opener sets FIOCLEX again", F, BL_CONTRACT_KERNELS) {
  // io.FileIO('f', 'r', opener=os.open): openat(O_RDONLY|O_CLOEXEC) = 3, ioctl(3, FIOCLEX),
  // fstat
  Traced<F> t;
  const std::string p = t.put("f", "0123456789");
  io::FileIO f = fileio(
      t.k, p, "r", [&](std::string_view path, int flags) { return must(t.k.open(path, flags)); });
  CHECK(t.take(static_cast<os::Fd>(f.fileno())) ==
        Calls{"openat(O_RDONLY|O_CLOEXEC)", "ioctl(FIOCLEX)=0", "fstat()=0"});
}

// --- append mode ---------------------------------------------------------------------------

TEST_CASE_TEMPLATE("append mode seeks to the end at once, so tell() is right", F,
                   BL_CONTRACT_KERNELS) {
  // open('ap','wb').write(b'hello'); f = io.FileIO('ap','a'); f.tell() -> 5; f.seek(0);
  // f.write(b'Z'); f.tell() -> 6; file b'helloZ'
  Traced<F> t;
  const std::string p = t.put("ap", "hello");
  {
    io::FileIO f = fileio(t.k, p, "a");
    CHECK(f.tell() == 5);
    f.seek(0);
    f.write(iotest::bytes("Z"));
    CHECK(f.tell() == 6);
  }
  CHECK(t.contents("ap") == "helloZ");
}

TEST_CASE_TEMPLATE("a+ reads anywhere but writes at the end", F, BL_CONTRACT_KERNELS) {
  // f = io.FileIO('ap','a+'): tell 5; seek(0); read(2) b'he'; write(b'Z'); tell 6
  Traced<F> t;
  const std::string p = t.put("ap", "hello");
  {
    io::FileIO f = fileio(t.k, p, "a+");
    CHECK(f.tell() == 5);
    f.seek(0);
    CHECK(str(f.read(2)) == "he");
    f.write(iotest::bytes("Z"));
    CHECK(f.tell() == 6);
  }
  CHECK(t.contents("ap") == "helloZ");
}

TEST_CASE_TEMPLATE("append mode's first lseek answers seekable()", F, BL_CONTRACT_KERNELS) {
  // f = io.FileIO('f','a') -> ..., lseek(0,SEEK_END)=10; f.seekable() -> no syscall
  Traced<F> t;
  const std::string p = t.put("f", "0123456789");
  io::FileIO f = fileio(t.k, p, "a");
  const auto fd = static_cast<os::Fd>(f.fileno());
  t.clear();
  CHECK(f.seekable());
  f.write(iotest::bytes("Z"));
  CHECK(t.take(fd) == Calls{"write(1)=1"});
}

TEST_CASE_TEMPLATE("append mode on a pipe ignores ESPIPE and knows it cannot seek", F,
                   BL_CONTRACT_KERNELS) {
  // r, w = os.pipe(); f = io.FileIO(w, 'a'): fstat, lseek(0,SEEK_END) = -1 ESPIPE;
  // f.seekable() -> False without a syscall
  Traced<F> t;
  const auto ends = must(t.kernel.pipe());
  const os::Fd r = ends.first, w = ends.second;
  {
    io::FileIO f(t.k, fd_name(w), {.mode = "a"});
    CHECK_FALSE(f.seekable());
    CHECK(t.take(w) == Calls{"fstat()=0", "lseek(0,SEEK_END)=-1 ESPIPE"});
  }
  must(t.kernel.close(r));
}

// --- reading ---------------------------------------------------------------------------------

TEST_CASE_TEMPLATE("read(n) and readinto are one read(n) each", F, BL_CONTRACT_KERNELS) {
  Traced<F> t;
  const std::string p = t.put("f", "0123456789");
  io::FileIO f = fileio(t.k, p);
  const auto fd = static_cast<os::Fd>(f.fileno());
  t.clear();
  CHECK(str(f.read(3)) == "012");
  CHECK(str(f.read(0)) == "");
  std::string four(4, '\0'), none;
  CHECK(f.readinto(contract::writable(four)) == 4);
  CHECK(four == "3456");
  CHECK(f.readinto(contract::writable(none)) == 0);
  CHECK(t.take(fd) == Calls{"read(3)=3", "read(0)=0", "read(4)=4", "read(0)=0"});
}

TEST_CASE_TEMPLATE("readall sizes its buffer from fstat and the position", F, BL_CONTRACT_KERNELS) {
  // at 7 of 10: lseek(0,SEEK_CUR)=7, fstat, read(4)=3, read(1)=0; at the end:
  // lseek=10, fstat, read(1)=0
  Traced<F> t;
  const std::string p = t.put("f", "0123456789");
  io::FileIO f = fileio(t.k, p);
  const auto fd = static_cast<os::Fd>(f.fileno());
  f.seek(7);
  t.clear();
  CHECK(str(f.readall()) == "789");
  CHECK(t.take(fd) == Calls{"lseek(0,SEEK_CUR)=7", "fstat()=0", "read(4)=3", "read(1)=0"});
  CHECK(str(f.read()) == "");
  CHECK(t.take(fd) == Calls{"lseek(0,SEEK_CUR)=10", "fstat()=0", "read(1)=0"});
}

TEST_CASE_TEMPLATE("readall of a large file is one read of size+1, then read(1)", F,
                   BL_CONTRACT_KERNELS) {
  // open('big','wb').write(b'x'*100000); f = io.FileIO('big'); f.readall():
  //   read(100001)=100000, read(1)=0; f.seek(10); f.read(): read(99991)=99990, read(1)=0
  Traced<F> t;
  const std::string p = t.put("big", std::string(100000, 'x'));
  io::FileIO f = fileio(t.k, p);
  const auto fd = static_cast<os::Fd>(f.fileno());
  t.clear();
  CHECK(f.readall()->size() == 100000);
  CHECK(t.take(fd) ==
        Calls{"lseek(0,SEEK_CUR)=0", "fstat()=0", "read(100001)=100000", "read(1)=0"});
  f.seek(10);
  t.clear();
  CHECK(f.read(-1)->size() == 99990);
  CHECK(t.take(fd) == Calls{"lseek(0,SEEK_CUR)=10", "fstat()=0", "read(99991)=99990", "read(1)=0"});
}

TEST_CASE_TEMPLATE("readall of an empty file starts with 8192", F, BL_CONTRACT_KERNELS) {
  Traced<F> t;
  const std::string p = t.put("empty", "");
  io::FileIO f = fileio(t.k, p);
  const auto fd = static_cast<os::Fd>(f.fileno());
  t.clear();
  CHECK(str(f.readall()) == "");
  CHECK(t.take(fd) == Calls{"lseek(0,SEEK_CUR)=0", "fstat()=0", "read(8192)=0"});
}

TEST_CASE_TEMPLATE("read with any negative size reads everything", F, BL_CONTRACT_KERNELS) {
  // io.FileIO('f').read(-5) -> b'0123456789'
  Traced<F> t;
  const std::string p = t.put("f", "0123456789");
  io::FileIO f = fileio(t.k, p);
  CHECK(str(f.read(-5)) == "0123456789");
}

TEST_CASE_TEMPLATE("readall of a pipe grows 8192, 8448, 16896, 33792", F, BL_CONTRACT_KERNELS) {
  // r, w = os.pipe(); os.write(w, b'p'*65536); os.close(w); io.FileIO(r).readall():
  //   lseek = -1 ESPIPE, fstat, read(8192)=8192, read(8448)=8448, read(16896)=16896,
  //   read(33792)=32000, read(1792)=0
  Traced<F> t;
  const auto ends = must(t.kernel.pipe());
  const os::Fd r = ends.first, w = ends.second;
  REQUIRE(must(t.kernel.write(w, os::as_bytes(std::string(65536, 'p')))) == 65536);
  must(t.kernel.close(w));
  io::FileIO f(t.k, fd_name(r));
  t.clear();
  CHECK(f.readall()->size() == 65536);
  CHECK(t.take(r) == Calls{"lseek(0,SEEK_CUR)=-1 ESPIPE", "fstat()=0", "read(8192)=8192",
                           "read(8448)=8448", "read(16896)=16896", "read(33792)=32000",
                           "read(1792)=0"});
}

TEST_CASE_TEMPLATE("readall of a short pipe stops at the first empty read", F,
                   BL_CONTRACT_KERNELS) {
  // 20000 bytes: read(8192)=8192, read(8448)=8448, read(16896)=3360, read(13536)=0
  Traced<F> t;
  const auto ends = must(t.kernel.pipe());
  const os::Fd r = ends.first, w = ends.second;
  REQUIRE(must(t.kernel.write(w, os::as_bytes(std::string(20000, 'q')))) == 20000);
  must(t.kernel.close(w));
  io::FileIO f(t.k, fd_name(r));
  t.clear();
  CHECK(f.readall()->size() == 20000);
  CHECK(t.take(r) == Calls{"lseek(0,SEEK_CUR)=-1 ESPIPE", "fstat()=0", "read(8192)=8192",
                           "read(8448)=8448", "read(16896)=3360", "read(13536)=0"});
}

TEST_CASE_TEMPLATE("a non-blocking pipe gives None for reads and writes that would block", F,
                   BL_CONTRACT_KERNELS) {
  // r, w = os.pipe2(os.O_NONBLOCK): fr.read(10), fr.readall(), fr.readinto(bytearray(5)),
  // fr.read() are all None; after fw.write(b'xyz') fr.readall() == b'xyz';
  // fw.write(b'z'*70000) == 65536, then fw.write(b'q') is None
  Traced<F> t;
  const auto ends = must(t.kernel.pipe(O::NONBLOCK));
  const os::Fd r = ends.first, w = ends.second;
  io::FileIO fr(t.k, fd_name(r));
  io::FileIO fw(t.k, fd_name(w), {.mode = "w"});
  t.clear();
  CHECK_FALSE(fr.read(10).has_value());
  CHECK_FALSE(fr.readall().has_value());
  std::string five(5, '\0');
  CHECK_FALSE(fr.readinto(contract::writable(five)).has_value());
  CHECK_FALSE(fr.read().has_value());
  CHECK(t.take(r) == Calls{"read(10)=-1 EAGAIN", "lseek(0,SEEK_CUR)=-1 ESPIPE", "fstat()=0",
                           "read(8192)=-1 EAGAIN", "read(5)=-1 EAGAIN",
                           "lseek(0,SEEK_CUR)=-1 ESPIPE", "fstat()=0", "read(8192)=-1 EAGAIN"});
  fw.write(iotest::bytes("xyz"));
  t.clear();
  CHECK(str(fr.readall()) == "xyz");
  CHECK(t.take(r) ==
        Calls{"lseek(0,SEEK_CUR)=-1 ESPIPE", "fstat()=0", "read(8192)=3", "read(8189)=-1 EAGAIN"});
  CHECK(fw.write(os::as_bytes(std::string(70000, 'z'))) == 65536);
  CHECK_FALSE(fw.write(iotest::bytes("q")).has_value());
  CHECK(t.take(w) == Calls{"write(70000)=65536", "write(1)=-1 EAGAIN"});
}

TEST_CASE_TEMPLATE("a reader refuses writes and a writer refuses reads", F, BL_CONTRACT_KERNELS) {
  Traced<F> t;
  const std::string p = t.put("f", "0123456789");
  io::FileIO r = fileio(t.k, p);
  io::FileIO w = fileio(t.k, t.path("f2"), "w");
  std::string buf(2, '\0');
  CHECK(raises([&] { r.write(iotest::bytes("x")); }) == kNotWriting);
  CHECK(raises([&] { r.truncate(); }) == kNotWriting);
  CHECK(raises([&] { r.truncate(0); }) == kNotWriting);
  CHECK(raises([&] { r.writelines({Bytes::from("x")}); }) == kNotWriting);
  CHECK(raises([&] { w.read(); }) == kNotReading);
  CHECK(raises([&] { w.read(1); }) == kNotReading);
  CHECK(raises([&] { w.readinto(contract::writable(buf)); }) == kNotReading);
  CHECK(raises([&] { w.readline(); }) == kNotReading);
  CHECK(raises([&] { w.readlines(); }) == kNotReading);
  CHECK(t.contents("f") == "0123456789");
}

TEST_CASE_TEMPLATE("readall on a writer fails in the read syscall", F, BL_CONTRACT_KERNELS) {
  // io.FileIO('f2','w').readall() -> OSError: [Errno 9] Bad file descriptor
  // (readall checks only for a closed file, then lseek, fstat, read -> EBADF)
  Traced<F> t;
  io::FileIO w = fileio(t.k, t.path("f2"), "w");
  CHECK(raises([&] { w.readall(); }) == "OSError: [Errno 9] Bad file descriptor");
}

// --- writing ---------------------------------------------------------------------------------

TEST_CASE_TEMPLATE("write is one write of the whole buffer, even an empty one", F,
                   BL_CONTRACT_KERNELS) {
  // f = io.FileIO('mw','w'); f.write(b'') -> 0 (write(0)=0); f.write(b'hello') -> 5
  Traced<F> t;
  {
    io::FileIO f = fileio(t.k, t.path("mw"), "w");
    const auto fd = static_cast<os::Fd>(f.fileno());
    t.clear();
    CHECK(f.write(iotest::bytes("")) == 0);
    CHECK(f.write(iotest::bytes("hello")) == 5);
    CHECK(f.write(iotest::bytes("!")) == 1);
    CHECK(t.take(fd) == Calls{"write(0)=0", "write(5)=5", "write(1)=1"});
  }
  CHECK(t.contents("mw") == "hello!");
}

TEST_CASE_TEMPLATE("writelines writes each item in turn", F, BL_CONTRACT_KERNELS) {
  // f = io.FileIO('wl','w'); f.writelines([b'ab', b'', b'c']) -> None; file b'abc'
  Traced<F> t;
  {
    io::FileIO f = fileio(t.k, t.path("wl"), "w");
    f.writelines({Bytes::from("ab"), Bytes(), Bytes::from("c")});
  }
  CHECK(t.contents("wl") == "abc");
}

TEST_CASE_TEMPLATE("w+ reads back what it wrote", F, BL_CONTRACT_KERNELS) {
  Traced<F> t;
  const std::string p = t.put("f", "0123456789");
  io::FileIO f = fileio(t.k, p, "w+");
  f.write(iotest::bytes("abc"));
  f.seek(0);
  CHECK(str(f.read()) == "abc");
}

// --- positioning -----------------------------------------------------------------------------

TEST_CASE_TEMPLATE("seek and tell are plain lseeks and the kernel validates", F,
                   BL_CONTRACT_KERNELS) {
  // f = io.FileIO('f','r+') on b'0123456789'
  Traced<F> t;
  const std::string p = t.put("f", "0123456789");
  io::FileIO f = fileio(t.k, p, "r+");
  CHECK(f.seek(5) == 5);
  CHECK(f.seek(2, 1) == 7);
  CHECK(f.seek(-3, 2) == 7);
  CHECK(f.seek(20) == 20);
  CHECK(f.tell() == 20);
  CHECK(str(f.read()) == "");
  CHECK(f.seek(0, 3) == 0);   // SEEK_DATA
  CHECK(f.seek(0, 4) == 10);  // SEEK_HOLE
  const std::string einval = "OSError: [Errno 22] Invalid argument";
  CHECK(raises([&] { f.seek(-1); }) == einval);
  CHECK(raises([&] { f.seek(-100, 1); }) == einval);
  CHECK(raises([&] { f.seek(0, 7); }) == einval);
  CHECK(raises([&] { f.seek(0, 5); }) == einval);
  CHECK(raises([&] { f.seek(20, 3); }) == "OSError: [Errno 6] No such device or address");
  CHECK(f.tell() == 10);
}

TEST_CASE_TEMPLATE("seek, tell and truncate issue exactly CPython's syscalls", F,
                   BL_CONTRACT_KERNELS) {
  // f = io.FileIO('f','w'); f.write(b'hello'); f.tell(); f.seekable(); f.truncate();
  // f.truncate(2); f.seek(1); f.seek(0, 2)
  Traced<F> t;
  io::FileIO f = fileio(t.k, t.path("f"), "w");
  const auto fd = static_cast<os::Fd>(f.fileno());
  f.write(iotest::bytes("hello"));
  t.clear();
  CHECK(f.tell() == 5);
  CHECK(f.seekable());
  CHECK(f.truncate() == 5);
  CHECK(f.truncate(2) == 2);
  CHECK(f.seek(1) == 1);
  CHECK(f.seek(0, 2) == 2);
  CHECK(t.take(fd) == Calls{"lseek(0,SEEK_CUR)=5", "lseek(0,SEEK_CUR)=5", "ftruncate(5)=0",
                            "ftruncate(2)=0", "lseek(1,SEEK_SET)=1", "lseek(0,SEEK_END)=2"});
}

TEST_CASE_TEMPLATE("truncate never moves the position", F, BL_CONTRACT_KERNELS) {
  // f = io.FileIO('f','r+') on 100 bytes; f.seek(0,2); f.truncate(50) -> 50; f.tell() -> 100;
  // f.seek(10); f.truncate() -> 10; tell 10, size 10; f.truncate(200) -> 200; tell 10, size 200
  Traced<F> t;
  const std::string p = t.put("f", std::string(100, 'x'));
  io::FileIO f = fileio(t.k, p, "r+");
  f.seek(0, 2);
  CHECK(f.truncate(50) == 50);
  CHECK(f.tell() == 100);
  f.seek(10);
  CHECK(f.truncate() == 10);
  CHECK(f.tell() == 10);
  CHECK(t.contents("f").size() == 10);
  CHECK(f.truncate(200) == 200);
  CHECK(f.tell() == 10);
  CHECK(t.contents("f").size() == 200);
}

TEST_CASE_TEMPLATE("seek and tell on a pipe raise ESPIPE", F, BL_CONTRACT_KERNELS) {
  // r, w = os.pipe(); fr = io.FileIO(r,'r'): fr.seekable() False, fr.seek(0) and fr.tell()
  // -> OSError: [Errno 29] Illegal seek; name 3; repr <_io.FileIO name=3 mode='rb' closefd=True>
  Traced<F> t;
  const auto ends = must(t.kernel.pipe());
  const os::Fd r = ends.first, w = ends.second;
  io::FileIO fr(t.k, fd_name(r));
  io::FileIO fw(t.k, fd_name(w), {.mode = "w"});
  CHECK_FALSE(fr.seekable());
  CHECK_FALSE(fw.seekable());
  CHECK(raises([&] { fr.seek(0); }) == "OSError: [Errno 29] Illegal seek");
  CHECK(raises([&] { fr.tell(); }) == "OSError: [Errno 29] Illegal seek");
  CHECK(fr.name() == fd_name(r));
  CHECK(fr.repr() == "<_io.FileIO name=" + std::to_string(r) + " mode='rb' closefd=True>");
  fw.write(iotest::bytes("abc"));
  fw.close();
  CHECK(str(fr.readall()) == "abc");
  CHECK(str(fr.read()) == "");
}

TEST_CASE_TEMPLATE("seekable() asks once; tell and seek answer it too, readall does not", F,
                   BL_CONTRACT_KERNELS) {
  // f = io.FileIO('f'): f.readall(); f.seekable() -> lseek(0,SEEK_CUR)=10; f.seekable() -> none
  Traced<F> t;
  const std::string p = t.put("f", "0123456789");
  io::FileIO f = fileio(t.k, p);
  const auto fd = static_cast<os::Fd>(f.fileno());
  f.readall();
  t.clear();
  CHECK(f.seekable());
  CHECK(f.seekable());
  CHECK(t.take(fd) == Calls{"lseek(0,SEEK_CUR)=10"});
  io::FileIO g = fileio(t.k, p);
  g.tell();
  t.clear();
  CHECK(g.seekable());
  CHECK(t.take(static_cast<os::Fd>(g.fileno())).empty());
}

TEST_CASE_TEMPLATE("seekable() of a pipe is one failed lseek, then cached", F,
                   BL_CONTRACT_KERNELS) {
  Traced<F> t;
  const auto ends = must(t.kernel.pipe());
  const os::Fd r = ends.first, w = ends.second;
  must(t.kernel.close(w));
  io::FileIO f(t.k, fd_name(r));
  t.clear();
  CHECK_FALSE(f.seekable());
  CHECK_FALSE(f.seekable());
  CHECK(t.take(r) == Calls{"lseek(0,SEEK_CUR)=-1 ESPIPE"});
}

TEST_CASE_TEMPLATE("a failed tell() on a pipe caches seekable() as False", F, BL_CONTRACT_KERNELS) {
  Traced<F> t;
  const auto ends = must(t.kernel.pipe());
  const os::Fd r = ends.first, w = ends.second;
  must(t.kernel.close(w));
  io::FileIO f(t.k, fd_name(r));
  (void)raises([&] { f.tell(); });
  t.clear();
  CHECK_FALSE(f.seekable());
  CHECK(t.take(r).empty());
}

// --- queries ---------------------------------------------------------------------------------

TEST_CASE_TEMPLATE("isatty asks the kernel every time", F, BL_CONTRACT_KERNELS) {
  Traced<F> t;
  const std::string p = t.put("f", "0123456789");
  io::FileIO f = fileio(t.k, p);
  const auto fd = static_cast<os::Fd>(f.fileno());
  t.clear();
  CHECK_FALSE(f.isatty());
  CHECK_FALSE(f.isatty());
  CHECK(t.take(fd) == Calls{"ioctl(TCGETS)=-1 ENOTTY", "ioctl(TCGETS)=-1 ENOTTY"});
}

TEST_CASE_TEMPLATE("fileno, readable, writable and flush cost no syscall", F, BL_CONTRACT_KERNELS) {
  Traced<F> t;
  const std::string p = t.put("f", "0123456789");
  io::FileIO f = fileio(t.k, p);
  const auto fd = static_cast<os::Fd>(f.fileno());
  t.clear();
  CHECK(f.fileno() == fd);
  CHECK(f.readable());
  CHECK_FALSE(f.writable());
  f.flush();
  f.enter();
  CHECK(t.recorder.syscalls().empty());
}

TEST_CASE_TEMPLATE("_blksize is the file's st_blksize", F, BL_CONTRACT_KERNELS) {
  // io.FileIO('f')._blksize -> 4096
  Traced<F> t;
  const std::string p = t.put("f", "0123456789");
  CHECK(fileio(t.k, p).blksize() == 4096);
}

// --- name, mode, closefd, repr, close -----------------------------------------------------------

TEST_CASE_TEMPLATE("FileIO reprs show name, mode and closefd; a closed one shows [closed]", F,
                   BL_CONTRACT_KERNELS) {
  // repr(io.FileIO('f')) -> <_io.FileIO name='f' mode='rb' closefd=True>; after close:
  // <_io.FileIO [closed]>, and f.name, f.mode still answer
  Traced<F> t;
  const std::string p = t.put("f", "0123456789");
  io::FileIO f = fileio(t.k, p);
  CHECK(f.repr() == "<_io.FileIO name='" + p + "' mode='rb' closefd=True>");
  f.close();
  CHECK(f.repr() == "<_io.FileIO [closed]>");
  CHECK(f.closed());
  CHECK(f.name() == io::Name{p});
  CHECK(f.mode() == "rb");
  CHECK(fileio(t.k, p, "w").repr() == "<_io.FileIO name='" + p + "' mode='wb' closefd=True>");
  CHECK(fileio(t.k, p, "a+").repr() == "<_io.FileIO name='" + p + "' mode='ab+' closefd=True>");
  const std::string quoted = t.path("it's");
  CHECK(fileio(t.k, quoted, "w").repr() ==
        "<_io.FileIO name=\"" + quoted + "\" mode='wb' closefd=True>");
}

TEST_CASE_TEMPLATE("FileIO of a descriptor is named by the number; closefd decides the close", F,
                   BL_CONTRACT_KERNELS) {
  // fd = os.open('f', O_RDONLY); f = io.FileIO(fd, closefd=False): name 3,
  // <_io.FileIO name=3 mode='rb' closefd=False>; f.close(); os.fstat(fd) works;
  // io.FileIO(fd).close(); os.fstat(fd) -> [Errno 9] Bad file descriptor
  Traced<F> t;
  const std::string p = t.put("f", "0123456789");
  const os::Fd fd = must(t.kernel.open(p, O::RDONLY));
  io::FileIO f(t.k, fd_name(fd), {.closefd = false});
  CHECK(f.name() == fd_name(fd));
  CHECK_FALSE(f.closefd());
  CHECK(f.mode() == "rb");
  CHECK(f.repr() == "<_io.FileIO name=" + std::to_string(fd) + " mode='rb' closefd=False>");
  f.close();
  CHECK(t.kernel.fstat(fd).ok());
  io::FileIO g(t.k, fd_name(fd));
  CHECK(g.closefd());
  CHECK(g.repr() == "<_io.FileIO name=" + std::to_string(fd) + " mode='rb' closefd=True>");
  g.close();
  CHECK(t.kernel.fstat(fd).error() == os::Errno::ebadf);
}

TEST_CASE_TEMPLATE("close closes the descriptor once", F, BL_CONTRACT_KERNELS) {
  Traced<F> t;
  const std::string p = t.put("f", "0123456789");
  io::FileIO f = fileio(t.k, p);
  const auto fd = static_cast<os::Fd>(f.fileno());
  t.clear();
  f.close();
  f.close();
  CHECK(t.take(fd) == Calls{"close()=0"});
}

TEST_CASE_TEMPLATE("a failing close(2) raises, and the FileIO is closed anyway", F,
                   BL_CONTRACT_KERNELS) {
  // fd = os.open('f', O_RDONLY); f = io.FileIO(fd); os.close(fd); f.close() -> close(3) = -1
  // EBADF, OSError: [Errno 9] Bad file descriptor; f.closed -> True
  Traced<F> t;
  const os::Fd fd = must(t.kernel.open(t.put("f", "0123456789"), O::RDONLY));
  io::FileIO f(t.k, fd_name(fd));
  must(t.kernel.close(fd));
  t.clear();
  CHECK(raises([&] { f.close(); }) == "OSError: [Errno 9] Bad file descriptor");
  CHECK(t.take(fd) == Calls{"close()=-1 EBADF"});
  CHECK(f.closed());
}

TEST_CASE_TEMPLATE("every method of a closed FileIO raises, IOBase's with a period", F,
                   BL_CONTRACT_KERNELS) {
  Traced<F> t;
  const std::string p = t.put("f", "0123456789");
  io::FileIO f = fileio(t.k, p, "r+");
  f.close();
  std::string buf(3, '\0');
  CHECK(raises([&] { f.read(); }) == kClosed);
  CHECK(raises([&] { f.read(5); }) == kClosed);
  CHECK(raises([&] { f.readall(); }) == kClosed);
  CHECK(raises([&] { f.readinto(contract::writable(buf)); }) == kClosed);
  CHECK(raises([&] { f.write(iotest::bytes("x")); }) == kClosed);
  CHECK(raises([&] { f.seek(0); }) == kClosed);
  CHECK(raises([&] { f.tell(); }) == kClosed);
  CHECK(raises([&] { f.truncate(); }) == kClosed);
  CHECK(raises([&] { f.fileno(); }) == kClosed);
  CHECK(raises([&] { f.isatty(); }) == kClosed);
  CHECK(raises([&] { f.readable(); }) == kClosed);
  CHECK(raises([&] { f.writable(); }) == kClosed);
  CHECK(raises([&] { f.seekable(); }) == kClosed);
  CHECK(raises([&] { f.readline(); }) == kClosed);
  CHECK(raises([&] { f.next(); }) == kClosed);
  CHECK(raises([&] { f.flush(); }) == kClosedPeriod);
  CHECK(raises([&] { f.readlines(); }) == kClosedPeriod);
  CHECK(raises([&] { f.writelines({Bytes::from("a")}); }) == kClosedPeriod);
  CHECK(raises([&] { f.enter(); }) == kClosedPeriod);
  CHECK(raises([&] { f.iter(); }) == kClosedPeriod);
  CHECK(raises([&] { f.close(); }) == "");
}

// --- lines (IOBase over an unbuffered stream)
// ------------------------------------------------------

TEST_CASE_TEMPLATE("unbuffered readline reads one byte per call", F, BL_CONTRACT_KERNELS) {
  // f = io.FileIO('l') on b'ab\ncd\n': readline() -> read(1) x3, again x3, then read(1)=0;
  // f.seek(0); f.readline(2) -> read(1) x2; f.seek(0); f.readlines() -> read(1) x6, read(1)=0
  Traced<F> t;
  const std::string p = t.put("l", "ab\ncd\n");
  io::FileIO f = fileio(t.k, p);
  const auto fd = static_cast<os::Fd>(f.fileno());
  t.clear();
  const Calls one = {"read(1)=1"};
  CHECK(str(f.readline()) == "ab\n");
  CHECK(t.take(fd) == Calls{"read(1)=1", "read(1)=1", "read(1)=1"});
  CHECK(str(f.readline()) == "cd\n");
  CHECK(t.take(fd) == Calls{"read(1)=1", "read(1)=1", "read(1)=1"});
  CHECK(str(f.readline()) == "");
  CHECK(t.take(fd) == Calls{"read(1)=0"});
  f.seek(0);
  t.clear();
  CHECK(str(f.readline(2)) == "ab");
  CHECK(t.take(fd) == Calls{"read(1)=1", "read(1)=1"});
  f.seek(0);
  t.clear();
  CHECK(f.readlines().size() == 2);
  CHECK(t.take(fd) == Calls{"read(1)=1", "read(1)=1", "read(1)=1", "read(1)=1", "read(1)=1",
                            "read(1)=1", "read(1)=0"});
}

TEST_CASE_TEMPLATE("readline limits, readlines hints and iteration on FileIO", F,
                   BL_CONTRACT_KERNELS) {
  // f = io.FileIO('l') on b'a\nbb\nccc\n': readline() b'a\n', readline(1) b'b', readline()
  // b'b\n', readline(-1) b'ccc\n', readline() b''; readlines(3) [b'a\n', b'bb\n'];
  // readlines() and list(f) all three; readlines(0) all three
  Traced<F> t;
  const std::string p = t.put("l", "a\nbb\nccc\n");
  io::FileIO f = fileio(t.k, p);
  CHECK(str(f.readline()) == "a\n");
  CHECK(str(f.readline(1)) == "b");
  CHECK(str(f.readline()) == "b\n");
  CHECK(str(f.readline(-1)) == "ccc\n");
  CHECK(str(f.readline()) == "");
  auto strs = [](const std::vector<Bytes>& lines) {
    Calls out;
    for (const Bytes& line : lines) out.push_back(str(line));
    return out;
  };
  const Calls all = {"a\n", "bb\n", "ccc\n"};
  f.seek(0);
  CHECK(strs(f.readlines(3)) == Calls{"a\n", "bb\n"});
  f.seek(0);
  CHECK(strs(f.readlines()) == all);
  f.seek(0);
  CHECK(strs(f.readlines(0)) == all);
  f.seek(0);
  Calls iterated;
  f.iter();
  for (;;) {
    try {
      iterated.push_back(str(f.next()));
    } catch (const StopIteration&) {
      break;
    }
  }
  CHECK(iterated == all);
}
