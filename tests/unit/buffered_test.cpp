// BufferedReader, BufferedWriter, BufferedRandom and BufferedRWPair on both kernels. Every
// expected value and syscall was produced by CPython 3.11.7 under strace (st_blksize 4096, so
// open() gives 4096-byte buffers), e.g. reference §15.1:
//   f = open(p, 'rb'); f.read(10); f.read(10000); f.read()   (100000-byte file)
//   read(3, ..., 4096) = 4096; read(4096) = 4096; read(4096) = 4096; lseek(3, 0, SEEK_CUR) =
//   12288; newfstatat(3, ...); read(3, ..., 87713) = 87712; read(3, ..., 1) = 0
#include <doctest/doctest.h>

#include <algorithm>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "io_helpers.hpp"

using namespace bl;
using bl::buffer::Bytes;
using iotest::bytes;
using iotest::Calls;
using iotest::fd_name;
using iotest::must;
using iotest::raises;
using iotest::str;
using iotest::Traced;
namespace O = os::O;

namespace {

// open(path, mode, buffering) for the binary modes, as the buffered object it returns.
std::shared_ptr<io::Buffered> bopen(os::Kernel& k, const std::string& path, std::string mode,
                                    std::int64_t buffering = -1) {
  auto f = std::dynamic_pointer_cast<io::Buffered>(
      io::open(k, path, {.mode = std::move(mode), .buffering = buffering}));
  REQUIRE(f);
  return f;
}

std::shared_ptr<io::FileIO> raw(os::Kernel& k, io::Name file, std::string mode = "r",
                                bool closefd = true) {
  return std::make_shared<io::FileIO>(
      k, std::move(file), io::FileIOOptions{.mode = std::move(mode), .closefd = closefd});
}

os::Fd fd_of(io::IOBase& f) { return static_cast<os::Fd>(f.fileno()); }

std::string readinto(io::BufferedIOBase& f, std::size_t n, bool one = false) {
  std::string buf(n, '\0');
  std::optional<std::int64_t> got =
      one ? f.readinto1(contract::writable(buf)) : f.readinto(contract::writable(buf));
  if (!got) return "<None>";
  buf.resize(static_cast<std::size_t>(*got));
  return buf;
}

// Each method of a buffered object, with what it raised ("ok" when nothing), in the order of
// the CPython script that produced the expectations.
Calls every_method(io::Buffered& f) {
  const std::vector<std::pair<const char*, std::function<void()>>> ops = {
      {"read", [&] { f.read(); }},
      {"read5", [&] { f.read(5); }},
      {"read1", [&] { f.read1(5); }},
      {"peek", [&] { f.peek(); }},
      {"readinto", [&] { readinto(f, 3); }},
      {"readinto1", [&] { readinto(f, 3, true); }},
      {"readline", [&] { f.readline(); }},
      {"readlines", [&] { f.readlines(); }},
      {"next", [&] { f.next(); }},
      {"iter", [&] { f.iter(); }},
      {"write", [&] { f.write(bytes("x")); }},
      {"writelines", [&] { f.writelines({Bytes::from("x")}); }},
      {"seek", [&] { f.seek(0); }},
      {"tell", [&] { f.tell(); }},
      {"truncate", [&] { f.truncate(); }},
      {"flush", [&] { f.flush(); }},
      {"fileno", [&] { f.fileno(); }},
      {"isatty", [&] { f.isatty(); }},
      {"readable", [&] { f.readable(); }},
      {"writable", [&] { f.writable(); }},
      {"seekable", [&] { f.seekable(); }},
      {"name", [&] { f.name(); }},
      {"mode", [&] { f.mode(); }},
      {"closed", [&] { (void)f.closed(); }},
      {"enter", [&] { f.enter(); }},
      {"detach", [&] { f.detach(); }},
      {"close", [&] { f.close(); }},
  };
  Calls out;
  for (const auto& op : ops) {
    const std::string error = raises(op.second);
    out.push_back(std::string(op.first) + ": " + (error.empty() ? "ok" : error));
  }
  return out;
}

}  // namespace

// --- BufferedReader ------------------------------------------------------------------------------

TEST_CASE_TEMPLATE("read(n) fills a 4096 buffer, large reads go direct, read() is readall", F,
                   BL_CONTRACT_KERNELS) {
  // §15.1: f = open(p,'rb'); f.read(10); f.read(10000); f.read() on 100000 bytes
  Traced<F> t;
  const std::string data = iotest::ramp(100000);
  auto f = bopen(t.k, t.put("f", data), "rb");
  const os::Fd fd = fd_of(*f);
  t.clear();
  CHECK(str(f->read(10)) == data.substr(0, 10));
  CHECK(t.take(fd) == Calls{"read(4096)=4096"});
  CHECK(str(f->read(10000)) == data.substr(10, 10000));
  CHECK(t.take(fd) == Calls{"read(4096)=4096", "read(4096)=4096"});
  CHECK(str(f->read()) == data.substr(10010));
  CHECK(t.take(fd) ==
        Calls{"lseek(0,SEEK_CUR)=12288", "fstat()=0", "read(87713)=87712", "read(1)=0"});
}

TEST_CASE_TEMPLATE("read(n) copies the read-ahead, then whole blocks direct, then one fill", F,
                   BL_CONTRACT_KERNELS) {
  // f.read(10) -> read(4096); f.read(5000) -> read(4096); f.read(8192) -> read(4096) direct,
  // read(4096) into the buffer
  Traced<F> t;
  const std::string data = iotest::ramp(100000);
  auto f = bopen(t.k, t.put("f", data), "rb");
  const os::Fd fd = fd_of(*f);
  t.clear();
  f->read(10);
  CHECK(t.take(fd) == Calls{"read(4096)=4096"});
  CHECK(str(f->read(5000)) == data.substr(10, 5000));
  CHECK(t.take(fd) == Calls{"read(4096)=4096"});
  CHECK(str(f->read(8192)) == data.substr(5010, 8192));
  CHECK(t.take(fd) == Calls{"read(4096)=4096", "read(4096)=4096"});
}

TEST_CASE_TEMPLATE("a buffer size that is not a power of two rounds down to whole buffers", F,
                   BL_CONTRACT_KERNELS) {
  // f = io.BufferedReader(io.FileIO('f'), 1000): lseek(0,SEEK_CUR)=0; read(10) -> read(1000);
  // read(2500) -> read(1000), read(1000); tell() -> lseek(0,SEEK_CUR)=3000, 2510
  Traced<F> t;
  const std::string data = iotest::ramp(100000);
  io::BufferedReader f(raw(t.k, t.put("f", data)), 1000);
  const os::Fd fd = fd_of(f);
  CHECK(t.take(fd) == Calls{"openat(O_RDONLY|O_CLOEXEC)", "fstat()=0", "lseek(0,SEEK_CUR)=0"});
  f.read(10);
  CHECK(t.take(fd) == Calls{"read(1000)=1000"});
  CHECK(str(f.read(2500)) == data.substr(10, 2500));
  CHECK(t.take(fd) == Calls{"read(1000)=1000", "read(1000)=1000"});
  CHECK(f.tell() == 2510);
  CHECK(t.take(fd) == Calls{"lseek(0,SEEK_CUR)=3000"});
}

TEST_CASE_TEMPLATE("read1 returns the read-ahead without a syscall, else reads n direct", F,
                   BL_CONTRACT_KERNELS) {
  // §15.2: peek(1); read1(10); read1(10000); read1(10000); read1(); peek(5000); read1(-1);
  // peek(); read1(0); tell()
  Traced<F> t;
  const std::string data = iotest::ramp(100000);
  auto f = bopen(t.k, t.put("f", data), "rb");
  const os::Fd fd = fd_of(*f);
  t.clear();
  CHECK(f->peek(1).size() == 4096);
  CHECK(t.take(fd) == Calls{"read(4096)=4096"});
  CHECK(str(f->read1(10)) == data.substr(0, 10));
  CHECK(f->read1(10000).size() == 4086);
  CHECK(t.take(fd).empty());
  CHECK(str(f->read1(10000)) == data.substr(4096, 10000));
  CHECK(t.take(fd) == Calls{"read(10000)=10000"});
  CHECK(f->read1().size() == 4096);
  CHECK(t.take(fd) == Calls{"read(4096)=4096"});
  CHECK(f->peek(5000).size() == 4096);
  CHECK(t.take(fd) == Calls{"read(4096)=4096"});
  CHECK(f->read1(-1).size() == 4096);
  CHECK(t.take(fd).empty());
  CHECK(f->peek().size() == 4096);
  CHECK(t.take(fd) == Calls{"read(4096)=4096"});
  CHECK(str(f->read1(0)) == "");
  CHECK(t.take(fd).empty());
  CHECK(f->tell() == 22288);
  CHECK(t.take(fd) == Calls{"lseek(0,SEEK_CUR)=26384"});
}

TEST_CASE_TEMPLATE("readinto goes direct for what exceeds the buffer; readinto1 reads once", F,
                   BL_CONTRACT_KERNELS) {
  // §15.3: readinto(bytearray(10)) -> read(4096); readinto(bytearray(10000)) -> read(5914);
  // readinto1(5000) -> read(5000) twice; readinto1(100) -> read(4096); readinto(2000) -> none;
  // tell() -> lseek(0,SEEK_CUR)=24106, 22110
  Traced<F> t;
  const std::string data = iotest::ramp(100000);
  auto f = bopen(t.k, t.put("f", data), "rb");
  const os::Fd fd = fd_of(*f);
  t.clear();
  CHECK(readinto(*f, 10) == data.substr(0, 10));
  CHECK(t.take(fd) == Calls{"read(4096)=4096"});
  CHECK(readinto(*f, 10000) == data.substr(10, 10000));
  CHECK(t.take(fd) == Calls{"read(5914)=5914"});
  CHECK(readinto(*f, 5000, true).size() == 5000);
  CHECK(readinto(*f, 5000, true).size() == 5000);
  CHECK(readinto(*f, 100, true).size() == 100);
  CHECK(t.take(fd) == Calls{"read(5000)=5000", "read(5000)=5000", "read(4096)=4096"});
  CHECK(readinto(*f, 2000) == data.substr(20110, 2000));
  CHECK(t.take(fd).empty());
  CHECK(f->tell() == 22110);
  CHECK(t.take(fd) == Calls{"lseek(0,SEEK_CUR)=24106"});
}

TEST_CASE_TEMPLATE("readline costs one fill per buffer of line, and one more at a final line", F,
                   BL_CONTRACT_KERNELS) {
  // open('lines','wb').write(b'ab\ncd\n' + b'L'*9000 + b'\n' + b'tail'); f = open(p,'rb')
  Traced<F> t;
  const std::string long_line = std::string(9000, 'L') + "\n";
  auto f = bopen(t.k, t.put("lines", "ab\ncd\n" + long_line + "tail"), "rb");
  const os::Fd fd = fd_of(*f);
  t.clear();
  CHECK(str(f->readline()) == "ab\n");
  CHECK(t.take(fd) == Calls{"read(4096)=4096"});
  CHECK(str(f->readline()) == "cd\n");
  CHECK(t.take(fd).empty());
  CHECK(str(f->readline()) == long_line);
  CHECK(t.take(fd) == Calls{"read(4096)=4096", "read(4096)=819"});
  CHECK(str(f->readline()) == "tail");
  CHECK(t.take(fd) == Calls{"read(4096)=0"});
  CHECK(str(f->readline()) == "");
  CHECK(t.take(fd) == Calls{"read(4096)=0"});
}

TEST_CASE_TEMPLATE("readline limits and iteration", F, BL_CONTRACT_KERNELS) {
  // f.seek(0); readline(1) b'a' (read(4096)); readline(100) b'b\n'; readline(5000) b'cd\n';
  // readline(-1) the long line (read(4096)=4096, read(4096)=819); next(f) b'tail'
  // (read(4096)=0); next(f) StopIteration (read(4096)=0)
  Traced<F> t;
  const std::string long_line = std::string(9000, 'L') + "\n";
  auto f = bopen(t.k, t.put("lines", "ab\ncd\n" + long_line + "tail"), "rb");
  const os::Fd fd = fd_of(*f);
  t.clear();
  CHECK(str(f->readline(1)) == "a");
  CHECK(str(f->readline(100)) == "b\n");
  CHECK(str(f->readline(5000)) == "cd\n");
  CHECK(t.take(fd) == Calls{"read(4096)=4096"});
  CHECK(str(f->readline(-1)) == long_line);
  CHECK(t.take(fd) == Calls{"read(4096)=4096", "read(4096)=819"});
  f->iter();
  CHECK(str(f->next()) == "tail");
  CHECK(raises([&] { f->next(); }) == "StopIteration: ");
  CHECK(t.take(fd) == Calls{"read(4096)=0", "read(4096)=0"});
}

TEST_CASE_TEMPLATE("readline with a limit longer than the buffer stops inside the next fill", F,
                   BL_CONTRACT_KERNELS) {
  // open('f','rb') on b'L'*9000 + b'\n': readline(5000) -> 5000 bytes: read(4096) x2; tell()
  // 5000 (lseek=8192); readline() -> 4001 bytes: read(4096)=809
  Traced<F> t;
  auto f = bopen(t.k, t.put("f", std::string(9000, 'L') + "\n"), "rb");
  const os::Fd fd = fd_of(*f);
  t.clear();
  CHECK(f->readline(5000).size() == 5000);
  CHECK(t.take(fd) == Calls{"read(4096)=4096", "read(4096)=4096"});
  CHECK(f->tell() == 5000);
  CHECK(t.take(fd) == Calls{"lseek(0,SEEK_CUR)=8192"});
  CHECK(f->readline().size() == 4001);
  CHECK(t.take(fd) == Calls{"read(4096)=809"});
}

TEST_CASE_TEMPLATE("readlines reads to the end, or until the hint is reached", F,
                   BL_CONTRACT_KERNELS) {
  // f.readlines() -> 4 lines: read(4096)=4096, =4096, =819, =0, =0;
  // f.seek(0); f.readlines(4) -> [b'ab\n', b'cd\n'] with read(4096)
  Traced<F> t;
  const std::string long_line = std::string(9000, 'L') + "\n";
  auto f = bopen(t.k, t.put("lines", "ab\ncd\n" + long_line + "tail"), "rb");
  const os::Fd fd = fd_of(*f);
  t.clear();
  CHECK(f->readlines().size() == 4);
  CHECK(t.take(fd) == Calls{"read(4096)=4096", "read(4096)=4096", "read(4096)=819", "read(4096)=0",
                            "read(4096)=0"});
  f->seek(0);
  t.clear();
  const std::vector<Bytes> two = f->readlines(4);
  REQUIRE(two.size() == 2);
  CHECK(str(two[1]) == "cd\n");
  CHECK(t.take(fd) == Calls{"read(4096)=4096"});
}

TEST_CASE_TEMPLATE("tell is always one lseek; seek inside the read-ahead costs nothing", F,
                   BL_CONTRACT_KERNELS) {
  // f = open(p,'rb') on 20480 bytes: read(10); tell() x2; seek(100); seek(50,1); seek(0);
  // seek(4096); seek(5000); read(1); seek(-10,1); seek(-5,2); seek(0,3)
  Traced<F> t;
  auto f = bopen(t.k, t.put("f", iotest::ramp(20480)), "rb");
  const os::Fd fd = fd_of(*f);
  f->read(10);
  t.clear();
  CHECK(f->tell() == 10);
  CHECK(f->tell() == 10);
  CHECK(t.take(fd) == Calls{"lseek(0,SEEK_CUR)=4096", "lseek(0,SEEK_CUR)=4096"});
  CHECK(f->seek(100) == 100);
  CHECK(f->seek(50, 1) == 150);
  CHECK(f->seek(0) == 0);
  CHECK(f->seek(4096) == 4096);
  CHECK(t.take(fd).empty());
  CHECK(f->seek(5000) == 5000);
  CHECK(t.take(fd) == Calls{"lseek(5000,SEEK_SET)=5000"});
  f->read(1);
  t.clear();
  CHECK(f->seek(-10, 1) == 4991);
  CHECK(f->seek(-5, 2) == 20475);
  CHECK(f->seek(0, 3) == 0);
  CHECK(t.take(fd) ==
        Calls{"lseek(-4105,SEEK_CUR)=4991", "lseek(-5,SEEK_END)=20475", "lseek(0,SEEK_DATA)=0"});
}

TEST_CASE_TEMPLATE("seek checks whence first and leaves errors to the kernel", F,
                   BL_CONTRACT_KERNELS) {
  // f.seek(0, 5) -> ValueError: whence value 5 unsupported (no syscall);
  // f.seek(-1) -> lseek(-1,SEEK_SET) = -1 EINVAL, OSError; then f.tell() -> 0
  Traced<F> t;
  auto f = bopen(t.k, t.put("f", iotest::ramp(20480)), "rb");
  const os::Fd fd = fd_of(*f);
  f->seek(0, 3);
  t.clear();
  CHECK(raises([&] { f->seek(0, 5); }) == "ValueError: whence value 5 unsupported");
  CHECK(t.take(fd).empty());
  CHECK(raises([&] { f->seek(-1); }) == "OSError: [Errno 22] Invalid argument");
  CHECK(t.take(fd) == Calls{"lseek(-1,SEEK_SET)=-1 EINVAL"});
  CHECK(f->tell() == 0);
}

TEST_CASE_TEMPLATE("a reader cannot truncate; seekable comes from the raw stream's cache", F,
                   BL_CONTRACT_KERNELS) {
  Traced<F> t;
  auto f = bopen(t.k, t.put("f", "0123456789"), "rb");
  const os::Fd fd = fd_of(*f);
  t.clear();
  CHECK(raises([&] { f->truncate(); }) == "UnsupportedOperation: truncate");
  CHECK(f->seekable());
  f->flush();
  CHECK(t.take(fd).empty());
}

TEST_CASE_TEMPLATE("reads past the end return empty results", F, BL_CONTRACT_KERNELS) {
  // b = io.BufferedReader(io.FileIO('f')): (b.read(100), b.read(5), b.read(), b.read1(),
  // b.peek(), b.readinto(bytearray(4)), b.readline()) -> (b'0123456789', b'', b'', b'', b'', 0,
  // b'')
  Traced<F> t;
  io::BufferedReader f(raw(t.k, t.put("f", "0123456789")));
  CHECK(str(f.read(100)) == "0123456789");
  CHECK(str(f.read(5)) == "");
  CHECK(str(f.read()) == "");
  CHECK(str(f.read1()) == "");
  CHECK(str(f.peek()) == "");
  CHECK(readinto(f, 4) == "");
  CHECK(str(f.readline()) == "");
}

TEST_CASE_TEMPLATE("read sizes below -1 are refused; read1 takes any negative as the buffer", F,
                   BL_CONTRACT_KERNELS) {
  // io.BufferedReader(io.FileIO('f')).read(-2) -> ValueError; .read1(-5) -> b'0123456789'
  Traced<F> t;
  const std::string p = t.put("f", "0123456789");
  io::BufferedReader f(raw(t.k, p));
  CHECK(raises([&] { f.read(-2); }) == "ValueError: read length must be non-negative or -1");
  CHECK(str(f.read1(-5)) == "0123456789");
  io::BufferedRandom r(raw(t.k, p, "r+"));
  CHECK(raises([&] { r.read(-2); }) == "ValueError: read length must be non-negative or -1");
}

TEST_CASE_TEMPLATE("tell subtracts the read-ahead; read() starts with it", F, BL_CONTRACT_KERNELS) {
  // b = io.BufferedReader(io.FileIO('f'), 4): read(1) b'0', tell 1, read(5) b'12345', tell 6,
  // peek() b'67', tell 6; another: read(1) b'0', read() b'123456789'
  Traced<F> t;
  const std::string p = t.put("f", "0123456789");
  io::BufferedReader f(raw(t.k, p), 4);
  CHECK(str(f.read(1)) == "0");
  CHECK(f.tell() == 1);
  CHECK(str(f.read(5)) == "12345");
  CHECK(f.tell() == 6);
  CHECK(str(f.peek()) == "67");
  CHECK(f.tell() == 6);
  io::BufferedReader g(raw(t.k, p), 4);
  CHECK(str(g.read(1)) == "0");
  CHECK(str(g.read()) == "123456789");
}

TEST_CASE_TEMPLATE("a non-blocking empty pipe gives None or b'' per method", F,
                   BL_CONTRACT_KERNELS) {
  // r, w = os.pipe2(O_NONBLOCK); br = io.BufferedReader(io.FileIO(r,'rb',closefd=False), 16):
  // read(5) None, read1(5) b'', peek() b'', readinto(bytearray(5)) None, read() None,
  // readline() b''; after os.write(w, b'abc'): read(10) b'abc'; after b'defg': read() b'defg'
  Traced<F> t;
  const auto ends = must(t.kernel.pipe(O::NONBLOCK));
  const os::Fd r = ends.first, w = ends.second;
  io::BufferedReader br(raw(t.k, fd_name(r), "rb", false), 16);
  CHECK(t.take(r) == Calls{"fstat()=0", "lseek(0,SEEK_CUR)=-1 ESPIPE"});
  CHECK(str(br.read(5)) == "<None>");
  CHECK(str(br.read1(5)) == "");
  CHECK(str(br.peek()) == "");
  CHECK(readinto(br, 5) == "<None>");
  CHECK(str(br.read()) == "<None>");
  CHECK(str(br.readline()) == "");
  CHECK(t.take(r) == Calls{"read(16)=-1 EAGAIN", "read(5)=-1 EAGAIN", "read(16)=-1 EAGAIN",
                           "read(16)=-1 EAGAIN", "lseek(0,SEEK_CUR)=-1 ESPIPE", "fstat()=0",
                           "read(8192)=-1 EAGAIN", "read(16)=-1 EAGAIN"});
  must(t.kernel.write(w, os::as_bytes("abc")));
  CHECK(str(br.read(10)) == "abc");
  CHECK(t.take(r) == Calls{"read(16)=3", "read(13)=-1 EAGAIN"});
  must(t.kernel.write(w, os::as_bytes("defg")));
  CHECK(str(br.read()) == "defg");
  CHECK(t.take(r) ==
        Calls{"lseek(0,SEEK_CUR)=-1 ESPIPE", "fstat()=0", "read(8192)=4", "read(8188)=-1 EAGAIN"});
  must(t.kernel.close(w));
  must(t.kernel.close(r));
}

TEST_CASE_TEMPLATE("a buffered pipe cannot seek; tell fails in the kernel", F,
                   BL_CONTRACT_KERNELS) {
  // br = io.BufferedReader(io.FileIO(r, closefd=False)): seek(0) and seek(0,1) ->
  // UnsupportedOperation: File or stream is not seekable.; seek(0,9) -> whence value 9
  // unsupported; tell() -> OSError: [Errno 29] Illegal seek; same for a BufferedWriter, whose
  // truncate() also fails with Illegal seek
  Traced<F> t;
  const auto ends = must(t.kernel.pipe());
  const os::Fd r = ends.first, w = ends.second;
  io::BufferedReader br(raw(t.k, fd_name(r), "rb", false));
  io::BufferedWriter bw(raw(t.k, fd_name(w), "wb", false));
  const std::string unseekable = "UnsupportedOperation: File or stream is not seekable.";
  CHECK(raises([&] { br.seek(0); }) == unseekable);
  CHECK(raises([&] { br.seek(0, 1); }) == unseekable);
  CHECK(raises([&] { br.seek(0, 9); }) == "ValueError: whence value 9 unsupported");
  CHECK(raises([&] { br.tell(); }) == "OSError: [Errno 29] Illegal seek");
  CHECK_FALSE(br.seekable());
  CHECK(raises([&] { bw.seek(0); }) == unseekable);
  CHECK(raises([&] { bw.tell(); }) == "OSError: [Errno 29] Illegal seek");
  CHECK(raises([&] { bw.truncate(); }) == "OSError: [Errno 29] Illegal seek");
  must(t.kernel.close(r));
  must(t.kernel.close(w));
}

TEST_CASE_TEMPLATE("a pipe read larger than the buffer reads whole blocks, then stops at EOF", F,
                   BL_CONTRACT_KERNELS) {
  // r, w = os.pipe(); os.write(w, b'p'*5000); os.close(w);
  // f = io.BufferedReader(io.FileIO(r), 4096); f.read(10000) -> 5000 bytes: read(8192)=5000,
  // read(4096)=0; f.read(5) -> b'': read(4096)=0
  Traced<F> t;
  const auto ends = must(t.kernel.pipe());
  const os::Fd r = ends.first;
  must(t.kernel.write(ends.second, os::as_bytes(std::string(5000, 'p'))));
  must(t.kernel.close(ends.second));
  io::BufferedReader f(raw(t.k, fd_name(r)), 4096);
  t.clear();
  CHECK(f.read(10000)->size() == 5000);
  CHECK(t.take(r) == Calls{"read(8192)=5000", "read(4096)=0"});
  CHECK(str(f.read(5)) == "");
  CHECK(t.take(r) == Calls{"read(4096)=0"});
}

TEST_CASE_TEMPLATE("read(0) and readline(0) cost nothing; peek(0) fills; relative seeks", F,
                   BL_CONTRACT_KERNELS) {
  // f = open('f','rb') on 20000 bytes: readline(0) b'', read(0) b'' (no syscall); peek(0) ->
  // read(4096); read1(5000) -> 4096 bytes from the buffer; seek(-100,1) ->
  // lseek(-100,SEEK_CUR)=3996; seek(50,1) -> lseek(50,SEEK_CUR)=4046
  Traced<F> t;
  auto f = bopen(t.k, t.put("f", iotest::digits(20000)), "rb");
  const os::Fd fd = fd_of(*f);
  t.clear();
  CHECK(str(f->readline(0)) == "");
  CHECK(str(f->read(0)) == "");
  CHECK(t.take(fd).empty());
  CHECK(f->peek(0).size() == 4096);
  CHECK(t.take(fd) == Calls{"read(4096)=4096"});
  CHECK(f->read1(5000).size() == 4096);
  CHECK(t.take(fd).empty());
  CHECK(f->seek(-100, 1) == 3996);
  CHECK(f->seek(50, 1) == 4046);
  CHECK(t.take(fd) == Calls{"lseek(-100,SEEK_CUR)=3996", "lseek(50,SEEK_CUR)=4046"});
}

// --- BufferedWriter ---------------------------------------------------------------------------

TEST_CASE_TEMPLATE("BufferedWriter coalesces small writes and passes large ones through", F,
                   BL_CONTRACT_KERNELS) {
  // §15.4: writes of 10 a, 4000 b, 100 c, 5000 d, 4096 e, 8193 f; tell(); flush(); flush();
  // 4096 g; 1 h; close()
  Traced<F> t;
  auto f = bopen(t.k, t.path("w"), "wb");
  const os::Fd fd = fd_of(*f);
  t.clear();
  CHECK(f->write(os::as_bytes(std::string(10, 'a'))) == 10);
  CHECK(f->write(os::as_bytes(std::string(4000, 'b'))) == 4000);
  CHECK(t.take(fd).empty());
  CHECK(f->write(os::as_bytes(std::string(100, 'c'))) == 100);
  CHECK(t.take(fd) == Calls{"write(4010)=4010"});
  CHECK(f->write(os::as_bytes(std::string(5000, 'd'))) == 5000);
  CHECK(t.take(fd) == Calls{"write(100)=100", "write(5000)=5000"});
  CHECK(f->write(os::as_bytes(std::string(4096, 'e'))) == 4096);
  CHECK(t.take(fd).empty());
  CHECK(f->write(os::as_bytes(std::string(8193, 'f'))) == 8193);
  CHECK(t.take(fd) == Calls{"write(4096)=4096", "write(8193)=8193"});
  CHECK(f->tell() == 21399);
  f->flush();
  f->flush();
  CHECK(t.take(fd) == Calls{"lseek(0,SEEK_CUR)=21399"});
  f->write(os::as_bytes(std::string(4096, 'g')));
  CHECK(t.take(fd).empty());
  f->write(bytes("h"));
  CHECK(t.take(fd) == Calls{"write(4096)=4096"});
  f->close();
  CHECK(t.take(fd) == Calls{"write(1)=1", "close()=0"});
  CHECK(t.contents("w").size() == 25496);
}

TEST_CASE_TEMPLATE("data that exactly fills the buffer stays buffered", F, BL_CONTRACT_KERNELS) {
  // a*4096 buffered; b -> write(4096); c*4095 buffered; d -> write(4096) 'bccc...'; close ->
  // write(1)
  Traced<F> t;
  auto f = bopen(t.k, t.path("x"), "wb");
  const os::Fd fd = fd_of(*f);
  t.clear();
  f->write(os::as_bytes(std::string(4096, 'a')));
  CHECK(t.take(fd).empty());
  f->write(bytes("b"));
  CHECK(t.take(fd) == Calls{"write(4096)=4096"});
  f->write(os::as_bytes(std::string(4095, 'c')));
  CHECK(t.take(fd).empty());
  f->write(bytes("d"));
  CHECK(t.take(fd) == Calls{"write(4096)=4096"});
  f->close();
  CHECK(t.take(fd) == Calls{"write(1)=1", "close()=0"});
  CHECK(t.contents("x") == std::string(4096, 'a') + "b" + std::string(4095, 'c') + "d");
}

TEST_CASE_TEMPLATE("a writer flushes before seeking, and truncate keeps the position", F,
                   BL_CONTRACT_KERNELS) {
  // f = open('s','wb'): write(b's'*100); seek(10); write(b'T'*5); tell(); seek(0,2);
  // truncate(50); tell(); write(b'U'*3); truncate(); tell(); write(b''); close()
  Traced<F> t;
  auto f = bopen(t.k, t.path("s"), "wb");
  const os::Fd fd = fd_of(*f);
  t.clear();
  f->write(os::as_bytes(std::string(100, 's')));
  CHECK(f->seek(10) == 10);
  CHECK(t.take(fd) == Calls{"write(100)=100", "lseek(10,SEEK_SET)=10"});
  f->write(os::as_bytes(std::string(5, 'T')));
  CHECK(f->tell() == 15);
  CHECK(t.take(fd) == Calls{"lseek(0,SEEK_CUR)=10"});
  CHECK(f->seek(0, 2) == 100);
  CHECK(t.take(fd) == Calls{"write(5)=5", "lseek(0,SEEK_END)=100"});
  CHECK(f->truncate(50) == 50);
  CHECK(t.take(fd) == Calls{"ftruncate(50)=0", "lseek(0,SEEK_CUR)=100"});
  CHECK(f->tell() == 100);
  CHECK(t.take(fd) == Calls{"lseek(0,SEEK_CUR)=100"});
  f->write(bytes("UUU"));
  CHECK(f->truncate() == 103);
  CHECK(t.take(fd) ==
        Calls{"write(3)=3", "lseek(0,SEEK_CUR)=103", "ftruncate(103)=0", "lseek(0,SEEK_CUR)=103"});
  CHECK(f->tell() == 103);
  CHECK(f->write(bytes("")) == 0);
  f->close();
  CHECK(t.take(fd) == Calls{"lseek(0,SEEK_CUR)=103", "close()=0"});
  CHECK(t.contents("s") ==
        std::string(10, 's') + "TTTTT" + std::string(35, 's') + std::string(50, '\0') + "UUU");
}

TEST_CASE_TEMPLATE("an append-mode writer reports the end of file plus what it buffered", F,
                   BL_CONTRACT_KERNELS) {
  // open('ap','ab') on b'12345': tell() 5 (lseek=5); write(b'xy'); tell() 7 (lseek=5);
  // close() -> write(2)
  Traced<F> t;
  auto f = bopen(t.k, t.put("ap", "12345"), "ab");
  const os::Fd fd = fd_of(*f);
  t.clear();
  CHECK(f->tell() == 5);
  f->write(bytes("xy"));
  CHECK(f->tell() == 7);
  CHECK(t.take(fd) == Calls{"lseek(0,SEEK_CUR)=5", "lseek(0,SEEK_CUR)=5"});
  f->close();
  CHECK(t.take(fd) == Calls{"write(2)=2", "close()=0"});
  CHECK(t.contents("ap") == "12345xy");
}

TEST_CASE_TEMPLATE("close and detach flush; writelines writes through the buffer", F,
                   BL_CONTRACT_KERNELS) {
  // b = io.BufferedWriter(io.FileIO('g','w')); b.write(b'abc'); b.close() -> file b'abc';
  // again with detach(): file b'abc', raw.closed False, repr <_io.BufferedWriter>;
  // b.writelines([b'a', b'bc']); b.close() -> b'abc'
  Traced<F> t;
  const std::string p = t.path("g");
  {
    io::BufferedWriter b(raw(t.k, p, "w"));
    b.write(bytes("abc"));
    b.close();
    CHECK(t.contents("g") == "abc");
  }
  {
    io::BufferedWriter b(raw(t.k, p, "w"));
    b.write(bytes("abc"));
    std::shared_ptr<io::RawIOBase> r = b.detach();
    CHECK(t.contents("g") == "abc");
    CHECK_FALSE(r->closed());
    CHECK(b.repr() == "<_io.BufferedWriter>");
    CHECK(b.raw() == nullptr);
  }
  {
    io::BufferedWriter b(raw(t.k, p, "w"));
    b.writelines({Bytes::from("a"), Bytes::from("bc")});
    b.close();
    CHECK(t.contents("g") == "abc");
  }
}

TEST_CASE_TEMPLATE("detaching a reader leaves the raw position after the read-ahead", F,
                   BL_CONTRACT_KERNELS) {
  // b = io.BufferedReader(io.FileIO('f')); b.read(3); raw = b.detach(); raw.tell() -> 10
  Traced<F> t;
  io::BufferedReader b(raw(t.k, t.put("f", "0123456789")));
  b.read(3);
  std::shared_ptr<io::RawIOBase> r = b.detach();
  CHECK(r->tell() == 10);
  CHECK(str(r->read(2)) == "");
}

TEST_CASE_TEMPLATE("closing a buffered object closes the raw only when closefd", F,
                   BL_CONTRACT_KERNELS) {
  // fd = os.open('f', O_RDONLY); b = io.BufferedReader(io.FileIO(fd, closefd=False));
  // b.close(); os.fstat(fd) works; b.closed True
  Traced<F> t;
  const os::Fd fd = must(t.kernel.open(t.put("f", "0123456789"), O::RDONLY));
  io::BufferedReader b(raw(t.k, fd_name(fd), "r", false));
  b.close();
  CHECK(b.closed());
  CHECK(t.kernel.fstat(fd).ok());
  must(t.kernel.close(fd));
}

TEST_CASE_TEMPLATE("a full non-blocking pipe: BlockingIOError counts the bytes buffered", F,
                   BL_CONTRACT_KERNELS) {
  // r, w = os.pipe2(O_NONBLOCK); fill w; bw = io.BufferedWriter(io.FileIO(w,'wb',
  // closefd=False), buffer_size=16); bw.write(b'y'*1000) -> BlockingIOError args (11, 'write
  // could not complete without blocking', 16), characters_written 16; bw.write(b'z'*5) -> 0;
  // bw.flush() -> 0; after draining the pipe bw.flush() writes 16 'y'; bw.write(b'k'*10) -> 10
  Traced<F> t;
  const auto ends = must(t.kernel.pipe(O::NONBLOCK));
  const os::Fd r = ends.first, w = ends.second;
  CHECK(iotest::fill_pipe(t.kernel, w) == 65536);
  io::BufferedWriter bw(raw(t.k, fd_name(w), "wb", false), 16);
  CHECK(t.take(w) == Calls{"fstat()=0", "lseek(0,SEEK_CUR)=-1 ESPIPE"});
  try {
    bw.write(os::as_bytes(std::string(1000, 'y')));
    FAIL("no BlockingIOError");
  } catch (const BlockingIOError& e) {
    CHECK(e.type_name() == "BlockingIOError");
    CHECK(e.errno_value() == os::Errno::eagain);
    CHECK(e.strerror() == "write could not complete without blocking");
    CHECK(std::string(e.what()) == "[Errno 11] write could not complete without blocking");
    CHECK(e.characters_written() == 16);
  }
  CHECK(t.take(w) == Calls{"write(1000)=-1 EAGAIN"});
  auto written = [](auto&& call) -> std::int64_t {
    try {
      call();
    } catch (const BlockingIOError& e) {
      return e.characters_written().value_or(-1);
    }
    return -2;
  };
  CHECK(written([&] { bw.write(bytes("zzzzz")); }) == 0);
  CHECK(written([&] { bw.flush(); }) == 0);
  CHECK(t.take(w) == Calls{"write(16)=-1 EAGAIN", "write(16)=-1 EAGAIN"});
  std::string drain(65536, '\0');
  CHECK(must(t.kernel.read(r, contract::writable(drain))) == 65536);
  bw.flush();
  CHECK(t.take(w) == Calls{"write(16)=16"});
  CHECK(contract::read_text(t.kernel, r, 100) == std::string(16, 'y'));
  CHECK(bw.write(os::as_bytes(std::string(10, 'k'))) == 10);
  CHECK(t.take(w).empty());
  must(t.kernel.close(r));
  must(t.kernel.close(w));
}

TEST_CASE_TEMPLATE("a full non-blocking pipe: what fits is buffered, the rest is refused", F,
                   BL_CONTRACT_KERNELS) {
  // bw2 = io.BufferedWriter(io.FileIO(w2,'wb',closefd=False), buffer_size=16) on a full pipe:
  // write(b'a'*10) -> 10 (no syscall); write(b'b'*10) -> write(10) EAGAIN, characters_written
  // 6; write(b'c'*3) -> write(16) EAGAIN, characters_written 0
  Traced<F> t;
  const auto ends = must(t.kernel.pipe(O::NONBLOCK));
  const os::Fd r = ends.first, w = ends.second;
  iotest::fill_pipe(t.kernel, w);
  io::BufferedWriter bw(raw(t.k, fd_name(w), "wb", false), 16);
  t.clear();
  auto written = [](auto&& call) -> std::int64_t {
    try {
      call();
    } catch (const BlockingIOError& e) {
      return e.characters_written().value_or(-1);
    }
    return -2;
  };
  CHECK(bw.write(os::as_bytes(std::string(10, 'a'))) == 10);
  CHECK(t.take(w).empty());
  CHECK(written([&] { bw.write(os::as_bytes(std::string(10, 'b'))); }) == 6);
  CHECK(t.take(w) == Calls{"write(10)=-1 EAGAIN"});
  CHECK(written([&] { bw.write(bytes("ccc")); }) == 0);
  CHECK(t.take(w) == Calls{"write(16)=-1 EAGAIN"});
  must(t.kernel.close(r));
  must(t.kernel.close(w));
}

TEST_CASE_TEMPLATE("close still closes the raw stream when its flush would block", F,
                   BL_CONTRACT_KERNELS) {
  // bw = io.BufferedWriter(io.FileIO(w,'wb',closefd=False), 16) on a full non-blocking pipe;
  // bw.write(b'a'*10); bw.close() -> write(10) EAGAIN, BlockingIOError (characters_written 0);
  // bw.closed and bw.raw.closed are True; close() again does nothing; write -> write to closed
  // file
  Traced<F> t;
  const auto ends = must(t.kernel.pipe(O::NONBLOCK));
  const os::Fd w = ends.second;
  iotest::fill_pipe(t.kernel, w);
  io::BufferedWriter bw(raw(t.k, fd_name(w), "wb", false), 16);
  bw.write(bytes("aaaaaaaaaa"));
  t.clear();
  std::optional<std::int64_t> written;
  try {
    bw.close();
  } catch (const BlockingIOError& e) {
    written = e.characters_written();
  }
  CHECK(written == 0);
  CHECK(t.take(w) == Calls{"write(10)=-1 EAGAIN"});
  CHECK(bw.closed());
  CHECK(bw.raw()->closed());
  bw.close();
  CHECK(t.take(w).empty());
  CHECK(raises([&] { bw.write(bytes("x")); }) == "ValueError: write to closed file");
  must(t.kernel.close(ends.first));
  must(t.kernel.close(w));
}

// --- BufferedRandom ------------------------------------------------------------------------------

TEST_CASE_TEMPLATE("BufferedRandom rewinds before writing back and after every flush", F,
                   BL_CONTRACT_KERNELS) {
  // §15.9 on r+b, 20000 bytes of '0123456789': read(10); write(b'X'*5); tell(); read(10);
  // flush(); tell(); close()
  Traced<F> t;
  auto f = bopen(t.k, t.put("f", iotest::digits(20000)), "r+b");
  const os::Fd fd = fd_of(*f);
  CHECK(t.take(fd) == Calls{"openat(O_RDWR|O_CLOEXEC)", "fstat()=0", "ioctl(TCGETS)=-1 ENOTTY",
                            "lseek(0,SEEK_CUR)=0", "lseek(0,SEEK_CUR)=0"});
  f->read(10);
  CHECK(t.take(fd) == Calls{"lseek(0,SEEK_CUR)=0", "read(4096)=4096"});
  f->write(bytes("XXXXX"));
  CHECK(f->tell() == 15);
  CHECK(t.take(fd) == Calls{"lseek(0,SEEK_CUR)=4096"});
  CHECK(str(f->read(10)) == "5678901234");
  CHECK(t.take(fd).empty());
  f->flush();
  CHECK(t.take(fd) == Calls{"lseek(-4086,SEEK_CUR)=10", "write(5)=5", "lseek(10,SEEK_CUR)=25"});
  CHECK(f->tell() == 25);
  f->close();
  CHECK(t.take(fd) == Calls{"lseek(0,SEEK_CUR)=25", "lseek(0,SEEK_CUR)=25", "close()=0"});
  CHECK(t.contents("f").substr(0, 30) == "0123456789XXXXX567890123456789");
}

TEST_CASE_TEMPLATE("BufferedRandom flushes pending writes before reading and seeking", F,
                   BL_CONTRACT_KERNELS) {
  // write(b'Y'*5); read(10); write(b'Z'*3); seek(0); read(3); close()
  Traced<F> t;
  auto f = bopen(t.k, t.put("f", iotest::digits(20000)), "r+b");
  const os::Fd fd = fd_of(*f);
  t.clear();
  f->write(bytes("YYYYY"));
  CHECK(str(f->read(10)) == "5678901234");
  CHECK(t.take(fd) == Calls{"write(5)=5", "lseek(0,SEEK_CUR)=5", "read(4096)=4096"});
  f->write(bytes("ZZZ"));
  CHECK(f->seek(0) == 0);
  CHECK(t.take(fd) == Calls{"lseek(-4086,SEEK_CUR)=15", "write(3)=3", "lseek(0,SEEK_SET)=0"});
  CHECK(str(f->read(3)) == "YYY");
  CHECK(t.take(fd) == Calls{"lseek(0,SEEK_CUR)=0", "read(4096)=4096"});
  f->close();
  CHECK(t.take(fd) == Calls{"lseek(-4093,SEEK_CUR)=3", "close()=0"});
  CHECK(t.contents("f").substr(0, 30) == "YYYYY5678901234ZZZ890123456789");
}

TEST_CASE_TEMPLATE("a write larger than the buffer after a read seeks back and goes direct", F,
                   BL_CONTRACT_KERNELS) {
  // read(10); write(b'W'*5000) -> lseek(-4086,SEEK_CUR)=10, write(5000); tell() 5010
  Traced<F> t;
  auto f = bopen(t.k, t.put("f", iotest::digits(20000)), "r+b");
  const os::Fd fd = fd_of(*f);
  f->read(10);
  t.clear();
  f->write(os::as_bytes(std::string(5000, 'W')));
  CHECK(t.take(fd) == Calls{"lseek(-4086,SEEK_CUR)=10", "write(5000)=5000"});
  CHECK(f->tell() == 5010);
  CHECK(t.take(fd) == Calls{"lseek(0,SEEK_CUR)=5010"});
}

TEST_CASE_TEMPLATE("writes into read-ahead share the buffer and are written back as one span", F,
                   BL_CONTRACT_KERNELS) {
  // write(b'Q'*5); peek(); write(b'RR'); read1(3) b'789'; write(b'S'); flush() ->
  // lseek(-4096,SEEK_CUR)=5, write(6) 'RR789S', lseek(0,SEEK_CUR)=11; flush() again -> lseek
  Traced<F> t;
  auto f = bopen(t.k, t.put("f", iotest::digits(20000)), "r+b");
  const os::Fd fd = fd_of(*f);
  t.clear();
  f->write(bytes("QQQQQ"));
  CHECK(f->peek().size() == 4096);
  CHECK(t.take(fd) == Calls{"write(5)=5", "lseek(0,SEEK_CUR)=5", "read(4096)=4096"});
  f->write(bytes("RR"));
  CHECK(str(f->read1(3)) == "789");
  f->write(bytes("S"));
  CHECK(t.take(fd).empty());
  f->flush();
  CHECK(t.take(fd) == Calls{"lseek(-4096,SEEK_CUR)=5", "write(6)=6", "lseek(0,SEEK_CUR)=11"});
  f->flush();
  CHECK(t.take(fd) == Calls{"lseek(0,SEEK_CUR)=11"});
  f->close();
  CHECK(t.contents("f").substr(0, 20) == "QQQQQRR789S123456789");
}

TEST_CASE_TEMPLATE("3.11's BufferedRandom.read1 reads without flushing pending writes", F,
                   BL_CONTRACT_KERNELS) {
  // gh-115059: write(b'AB'); read1(3) -> read(3) b'012'; tell() 5; close() -> write(2) at 3
  Traced<F> t;
  auto f = bopen(t.k, t.put("f", iotest::digits(20000)), "r+b");
  const os::Fd fd = fd_of(*f);
  t.clear();
  f->write(bytes("AB"));
  CHECK(str(f->read1(3)) == "012");
  CHECK(t.take(fd) == Calls{"read(3)=3"});
  CHECK(f->tell() == 5);
  f->close();
  CHECK(t.take(fd) ==
        Calls{"lseek(0,SEEK_CUR)=3", "write(2)=2", "lseek(0,SEEK_CUR)=5", "close()=0"});
  CHECK(t.contents("f").substr(0, 10) == "012AB56789");
}

TEST_CASE_TEMPLATE("w+b: writes, seeks and a final read() through readall", F,
                   BL_CONTRACT_KERNELS) {
  // f = open('wp','w+b'); write(b'w'*30); seek(0); read(5); seek(0,2); write(b'zz'); seek(0);
  // read(); close()
  Traced<F> t;
  auto f = bopen(t.k, t.path("wp"), "w+b");
  const os::Fd fd = fd_of(*f);
  CHECK(t.take(fd) == Calls{"openat(O_RDWR|O_CREAT|O_TRUNC|O_CLOEXEC,0666)", "fstat()=0",
                            "ioctl(TCGETS)=-1 ENOTTY", "lseek(0,SEEK_CUR)=0",
                            "lseek(0,SEEK_CUR)=0"});
  f->write(os::as_bytes(std::string(30, 'w')));
  f->seek(0);
  CHECK(t.take(fd) == Calls{"write(30)=30", "lseek(0,SEEK_SET)=0"});
  CHECK(str(f->read(5)) == "wwwww");
  CHECK(t.take(fd) == Calls{"lseek(0,SEEK_CUR)=0", "read(4096)=30"});
  CHECK(f->seek(0, 2) == 30);
  CHECK(t.take(fd) == Calls{"lseek(0,SEEK_END)=30"});
  f->write(bytes("zz"));
  f->seek(0);
  CHECK(t.take(fd) == Calls{"write(2)=2", "lseek(0,SEEK_SET)=0"});
  CHECK(f->read()->size() == 32);
  CHECK(t.take(fd) == Calls{"lseek(0,SEEK_CUR)=0", "lseek(0,SEEK_CUR)=0", "fstat()=0",
                            "read(33)=32", "read(1)=0"});
  f->close();
  CHECK(t.take(fd) == Calls{"lseek(0,SEEK_CUR)=32", "close()=0"});
}

TEST_CASE_TEMPLATE("interleaved readline, write, peek, readinto and truncate on r+b", F,
                   BL_CONTRACT_KERNELS) {
  // readline(5) b'01234'; write(b'--'); readline(4) b'7890'; peek() -> lseek(-4091,SEEK_CUR)=5,
  // write(2), lseek(4,SEEK_CUR)=11, read(4096); readinto(3) b'123'; write(b'++');
  // readinto(3) b'678'; truncate(30) -> lseek(-4093,SEEK_CUR)=14, write(2),
  // lseek(3,SEEK_CUR)=19, ftruncate(30), lseek(0,SEEK_CUR)=19; tell() 19
  Traced<F> t;
  auto f = bopen(t.k, t.put("f", iotest::digits(20000)), "r+b");
  const os::Fd fd = fd_of(*f);
  t.clear();
  CHECK(str(f->readline(5)) == "01234");
  CHECK(t.take(fd) == Calls{"lseek(0,SEEK_CUR)=0", "read(4096)=4096"});
  f->write(bytes("--"));
  CHECK(str(f->readline(4)) == "7890");
  CHECK(t.take(fd).empty());
  CHECK(f->peek().size() == 4096);
  CHECK(t.take(fd) ==
        Calls{"lseek(-4091,SEEK_CUR)=5", "write(2)=2", "lseek(4,SEEK_CUR)=11", "read(4096)=4096"});
  CHECK(readinto(*f, 3) == "123");
  f->write(bytes("++"));
  CHECK(readinto(*f, 3) == "678");
  CHECK(t.take(fd).empty());
  CHECK(f->truncate(30) == 30);
  CHECK(t.take(fd) == Calls{"lseek(-4093,SEEK_CUR)=14", "write(2)=2", "lseek(3,SEEK_CUR)=19",
                            "ftruncate(30)=0", "lseek(0,SEEK_CUR)=19"});
  CHECK(f->tell() == 19);
  f->close();
  CHECK(t.contents("f") == "01234--7890123++67890123456789");
}

TEST_CASE_TEMPLATE("BufferedRandom appends after reading to the end; truncate keeps position", F,
                   BL_CONTRACT_KERNELS) {
  // open('h','wb').write(b'abc'); b = io.BufferedRandom(io.FileIO('h','r+')); b.read() b'abc';
  // b.write(b'DEF'); b.seek(0); b.read() b'abcDEF'. On 100 bytes: seek(0,2); truncate(50) ->
  // 50; tell() 100; size 50
  Traced<F> t;
  {
    io::BufferedRandom b(raw(t.k, t.put("h", "abc"), "r+"));
    CHECK(str(b.read()) == "abc");
    b.write(bytes("DEF"));
    b.seek(0);
    CHECK(str(b.read()) == "abcDEF");
  }
  io::BufferedRandom b(raw(t.k, t.put("t", std::string(100, 'x')), "r+"));
  b.seek(0, 2);
  CHECK(b.truncate(50) == 50);
  CHECK(b.tell() == 100);
  CHECK(t.contents("t").size() == 50);
}

TEST_CASE_TEMPLATE("a seek inside the read-ahead keeps pending writes; flush writes the span", F,
                   BL_CONTRACT_KERNELS) {
  // r+b: read(10); write(b'X'*5); seek(3,1) -> 18 (no syscall); write(b'Y'); tell() -> 19
  // (lseek=4096); flush() -> lseek(-4086,SEEK_CUR)=10, write(9) 'XXXXX567Y',
  // lseek(0,SEEK_CUR)=19
  Traced<F> t;
  auto f = bopen(t.k, t.put("f", iotest::digits(20000)), "r+b");
  const os::Fd fd = fd_of(*f);
  f->read(10);
  t.clear();
  f->write(bytes("XXXXX"));
  CHECK(f->seek(3, 1) == 18);
  f->write(bytes("Y"));
  CHECK(t.take(fd).empty());
  CHECK(f->tell() == 19);
  CHECK(t.take(fd) == Calls{"lseek(0,SEEK_CUR)=4096"});
  f->flush();
  CHECK(t.take(fd) == Calls{"lseek(-4086,SEEK_CUR)=10", "write(9)=9", "lseek(0,SEEK_CUR)=19"});
  f->close();
  CHECK(t.contents("f").substr(0, 30) == "0123456789XXXXX567Y90123456789");
}

TEST_CASE_TEMPLATE("readline on BufferedRandom flushes and rewinds before filling", F,
                   BL_CONTRACT_KERNELS) {
  // r+b: write(b'AB'); readline() -> 19998 bytes: write(2), lseek(0,SEEK_CUR)=2,
  // read(4096) x4, read(4096)=3614, read(4096)=0; close() -> lseek(0,SEEK_CUR)=20000
  Traced<F> t;
  auto f = bopen(t.k, t.put("f", iotest::digits(20000)), "r+b");
  const os::Fd fd = fd_of(*f);
  t.clear();
  f->write(bytes("AB"));
  CHECK(f->readline().size() == 19998);
  CHECK(t.take(fd) == Calls{"write(2)=2", "lseek(0,SEEK_CUR)=2", "read(4096)=4096",
                            "read(4096)=4096", "read(4096)=4096", "read(4096)=4096",
                            "read(4096)=3614", "read(4096)=0"});
  f->close();
  CHECK(t.take(fd) == Calls{"lseek(0,SEEK_CUR)=20000", "close()=0"});
  CHECK(t.contents("f").substr(0, 10) == "AB23456789");
}

TEST_CASE_TEMPLATE("relative seeks past the read-ahead subtract it; pending writes go first", F,
                   BL_CONTRACT_KERNELS) {
  // r+b on 20000 bytes: read(10); seek(5000,1) -> lseek(914,SEEK_CUR)=5010; write(b'abc');
  // seek(5,1) -> write(3), lseek(5,SEEK_CUR)=5018; read(2) b'89' -> lseek(0,SEEK_CUR)=5018,
  // read(4096); close() -> lseek(-4094,SEEK_CUR)=5020
  Traced<F> t;
  auto f = bopen(t.k, t.put("f", iotest::digits(20000)), "r+b");
  const os::Fd fd = fd_of(*f);
  f->read(10);
  t.clear();
  CHECK(f->seek(5000, 1) == 5010);
  CHECK(t.take(fd) == Calls{"lseek(914,SEEK_CUR)=5010"});
  f->write(bytes("abc"));
  CHECK(f->seek(5, 1) == 5018);
  CHECK(t.take(fd) == Calls{"write(3)=3", "lseek(5,SEEK_CUR)=5018"});
  CHECK(str(f->read(2)) == "89");
  CHECK(t.take(fd) == Calls{"lseek(0,SEEK_CUR)=5018", "read(4096)=4096"});
  f->close();
  CHECK(t.take(fd) == Calls{"lseek(-4094,SEEK_CUR)=5020", "close()=0"});
}

TEST_CASE_TEMPLATE("a write past the end of the read-ahead extends it", F, BL_CONTRACT_KERNELS) {
  // open('small','r+b') on b'abc': read(1) b'a' (lseek, read(4096)=3); write(b'XYZW');
  // seek(0) -> lseek(-2,SEEK_CUR)=1, write(4), lseek(0,SEEK_SET); read() b'aXYZW' ->
  // lseek(0,SEEK_CUR) x2, fstat, read(6)=5, read(1)=0; tell() 5; file b'aXYZW'
  Traced<F> t;
  auto f = bopen(t.k, t.put("small", "abc"), "r+b");
  const os::Fd fd = fd_of(*f);
  t.clear();
  CHECK(str(f->read(1)) == "a");
  CHECK(t.take(fd) == Calls{"lseek(0,SEEK_CUR)=0", "read(4096)=3"});
  f->write(bytes("XYZW"));
  CHECK(f->seek(0) == 0);
  CHECK(t.take(fd) == Calls{"lseek(-2,SEEK_CUR)=1", "write(4)=4", "lseek(0,SEEK_SET)=0"});
  CHECK(str(f->read()) == "aXYZW");
  CHECK(t.take(fd) ==
        Calls{"lseek(0,SEEK_CUR)=0", "lseek(0,SEEK_CUR)=0", "fstat()=0", "read(6)=5", "read(1)=0"});
  CHECK(f->tell() == 5);
  f->close();
  CHECK(t.contents("small") == "aXYZW");
}

// --- constructors, attributes, reprs
// -----------------------------------------------------------------

TEST_CASE_TEMPLATE("constructors check the raw stream, then the buffer size", F,
                   BL_CONTRACT_KERNELS) {
  Traced<F> t;
  const std::string p = t.put("f", "0123456789"), g = t.path("g");
  const auto ends = must(t.kernel.pipe());
  const os::Fd r = ends.first, w = ends.second;
  const std::string positive = "ValueError: buffer size must be strictly positive";
  const std::string not_readable = "UnsupportedOperation: File or stream is not readable.";
  const std::string not_writable = "UnsupportedOperation: File or stream is not writable.";
  const std::string not_seekable = "UnsupportedOperation: File or stream is not seekable.";
  CHECK(raises([&] { (void)io::BufferedReader(raw(t.k, p), 0); }) == positive);
  CHECK(raises([&] { (void)io::BufferedReader(raw(t.k, p), -1); }) == positive);
  CHECK(raises([&] { (void)io::BufferedReader(raw(t.k, g, "w")); }) == not_readable);
  CHECK(raises([&] { (void)io::BufferedReader(raw(t.k, g, "w"), 0); }) == not_readable);
  CHECK(raises([&] { (void)io::BufferedWriter(raw(t.k, p)); }) == not_writable);
  CHECK(raises([&] { (void)io::BufferedWriter(raw(t.k, g, "w"), 0); }) == positive);
  CHECK(raises([&] { (void)io::BufferedRandom(raw(t.k, p)); }) == not_writable);
  CHECK(raises([&] { (void)io::BufferedRandom(raw(t.k, g, "w")); }) == not_readable);
  CHECK(raises([&] { (void)io::BufferedRandom(raw(t.k, fd_name(r), "r", false)); }) ==
        not_seekable);
  CHECK(raises([&] { (void)io::BufferedRandom(raw(t.k, fd_name(w), "w", false)); }) ==
        not_seekable);
  CHECK(raises([&] { (void)io::BufferedRandom(raw(t.k, p, "r+"), 0); }) == positive);
  CHECK(raises([&] { (void)io::BufferedRandom(raw(t.k, fd_name(r), "r", false), 0); }) ==
        not_seekable);
  auto closed = raw(t.k, p);
  closed->close();
  CHECK(raises([&] { (void)io::BufferedReader{closed}; }) ==
        "ValueError: I/O operation on closed file");
  CHECK(raises([&] {
          (void)io::BufferedRWPair(raw(t.k, fd_name(w), "w", false),
                                   raw(t.k, fd_name(w), "w", false));
        }) == not_readable);
  CHECK(raises([&] {
          (void)io::BufferedRWPair(raw(t.k, fd_name(r), "r", false),
                                   raw(t.k, fd_name(r), "r", false));
        }) == not_writable);
  CHECK(raises([&] {
          (void)io::BufferedRWPair(raw(t.k, fd_name(r), "r", false),
                                   raw(t.k, fd_name(w), "w", false), 0);
        }) == positive);
  must(t.kernel.close(r));
  must(t.kernel.close(w));
}

TEST_CASE_TEMPLATE("buffered reprs, names and modes forward to the raw stream", F,
                   BL_CONTRACT_KERNELS) {
  // repr(io.BufferedReader(io.FileIO('f'))) -> <_io.BufferedReader name='f'>; fd: name=3;
  // io.BufferedRandom(io.FileIO('f','a+')): name 'f', mode 'ab+', readable, writable,
  // seekable True, closed False, isatty False
  Traced<F> t;
  const std::string p = t.put("f", "0123456789"), g = t.path("g");
  io::BufferedReader reader(raw(t.k, p));
  CHECK(reader.repr() == "<_io.BufferedReader name='" + p + "'>");
  CHECK(reader.mode() == "rb");
  CHECK(reader.readable());
  CHECK_FALSE(reader.writable());
  CHECK(reader.seekable());
  CHECK_FALSE(reader.closed());
  io::BufferedWriter writer(raw(t.k, g, "w"));
  CHECK(writer.repr() == "<_io.BufferedWriter name='" + g + "'>");
  CHECK(writer.mode() == "wb");
  CHECK_FALSE(writer.readable());
  CHECK(writer.writable());
  CHECK(writer.seekable());
  io::BufferedRandom random(raw(t.k, p, "a+"));
  CHECK(random.repr() == "<_io.BufferedRandom name='" + p + "'>");
  CHECK(random.name() == io::Name{p});
  CHECK(random.mode() == "ab+");
  CHECK(random.readable());
  CHECK(random.writable());
  CHECK(random.seekable());
  CHECK_FALSE(random.closed());
  CHECK_FALSE(random.isatty());
  CHECK(random.fileno() == random.raw()->fileno());
  const auto ends = must(t.kernel.pipe());
  io::BufferedReader piped(raw(t.k, fd_name(ends.first), "r", false));
  CHECK(piped.repr() == "<_io.BufferedReader name=" + std::to_string(ends.first) + ">");
  must(t.kernel.close(ends.first));
  must(t.kernel.close(ends.second));
}

TEST_CASE_TEMPLATE("a reader whose raw stream was closed still serves its read-ahead", F,
                   BL_CONTRACT_KERNELS) {
  // b = io.BufferedReader(io.FileIO('f')) on b'0123456789\nabc'; b.read(1); b.raw.close():
  // closed True; read(1) b'1'; peek() b'23456789\nabc'; read1(2) b'23'; readline()
  // b'456789\n'; readinto(bytearray(2)) 2 b'ab'; seek(0), tell() -> I/O operation on closed
  // file; read() -> I/O operation on closed file (the last byte is dropped); read(1) -> read of
  // closed file; close() does nothing
  Traced<F> t;
  io::BufferedReader b(raw(t.k, t.put("f", "0123456789\nabc")));
  b.read(1);
  b.raw()->close();
  CHECK(b.closed());
  CHECK(str(b.read(1)) == "1");
  CHECK(str(b.peek()) == "23456789\nabc");
  CHECK(str(b.read1(2)) == "23");
  CHECK(str(b.readline()) == "456789\n");
  CHECK(readinto(b, 2) == "ab");
  CHECK(raises([&] { b.seek(0); }) == "ValueError: I/O operation on closed file");
  CHECK(raises([&] { b.tell(); }) == "ValueError: I/O operation on closed file");
  CHECK(raises([&] { b.read(); }) == "ValueError: I/O operation on closed file");
  CHECK(raises([&] { b.read(1); }) == "ValueError: read of closed file");
  CHECK(raises([&] { b.close(); }) == "");
  // Another reader: read(100) with 13 bytes buffered fails in the raw read and drops them.
  io::BufferedReader c(raw(t.k, t.path("f")));
  c.read(1);
  c.raw()->close();
  CHECK(raises([&] { c.read(100); }) == "ValueError: I/O operation on closed file");
  CHECK(raises([&] { c.read(1); }) == "ValueError: read of closed file");
}

TEST_CASE_TEMPLATE("a writer whose raw stream was closed refuses writes and flushes", F,
                   BL_CONTRACT_KERNELS) {
  // w = io.BufferedWriter(io.FileIO('g','w')); w.write(b'abc'); w.raw.close(): closed True;
  // write -> write to closed file; flush -> flush of closed file; close() does nothing
  Traced<F> t;
  io::BufferedWriter w(raw(t.k, t.path("g"), "w"));
  w.write(bytes("abc"));
  w.raw()->close();
  CHECK(w.closed());
  CHECK(raises([&] { w.write(bytes("x")); }) == "ValueError: write to closed file");
  CHECK(raises([&] { w.flush(); }) == "ValueError: flush of closed file");
  CHECK(raises([&] { w.close(); }) == "");
  CHECK(t.contents("g") == "");
}

TEST_CASE_TEMPLATE("every method of a closed BufferedReader", F, BL_CONTRACT_KERNELS) {
  Traced<F> t;
  const std::string p = t.put("f", "0123456789");
  io::BufferedReader f(raw(t.k, p));
  f.close();
  CHECK(f.repr() == "<_io.BufferedReader name='" + p + "'>");
  CHECK(f.raw()->repr() == "<_io.FileIO [closed]>");
  CHECK(every_method(f) == Calls{
                               "read: ValueError: read of closed file",
                               "read5: ValueError: read of closed file",
                               "read1: ValueError: read of closed file",
                               "peek: ValueError: peek of closed file",
                               "readinto: ValueError: readinto of closed file",
                               "readinto1: ValueError: readinto of closed file",
                               "readline: ValueError: readline of closed file",
                               "readlines: ValueError: I/O operation on closed file.",
                               "next: ValueError: readline of closed file",
                               "iter: ValueError: I/O operation on closed file.",
                               "write: UnsupportedOperation: write",
                               "writelines: ValueError: I/O operation on closed file.",
                               "seek: ValueError: seek of closed file",
                               "tell: ValueError: I/O operation on closed file",
                               "truncate: ValueError: truncate of closed file",
                               "flush: ValueError: I/O operation on closed file.",
                               "fileno: ValueError: I/O operation on closed file",
                               "isatty: ValueError: I/O operation on closed file",
                               "readable: ValueError: I/O operation on closed file",
                               "writable: ok",
                               "seekable: ValueError: I/O operation on closed file",
                               "name: ok",
                               "mode: ok",
                               "closed: ok",
                               "enter: ValueError: I/O operation on closed file.",
                               "detach: ValueError: I/O operation on closed file.",
                               "close: ok",
                           });
}

TEST_CASE_TEMPLATE("every method of a closed BufferedWriter", F, BL_CONTRACT_KERNELS) {
  Traced<F> t;
  const std::string p = t.put("f", "0123456789");
  io::BufferedWriter f(raw(t.k, p, "w"));
  f.close();
  CHECK(f.repr() == "<_io.BufferedWriter name='" + p + "'>");
  CHECK(every_method(f) ==
        Calls{
            "read: UnsupportedOperation: read",
            "read5: UnsupportedOperation: read",
            "read1: UnsupportedOperation: read1",
            "peek: AttributeError: '_io.BufferedWriter' object has no attribute 'peek'",
            "readinto: UnsupportedOperation: read",
            "readinto1: UnsupportedOperation: read1",
            "readline: UnsupportedOperation: read",
            "readlines: ValueError: I/O operation on closed file.",
            "next: UnsupportedOperation: read",
            "iter: ValueError: I/O operation on closed file.",
            "write: ValueError: write to closed file",
            "writelines: ValueError: I/O operation on closed file.",
            "seek: ValueError: seek of closed file",
            "tell: ValueError: I/O operation on closed file",
            "truncate: ValueError: truncate of closed file",
            "flush: ValueError: flush of closed file",
            "fileno: ValueError: I/O operation on closed file",
            "isatty: ValueError: I/O operation on closed file",
            "readable: ok",
            "writable: ValueError: I/O operation on closed file",
            "seekable: ValueError: I/O operation on closed file",
            "name: ok",
            "mode: ok",
            "closed: ok",
            "enter: ValueError: I/O operation on closed file.",
            "detach: ValueError: flush of closed file",
            "close: ok",
        });
}

TEST_CASE_TEMPLATE("every method of a closed BufferedRandom", F, BL_CONTRACT_KERNELS) {
  Traced<F> t;
  const std::string p = t.put("f", "0123456789");
  io::BufferedRandom f(raw(t.k, p, "r+"));
  f.close();
  CHECK(f.repr() == "<_io.BufferedRandom name='" + p + "'>");
  CHECK(every_method(f) == Calls{
                               "read: ValueError: read of closed file",
                               "read5: ValueError: read of closed file",
                               "read1: ValueError: read of closed file",
                               "peek: ValueError: peek of closed file",
                               "readinto: ValueError: readinto of closed file",
                               "readinto1: ValueError: readinto of closed file",
                               "readline: ValueError: readline of closed file",
                               "readlines: ValueError: I/O operation on closed file.",
                               "next: ValueError: readline of closed file",
                               "iter: ValueError: I/O operation on closed file.",
                               "write: ValueError: write to closed file",
                               "writelines: ValueError: I/O operation on closed file.",
                               "seek: ValueError: seek of closed file",
                               "tell: ValueError: I/O operation on closed file",
                               "truncate: ValueError: truncate of closed file",
                               "flush: ValueError: flush of closed file",
                               "fileno: ValueError: I/O operation on closed file",
                               "isatty: ValueError: I/O operation on closed file",
                               "readable: ValueError: I/O operation on closed file",
                               "writable: ValueError: I/O operation on closed file",
                               "seekable: ValueError: I/O operation on closed file",
                               "name: ok",
                               "mode: ok",
                               "closed: ok",
                               "enter: ValueError: I/O operation on closed file.",
                               "detach: ValueError: flush of closed file",
                               "close: ok",
                           });
}

TEST_CASE_TEMPLATE("after detach every method says the raw stream has been detached", F,
                   BL_CONTRACT_KERNELS) {
  Traced<F> t;
  const std::string p = t.put("f", "0123456789");
  const std::string detached = "ValueError: raw stream has been detached";
  auto expect = [&](std::vector<std::pair<std::string, std::string>> exceptions) {
    const char* names[] = {"read",     "read5",     "read1",    "peek",  "readinto", "readinto1",
                           "readline", "readlines", "next",     "iter",  "write",    "writelines",
                           "seek",     "tell",      "truncate", "flush", "fileno",   "isatty",
                           "readable", "writable",  "seekable", "name",  "mode",     "closed",
                           "enter",    "detach",    "close"};
    Calls out;
    for (const char* name : names) {
      std::string result = detached;
      for (const auto& e : exceptions)
        if (e.first == name) result = e.second;
      out.push_back(std::string(name) + ": " + result);
    }
    return out;
  };
  io::BufferedReader reader(raw(t.k, p));
  reader.detach();
  CHECK(reader.repr() == "<_io.BufferedReader>");
  CHECK(reader.raw() == nullptr);
  CHECK(every_method(reader) ==
        expect({{"write", "UnsupportedOperation: write"}, {"writable", "ok"}}));
  io::BufferedWriter writer(raw(t.k, p, "w"));
  writer.detach();
  CHECK(writer.repr() == "<_io.BufferedWriter>");
  const std::string no_peek = "AttributeError: '_io.BufferedWriter' object has no attribute 'peek'";
  CHECK(every_method(writer) == expect({{"read", "UnsupportedOperation: read"},
                                        {"read5", "UnsupportedOperation: read"},
                                        {"read1", "UnsupportedOperation: read1"},
                                        {"peek", no_peek},
                                        {"readinto", "UnsupportedOperation: read"},
                                        {"readinto1", "UnsupportedOperation: read1"},
                                        {"readline", "UnsupportedOperation: read"},
                                        {"next", "UnsupportedOperation: read"},
                                        {"readable", "ok"}}));
  io::BufferedRandom random(raw(t.k, p, "r+"));
  random.detach();
  CHECK(random.repr() == "<_io.BufferedRandom>");
  CHECK(every_method(random) == expect({}));
}

// --- misbehaving raw streams
// --------------------------------------------------------------------------

namespace {

// class Bad(io.RawIOBase): readable/writable True; readinto returns len(b) + 90; write -1
class BadRaw final : public io::RawIOBase {
 public:
  std::string_view type_name() const override { return "Bad"; }
  bool readable() override { return true; }
  bool writable() override { return true; }
  io::IntOrNone readinto(io::MutableByteSpan b) override {
    return static_cast<std::int64_t>(b.size()) + 90;
  }
  io::IntOrNone write(io::ByteSpan) override { return -1; }
};

}  // namespace

TEST_CASE("raw streams returning impossible lengths raise OSError") {
  // io.BufferedReader(Bad(), 16).read(10) -> OSError: raw readinto() returned invalid length
  // 106 (should have been between 0 and 16); .read1(10) -> ... 100 (... 0 and 10);
  // io.BufferedWriter(Bad(), 16): write(b'x'*5); flush() -> raw write() returned invalid
  // length -1 (should have been between 0 and 5); write(b'x'*50) -> ... 0 and 50)
  io::BufferedReader a(std::make_shared<BadRaw>(), 16);
  CHECK(raises([&] { a.read(10); }) ==
        "OSError: raw readinto() returned invalid length 106 (should have been between 0 and 16)");
  io::BufferedReader b(std::make_shared<BadRaw>(), 16);
  CHECK(raises([&] { b.read1(10); }) ==
        "OSError: raw readinto() returned invalid length 100 (should have been between 0 and 10)");
  io::BufferedReader c(std::make_shared<BadRaw>(), 16);
  CHECK(raises([&] { c.peek(); }) ==
        "OSError: raw readinto() returned invalid length 106 (should have been between 0 and 16)");
  io::BufferedWriter d(std::make_shared<BadRaw>(), 16);
  d.write(bytes("xxxxx"));
  CHECK(raises([&] { d.flush(); }) ==
        "OSError: raw write() returned invalid length -1 (should have been between 0 and 5)");
  io::BufferedWriter e(std::make_shared<BadRaw>(), 16);
  CHECK(raises([&] { e.write(os::as_bytes(std::string(50, 'x'))); }) ==
        "OSError: raw write() returned invalid length -1 (should have been between 0 and 50)");
}

namespace {

// class Rec(io.RawIOBase): moves at most 3 bytes per readinto/write and records each call as
// 'readinto(len(b))=n' / 'write(len(b))=n'
class ShortRaw final : public io::RawIOBase {
 public:
  explicit ShortRaw(std::string data = {}) : data_(std::move(data)) {}
  std::string_view type_name() const override { return "Rec"; }
  bool readable() override { return true; }
  bool writable() override { return true; }
  io::IntOrNone readinto(io::MutableByteSpan b) override {
    const std::size_t n = std::min({std::size_t{3}, b.size(), data_.size() - pos_});
    for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::byte>(data_[pos_ + i]);
    pos_ += n;
    calls.push_back("readinto(" + std::to_string(b.size()) + ")=" + std::to_string(n));
    return static_cast<std::int64_t>(n);
  }
  io::IntOrNone write(io::ByteSpan b) override {
    const std::size_t n = std::min(std::size_t{3}, b.size());
    out += str(b.first(n));
    calls.push_back("write(" + std::to_string(b.size()) + ")=" + std::to_string(n));
    return static_cast<std::int64_t>(n);
  }
  Calls calls;
  std::string out;

 private:
  std::string data_;
  std::size_t pos_ = 0;
};

// class R(io.RawIOBase): seekable, but seek() (and so tell()) returns -5
class NegativeRaw final : public io::RawIOBase {
 public:
  std::string_view type_name() const override { return "R"; }
  bool readable() override { return true; }
  bool writable() override { return true; }
  bool seekable() override { return true; }
  std::int64_t seek(std::int64_t, int) override { return -5; }
  io::IntOrNone readinto(io::MutableByteSpan) override { return 0; }
  io::IntOrNone write(io::ByteSpan b) override {
    return static_cast<std::int64_t>(b.size());
  }
};

}  // namespace

TEST_CASE("short raw reads loop in whole blocks, then through the buffer") {
  // b = io.BufferedReader(Rec(b'0123456789abcdefghij'), 4): b.read(10) -> b'0123456789':
  // readinto(8)=3, readinto(4)=3, readinto(4)=3, readinto(4)=3; b.readinto1(bytearray(10)) ->
  // 5 (b'abcde'): readinto(8)=3; b.read() -> b'fghij': readinto(8192)=3, =2, =0
  auto r = std::make_shared<ShortRaw>("0123456789abcdefghij");
  io::BufferedReader b(r, 4);
  CHECK(str(b.read(10)) == "0123456789");
  CHECK(r->calls == Calls{"readinto(8)=3", "readinto(4)=3", "readinto(4)=3", "readinto(4)=3"});
  r->calls.clear();
  CHECK(readinto(b, 10, true) == "abcde");
  CHECK(r->calls == Calls{"readinto(8)=3"});
  r->calls.clear();
  CHECK(str(b.read()) == "fghij");
  CHECK(r->calls == Calls{"readinto(8192)=3", "readinto(8192)=2", "readinto(8192)=0"});
}

TEST_CASE("after short raw writes the tail that fits is buffered, not written") {
  // bw = io.BufferedWriter(Rec(), 4): bw.write(b'abcdefghij') -> 10: write(10)=3, write(7)=3;
  // bw.flush(): write(4)=3, write(1)=1
  auto w = std::make_shared<ShortRaw>();
  io::BufferedWriter bw(w, 4);
  CHECK(bw.write(bytes("abcdefghij")) == 10);
  CHECK(w->calls == Calls{"write(10)=3", "write(7)=3"});
  CHECK(w->out == "abcdef");
  w->calls.clear();
  bw.flush();
  CHECK(w->calls == Calls{"write(4)=3", "write(1)=1"});
  CHECK(w->out == "abcdefghij");
}

TEST_CASE("a raw stream reporting a negative position raises OSError") {
  // io.BufferedReader(R()).tell(), .seek(0), .seek(0, 2); io.BufferedWriter(R()).tell();
  // io.BufferedRandom(R()).tell() -> OSError: Raw stream returned invalid position -5
  const std::string invalid = "OSError: Raw stream returned invalid position -5";
  io::BufferedReader r(std::make_shared<NegativeRaw>());
  CHECK(raises([&] { r.tell(); }) == invalid);
  CHECK(raises([&] { r.seek(0); }) == invalid);
  CHECK(raises([&] { r.seek(0, 2); }) == invalid);
  io::BufferedWriter w(std::make_shared<NegativeRaw>());
  CHECK(raises([&] { w.tell(); }) == invalid);
  io::BufferedRandom b(std::make_shared<NegativeRaw>());
  CHECK(raises([&] { b.tell(); }) == invalid);
}

TEST_CASE("RawIOBase defaults raise UnsupportedOperation or NotImplementedError") {
  // class NoSeek(io.RawIOBase): tell/seek -> UnsupportedOperation: seek; fileno -> fileno;
  // truncate -> truncate; io.RawIOBase().readall() and .write(b'x') -> NotImplementedError
  BadRaw r;
  CHECK(raises([&] { r.tell(); }) == "UnsupportedOperation: seek");
  CHECK(raises([&] { r.seek(0); }) == "UnsupportedOperation: seek");
  CHECK(raises([&] { r.fileno(); }) == "UnsupportedOperation: fileno");
  CHECK(raises([&] { r.truncate(); }) == "UnsupportedOperation: truncate");
  struct Plain final : io::RawIOBase {
    std::string_view type_name() const override { return "_io._RawIOBase"; }
  } plain;
  CHECK(raises([&] { plain.readall(); }) == "NotImplementedError: ");
  CHECK(raises([&] { plain.write(bytes("x")); }) == "NotImplementedError: ");
}

// --- BufferedRWPair
// -------------------------------------------------------------------------------

TEST_CASE_TEMPLATE("BufferedRWPair forwards reads to one pipe and writes to another", F,
                   BL_CONTRACT_KERNELS) {
  // r1, w1 = os.pipe(); r2, w2 = os.pipe(); p = io.BufferedRWPair(io.FileIO(r1,'r'),
  // io.FileIO(w2,'w'), 16): readable True, writable True, seekable False, closed False,
  // isatty False; write(b'hello') 5; flush() -> os.read(r2) b'hello'; after os.write(w1,
  // b'line1\nrest'), close(w1): peek() b'line1\nrest', read1(3) b'lin', readline() b'e1\n',
  // read(2) b're', readinto(bytearray(5)) 2, read() b''
  Traced<F> t;
  const auto one = must(t.kernel.pipe());
  const auto two = must(t.kernel.pipe());
  io::BufferedRWPair p(raw(t.k, fd_name(one.first)), raw(t.k, fd_name(two.second), "w"), 16);
  CHECK(p.readable());
  CHECK(p.writable());
  CHECK_FALSE(p.seekable());
  CHECK_FALSE(p.closed());
  CHECK_FALSE(p.isatty());
  CHECK(p.write(bytes("hello")) == 5);
  p.flush();
  CHECK(contract::read_text(t.kernel, two.first, 100) == "hello");
  must(t.kernel.write(one.second, os::as_bytes("line1\nrest")));
  must(t.kernel.close(one.second));
  CHECK(str(p.peek()) == "line1\nrest");
  CHECK(str(p.read1(3)) == "lin");
  CHECK(str(p.readline()) == "e1\n");
  CHECK(str(p.read(2)) == "re");
  CHECK(readinto(p, 5) == "st");
  CHECK(str(p.read()) == "");
  must(t.kernel.close(two.first));
}

TEST_CASE_TEMPLATE("BufferedRWPair readline is IOBase's, sized by peek", F, BL_CONTRACT_KERNELS) {
  // p = io.BufferedRWPair(io.FileIO(r), io.FileIO(w2,'w'), 16) with b'line1\nrest' in the
  // pipe and its writer closed: readline() b'line1\n' (read(16)=10); readline() b'rest'
  // (read(16)=0 twice); readline() b'' (read(16)=0 twice); readinto1(bytearray(4)) 0
  // (read(16)=0); write(b'x'*20) -> write(20); close() -> close(w2), then close(r)
  Traced<F> t;
  const auto one = must(t.kernel.pipe());
  const auto two = must(t.kernel.pipe());
  const os::Fd r = one.first, w = two.second;
  must(t.kernel.write(one.second, os::as_bytes("line1\nrest")));
  must(t.kernel.close(one.second));
  io::BufferedRWPair p(raw(t.k, fd_name(r)), raw(t.k, fd_name(w), "w"), 16);
  t.clear();
  CHECK(str(p.readline()) == "line1\n");
  CHECK(t.take(r) == Calls{"read(16)=10"});
  CHECK(str(p.readline()) == "rest");
  CHECK(t.take(r) == Calls{"read(16)=0", "read(16)=0"});
  CHECK(str(p.readline()) == "");
  CHECK(t.take(r) == Calls{"read(16)=0", "read(16)=0"});
  CHECK(readinto(p, 4, true) == "");
  CHECK(t.take(r) == Calls{"read(16)=0"});
  p.write(os::as_bytes(std::string(20, 'x')));
  CHECK(t.take(w) == Calls{"write(20)=20"});
  p.close();
  Calls order;
  for (const trace::SyscallEvent& e : t.recorder.syscalls())
    order.push_back(std::to_string(e.fd) + " " + iotest::compact(e));
  CHECK(order == Calls{std::to_string(w) + " close()=0", std::to_string(r) + " close()=0"});
  must(t.kernel.close(two.first));
}

TEST_CASE_TEMPLATE("BufferedRWPair has no position, descriptor or detach; close closes both", F,
                   BL_CONTRACT_KERNELS) {
  // p.seek(0), p.tell() -> UnsupportedOperation: seek; p.fileno() -> fileno; p.detach() ->
  // detach; p.truncate() -> truncate; after p.close(): closed True, read -> read of closed
  // file, write -> write to closed file, flush -> flush of closed file, peek -> peek of closed
  // file, readable -> I/O operation on closed file; close() again is fine
  Traced<F> t;
  const auto one = must(t.kernel.pipe());
  const auto two = must(t.kernel.pipe());
  io::BufferedRWPair p(raw(t.k, fd_name(one.first)), raw(t.k, fd_name(two.second), "w"), 16);
  CHECK(raises([&] { p.seek(0); }) == "UnsupportedOperation: seek");
  CHECK(raises([&] { p.tell(); }) == "UnsupportedOperation: seek");
  CHECK(raises([&] { p.fileno(); }) == "UnsupportedOperation: fileno");
  CHECK(raises([&] { p.detach(); }) == "UnsupportedOperation: detach");
  CHECK(raises([&] { p.truncate(); }) == "UnsupportedOperation: truncate");
  p.close();
  CHECK(p.closed());
  CHECK(t.kernel.fstat(one.first).error() == os::Errno::ebadf);
  CHECK(t.kernel.fstat(two.second).error() == os::Errno::ebadf);
  CHECK(raises([&] { p.read(); }) == "ValueError: read of closed file");
  CHECK(raises([&] { p.write(bytes("x")); }) == "ValueError: write to closed file");
  CHECK(raises([&] { p.flush(); }) == "ValueError: flush of closed file");
  CHECK(raises([&] { p.peek(); }) == "ValueError: peek of closed file");
  CHECK(raises([&] { p.readable(); }) == "ValueError: I/O operation on closed file");
  CHECK(raises([&] { p.close(); }) == "");
  must(t.kernel.close(one.second));
  must(t.kernel.close(two.first));
}
