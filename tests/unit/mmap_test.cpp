// lib::Mmap (Python's mmap.mmap) on both kernels: construction checks, the sequence and file
// sides, resize/flush/close, buffer exports, and — on SimKernel — that stores through a map
// are page-cache data that a crash loses unless flush() (msync MS_SYNC) made them durable.
// Every expected message and value was produced by CPython 3.11.7 on Linux (ext4).
#include <doctest/doctest.h>

#include <string>

#include "contract/kernel_fixture.hpp"
#include "lib/mmap.hpp"
#include "trace/tracing_kernel.hpp"
#include "sim_helpers.hpp"

namespace {

using bl::lib::Mmap;
using bl::lib::Slice;
using bl::os::Errno;
using bl::os::Fd;
using bl::os::Kernel;
using namespace bl::contract;
namespace lib = bl::lib;

constexpr std::string_view kText = "hello\nworld\nxxxxxxxxxxxxxxxxxxxx";  // 32 bytes

std::string text(const bl::buffer::Bytes& b) { return std::string(b.view()); }
bl::buffer::ByteSpan bytes(std::string_view s) { return bl::os::as_bytes(s); }

// The Python exception `call` raises, as "Type: message".
template <class F>
std::string raised(F&& call) {
  try {
    call();
  } catch (const bl::Exception& e) {
    return std::string(e.type_name()) + ": " + e.what();
  }
  return "nothing";
}

// A file holding kText and a descriptor on it opened with `flags`.
template <class F>
Fd file_with_text(F& f, int flags = O::RDWR, std::string_view content = kText) {
  write_file(f.kernel, f.path("a"), content);
  return must(f.kernel.open(f.path("a"), flags));
}

}  // namespace

TEST_CASE_TEMPLATE("mmap: construction checks in CPython's order", F, BL_CONTRACT_KERNELS) {
  F f;
  Kernel& k = f.kernel;
  Fd fd = file_with_text(f);
  CHECK(raised([&] { Mmap(k, fd, -1, {.offset = -1}); }) ==
        "OverflowError: memory mapped length must be positive");
  CHECK(raised([&] { Mmap(k, fd, 0, {.offset = -1}); }) ==
        "OverflowError: memory mapped offset must be positive");
  CHECK(raised([&] { Mmap(k, fd, 0, {.prot = bl::os::PROT::READ, .access = 5}); }) ==
        "ValueError: mmap can't specify both access and flags, prot.");
  CHECK(raised([&] { Mmap(k, fd, 0, {.access = 5}); }) ==
        "ValueError: mmap invalid access parameter.");
  CHECK(raised([&] { Mmap(k, fd, 0, {.offset = 32}); }) ==
        "ValueError: mmap offset is greater than file size");
  CHECK(raised([&] { Mmap(k, fd, 33); }) == "ValueError: mmap length is greater than file size");
  CHECK(raised([&] { Mmap(k, fd, 10, {.offset = 4096}); }) ==
        "ValueError: mmap length is greater than file size");
  // Left to the kernel: an offset that is not a multiple of the page size.
  CHECK(raised([&] { Mmap(k, fd, 10, {.offset = 1}); }) == "OSError: [Errno 22] Invalid argument");
  CHECK(raised([&] { Mmap(k, -1, 0); }) == "OSError: [Errno 22] Invalid argument");
  CHECK(raised([&] { Mmap(k, kBadFd, 10); }) == "OSError: [Errno 9] Bad file descriptor");
  CHECK(raised([&] { Mmap(k, fd, 0, {.flags = 0}); }) == "OSError: [Errno 22] Invalid argument");
  write_file(k, f.path("empty"), "");
  Fd empty = must(k.open(f.path("empty"), O::RDWR));
  CHECK(raised([&] { Mmap(k, empty, 0); }) == "ValueError: cannot mmap an empty file");
  Fd ro = must(k.open(f.path("a"), O::RDONLY));
  CHECK(raised([&] { Mmap(k, ro, 0); }) == "PermissionError: [Errno 13] Permission denied");
  CHECK(raised([&] { Mmap(k, ro, 0, {.access = lib::ACCESS_WRITE}); }) ==
        "PermissionError: [Errno 13] Permission denied");
  // The failed maps closed their dup: the next descriptor is the lowest free one again.
  Fd next = must(k.dup(fd));
  CHECK(next == ro + 1);
  for (Fd d : {fd, empty, ro, next}) must(k.close(d));
}

TEST_CASE_TEMPLATE("mmap: access follows prot, and O_APPEND does not matter",
                   F, BL_CONTRACT_KERNELS) {
  F f;
  Kernel& k = f.kernel;
  Fd fd = file_with_text(f, O::RDWR | O::APPEND);
  CHECK(Mmap(k, fd, 0).repr() ==
        "<mmap.mmap closed=False, access=ACCESS_DEFAULT, length=32, pos=0, offset=0>");
  CHECK(Mmap(k, fd, 0, {.prot = bl::os::PROT::READ}).access() == lib::ACCESS_READ);
  CHECK(Mmap(k, fd, 0, {.prot = bl::os::PROT::WRITE}).access() == lib::ACCESS_WRITE);
  CHECK(Mmap(k, fd, 0, {.access = lib::ACCESS_COPY}).access() == lib::ACCESS_COPY);
  // MAP_SHARED | MAP_PRIVATE is MAP_SHARED_VALIDATE: a shared map.
  CHECK(Mmap(k, fd, 0, {.flags = 3}).access() == lib::ACCESS_DEFAULT);
  must(k.close(fd));
}

TEST_CASE_TEMPLATE("mmap: the file-like side", F, BL_CONTRACT_KERNELS) {
  F f;
  Fd fd = file_with_text(f);
  Mmap m(f.kernel, fd, 0);
  CHECK(m.len() == 32);
  CHECK(text(m.readline()) == "hello\n");
  CHECK(text(m.read(3)) == "wor");
  CHECK(m.read_byte() == 'l');
  CHECK(m.find(bytes("x")) == 12);
  CHECK(m.find(bytes("l")) == -1);  // from the position on
  CHECK(m.find(bytes("l"), 0) == 2);
  CHECK(m.rfind(bytes("o"), 0, -30) == -1);
  CHECK(m.rfind(bytes("o")) == -1);
  CHECK(m.rfind(bytes("o"), 0) == 7);
  CHECK(m.find(bytes(""), 40) == 32);
  CHECK(m.find(bytes(""), 5, 2) == -1);
  CHECK(m.rfind(bytes(""), 0) == 32);
  CHECK(text(m.read(-5)).size() == 22);
  CHECK(text(m.read()).empty());
  CHECK(raised([&] { m.read_byte(); }) == "ValueError: read byte out of range");
  CHECK(text(m.readline()).empty());
  m.seek(-2, 2);
  CHECK(m.tell() == 30);
  CHECK(raised([&] { m.seek(33); }) == "ValueError: seek out of range");
  CHECK(raised([&] { m.seek(-1); }) == "ValueError: seek out of range");
  CHECK(raised([&] { m.seek(-1, 3); }) == "ValueError: unknown seek type");
  CHECK(raised([&] { m.write(bytes("abc")); }) == "ValueError: data out of range");
  CHECK(m.write(bytes("AB")) == 2);
  CHECK(raised([&] { m.write_byte(65); }) == "ValueError: write byte out of range");
  m.seek(0);
  CHECK(raised([&] { m.write_byte(256); }) ==
        "OverflowError: unsigned byte integer is greater than maximum");
  CHECK(raised([&] { m.write_byte(-1); }) ==
        "OverflowError: unsigned byte integer is less than minimum");
  m.write_byte('H');
  m.move(1, 6, 5);
  CHECK(m.tell() == 1);
  m.seek(0);
  CHECK(text(m.read(12)) == "Hworldworld\n");
  CHECK(raised([&] { m.move(0, 30, 3); }) ==
        "ValueError: source, destination, or count out of range");
  // Stores through a shared map are the file's bytes at once.
  CHECK(bl::test::contents(f.kernel, f.path("a")) == "Hworldworld\nxxxxxxxxxxxxxxxxxxAB");
  m.close();
  must(f.kernel.close(fd));
}

TEST_CASE_TEMPLATE("mmap: indexing and slices", F, BL_CONTRACT_KERNELS) {
  F f;
  Fd fd = file_with_text(f);
  Mmap m(f.kernel, fd, 0);
  CHECK(m.getitem(0) == 'h');
  CHECK(m.getitem(-1) == 'x');
  CHECK(raised([&] { m.getitem(32); }) == "IndexError: mmap index out of range");
  CHECK(raised([&] { m.getitem(-33); }) == "IndexError: mmap index out of range");
  CHECK(text(m.getitem(Slice{2, 5, {}})) == "llo");
  CHECK(text(m.getitem(Slice{{}, {}, -3})) == "xxxxxxxdooe");
  CHECK(text(m.getitem(Slice{5, 2, {}})).empty());
  CHECK(raised([&] { m.getitem(Slice{{}, {}, 0}); }) == "ValueError: slice step cannot be zero");
  CHECK(raised([&] { m.setitem(0, 256); }) ==
        "ValueError: mmap item value must be in range(0, 256)");
  CHECK(raised([&] { m.setitem(40, 1); }) == "IndexError: mmap index out of range");
  CHECK(raised([&] { m.setitem(Slice{0, 2, {}}, bytes("abc")); }) ==
        "IndexError: mmap slice assignment is wrong size");
  m.setitem(Slice{0, 4, 2}, bytes("AB"));
  m.setitem(-1, 'Z');
  CHECK(text(m.getitem(Slice{0, 4, {}})) == "AeBl");
  CHECK(m.getitem(31) == 'Z');
  m.close();
  must(f.kernel.close(fd));
}

TEST_CASE_TEMPLATE("mmap: ACCESS_READ refuses stores, ACCESS_COPY keeps them private",
                   F, BL_CONTRACT_KERNELS) {
  F f;
  Kernel& k = f.kernel;
  Fd fd = file_with_text(f, O::RDONLY);
  Mmap r(k, fd, 0, {.access = lib::ACCESS_READ});
  const std::string readonly = "TypeError: mmap can't modify a readonly memory map.";
  CHECK(raised([&] { r.write(bytes("a")); }) == readonly);
  CHECK(raised([&] { r.write_byte('a'); }) == readonly);
  CHECK(raised([&] { r.setitem(100, 1); }) == readonly);
  CHECK(raised([&] { r.move(0, 0, 100); }) == readonly);
  CHECK(raised([&] { r.resize(5); }) ==
        "TypeError: mmap can't resize a readonly or copy-on-write memory map.");
  r.flush(1, 1);  // a no-op for ACCESS_READ, even unaligned
  CHECK(r.memoryview().readonly());

  Mmap c(k, fd, 0, {.access = lib::ACCESS_COPY});  // a read-only descriptor will do
  c.setitem(0, 'A');
  c.write(bytes("BC"));
  c.flush();
  CHECK(text(c.getitem(Slice{0, 3, {}})) == "BCl");
  CHECK(r.getitem(0) == 'h');
  CHECK(raised([&] { c.resize(5); }) ==
        "TypeError: mmap can't resize a readonly or copy-on-write memory map.");
  c.close();
  CHECK(bl::test::contents(k, f.path("a")) == kText);
  must(k.close(fd));
}

TEST_CASE_TEMPLATE("mmap: resize moves the file's end both ways", F, BL_CONTRACT_KERNELS) {
  F f;
  Kernel& k = f.kernel;
  Fd fd = file_with_text(f);
  Mmap m(k, fd, 0);
  m.seek(20);
  m.resize(8192);
  CHECK(m.len() == 8192);
  CHECK(m.size() == 8192);
  CHECK(m.getitem(8191) == 0);
  m.setitem(8191, 'E');
  CHECK(bl::test::contents(k, f.path("a")).back() == 'E');
  m.resize(10);
  CHECK(m.size() == 10);
  CHECK(m.tell() == 20);  // the position may pass the end
  CHECK(text(m.read()).empty());
  CHECK(raised([&] { m.write(bytes("")); }) == "ValueError: data out of range");
  CHECK(raised([&] { m.seek(0, 1); }) == "ValueError: seek out of range");
  CHECK(m.find(bytes("")) == 10);
  CHECK(raised([&] { m.resize(-1); }) == "ValueError: new size out of range");
  CHECK(raised([&] { m.resize(std::int64_t{1} << 62); }) == "OSError: [Errno 27] File too large");
  CHECK(bl::test::contents(k, f.path("a")) == "hello\nworl");
  m.close();
  must(k.close(fd));
}

TEST_CASE_TEMPLATE("mmap: anonymous maps", F, BL_CONTRACT_KERNELS) {
  F f;
  Mmap a(f.kernel, -1, 100);
  CHECK(raised([&] { a.size(); }) == "OSError: [Errno 9] Bad file descriptor");
  a.write(bytes("abc"));
  a.resize(5000);
  CHECK(text(a.getitem(Slice{0, 4, {}})) == std::string("abc\0", 4));
  a.flush();
  CHECK(a.repr() == "<mmap.mmap closed=False, access=ACCESS_DEFAULT, length=5000, pos=3, offset=0>");
}

TEST_CASE_TEMPLATE("mmap: flush checks its range, the kernel its alignment", F,
                   BL_CONTRACT_KERNELS) {
  F f;
  Fd fd = file_with_text(f);
  Mmap m(f.kernel, fd, 0);
  const std::string range = "ValueError: flush values out of range";
  CHECK(raised([&] { m.flush(1); }) == range);  // size defaults to len(m)
  CHECK(raised([&] { m.flush(0, 33); }) == range);
  CHECK(raised([&] { m.flush(-1, 0); }) == range);
  CHECK(raised([&] { m.flush(0, -1); }) == range);
  CHECK(raised([&] { m.flush(33, 0); }) == range);
  CHECK(raised([&] { m.flush(32, 0); }) == "OSError: [Errno 22] Invalid argument");
  m.flush(0, 0);
  m.flush(0, 5);
  m.close();
  must(f.kernel.close(fd));
}

TEST_CASE_TEMPLATE("mmap: exported buffers pin the map", F, BL_CONTRACT_KERNELS) {
  F f;
  Kernel& k = f.kernel;
  Fd fd = file_with_text(f);
  std::optional<bl::buffer::MemoryView> view;
  {
    Mmap m(k, fd, 0);
    view = m.memoryview();
    CHECK_FALSE(view->readonly());
    CHECK(raised([&] { m.close(); }) == "BufferError: cannot close exported pointers exist");
    CHECK(raised([&] { m.resize(10); }) ==
          "BufferError: mmap can't resize with extant buffers exported.");
    CHECK_FALSE(m.closed());
    view->mutable_span()[0] = std::byte{'J'};
    CHECK(m.getitem(0) == 'J');
  }
  // The view outlives the object and still writes into the file's pages.
  view->mutable_span()[1] = std::byte{'E'};
  CHECK(bl::test::contents(k, f.path("a")).substr(0, 5) == "JEllo");
  view->release();
  Mmap m(k, fd, 0);
  {
    auto v = m.memoryview();
  }
  m.close();  // every view is gone
  CHECK(m.closed());
  must(k.close(fd));
}

TEST_CASE_TEMPLATE("mmap: a closed map", F, BL_CONTRACT_KERNELS) {
  F f;
  Fd fd = file_with_text(f);
  Mmap m(f.kernel, fd, 0);
  CHECK(&m.enter() == &m);
  m.exit();
  m.close();
  CHECK(m.closed());
  CHECK(m.repr() == "<mmap.mmap closed=True>");
  const std::string closed = "ValueError: mmap closed or invalid";
  CHECK(raised([&] { m.len(); }) == closed);
  CHECK(raised([&] { m.getitem(0); }) == closed);
  CHECK(raised([&] { m.getitem(Slice{}); }) == closed);
  CHECK(raised([&] { m.setitem(0, 1); }) == closed);
  CHECK(raised([&] { m.read(); }) == closed);
  CHECK(raised([&] { m.readline(); }) == closed);
  CHECK(raised([&] { m.write_byte(300); }) == closed);
  CHECK(raised([&] { m.seek(0); }) == closed);
  CHECK(raised([&] { m.size(); }) == closed);
  CHECK(raised([&] { m.flush(); }) == closed);
  CHECK(raised([&] { m.resize(5); }) == closed);
  CHECK(raised([&] { m.memoryview(); }) == closed);
  CHECK(raised([&] { m.enter(); }) == closed);
  CHECK(raised([&] { m.find(bytes("")); }) == closed);
  must(f.kernel.close(fd));
}

TEST_CASE("mmap: the system calls of §15 pattern 14 (sim)") {
  SimFixture f;
  write_file(f.kernel, f.path("b"), std::string(50, 'z'));
  Fd fd = must(f.kernel.open(f.path("b"), O::RDWR));
  bl::trace::Recorder recorder;
  bl::trace::TracingKernel k(f.kernel, recorder);
  Mmap m(k, fd, 0);
  m.flush();
  m.resize(8192);
  m.close();
  std::vector<std::string> calls;
  for (const auto& e : recorder.syscalls()) calls.push_back(bl::trace::to_strace(e));
  REQUIRE(calls.size() == 8);
  CHECK(calls[0].starts_with("newfstatat(3, \"\""));
  CHECK(calls[1] == "fcntl(3, F_DUPFD_CLOEXEC, 0) = 4");
  CHECK(calls[2].starts_with("mmap(NULL, 50, PROT_READ|PROT_WRITE, MAP_SHARED, 3, 0) = 0x"));
  CHECK(calls[3].starts_with("msync(0x"));
  CHECK(calls[3].ends_with(", 50, MS_SYNC) = 0"));
  CHECK(calls[4] == "ftruncate(4, 8192) = 0");
  CHECK(calls[5].starts_with("mremap(0x"));
  CHECK(calls[6] == "close(4) = 0");
  CHECK(calls[7].starts_with("munmap(0x"));
  CHECK(calls[7].ends_with(", 8192) = 0"));
  must(f.kernel.close(fd));
}

// --- durability (SimKernel) -------------------------------------------------------------------

namespace {

std::string durable(bl::os::SimKernel& k, std::string_view path) {
  for (const auto& file : k.files()) {
    if (file.path == path) return std::string(bl::os::as_text(file.durable));
  }
  return "<missing>";
}

}  // namespace

TEST_CASE("mmap (sim): stores through the map are lost by a crash unless flushed") {
  bl::os::SimKernel k;
  const std::string path = std::string(bl::os::SimKernel::kHome) + "/d";
  bl::test::put(k, path, std::string(3 * 4096, 'o'), true);
  const Fd home = must(k.open(bl::os::SimKernel::kHome, O::RDONLY | O::DIRECTORY));
  must(k.fsync(home));  // the name survives too
  must(k.close(home));
  Fd fd = must(k.open(path, O::RDWR));

  SUBCASE("stored, not flushed: the old bytes come back") {
    Mmap m(k, fd, 0);
    m.write(bytes("new"));
    CHECK(bl::test::contents(k, path).substr(0, 3) == "new");  // the page cache has them
    CHECK(durable(k, path).substr(0, 3) == "ooo");
    k.crash();
    CHECK(bl::test::contents(k, path).substr(0, 3) == "ooo");
  }
  SUBCASE("stored and flushed: the new bytes survive") {
    Mmap m(k, fd, 0);
    m.write(bytes("new"));
    m.flush();
    k.crash();
    CHECK(bl::test::contents(k, path).substr(0, 3) == "new");
  }
  SUBCASE("a partial flush makes only its pages durable") {
    Mmap m(k, fd, 0);
    m.setitem(0, 'A');
    m.setitem(4096, 'B');
    m.setitem(2 * 4096 + 5, 'C');
    m.flush(4096, 4096);  // the second page only
    k.crash();
    std::string after = bl::test::contents(k, path);
    CHECK(after[0] == 'o');
    CHECK(after[4096] == 'B');
    CHECK(after[2 * 4096 + 5] == 'o');
  }
  SUBCASE("closing is not flushing") {
    {
      Mmap m(k, fd, 0);
      m.setitem(1, 'X');
    }
    CHECK(bl::test::contents(k, path)[1] == 'X');
    k.crash();
    CHECK(bl::test::contents(k, path)[1] == 'o');
  }
  SUBCASE("ACCESS_COPY stores never reach the cache, flushed or not") {
    Mmap m(k, fd, 0, {.access = lib::ACCESS_COPY});
    m.setitem(0, 'P');
    m.flush();
    CHECK(bl::test::contents(k, path)[0] == 'o');
    CHECK(m.getitem(0) == 'P');
  }
}

TEST_CASE_TEMPLATE("mmap: a private map that shrinks and grows again faults fresh pages",
                   F, BL_CONTRACT_KERNELS) {
  F f;
  Fd fd = file_with_text(f, O::RDWR, std::string(9000, 'a'));
  Mmap m(f.kernel, fd, 0, {.flags = bl::os::MAP::PRIVATE});
  m.setitem(5000, 'X');
  m.setitem(10, 'Y');
  m.resize(100);   // the file is 100 bytes now, and the map one page
  m.resize(9000);  // the file grows back with zeros
  CHECK(m.getitem(10) == 'Y');
  CHECK(m.getitem(5000) == 0);
  CHECK(m.getitem(8999) == 0);
  CHECK(m.size() == 9000);
  m.close();
  must(f.kernel.close(fd));
}

TEST_CASE_TEMPLATE("mmap: flushing nothing at the end of the map", F, BL_CONTRACT_KERNELS) {
  F f;
  Fd fd = file_with_text(f, O::RDWR, std::string(4096, 'p'));
  Mmap m(f.kernel, fd, 0);
  m.flush(4096, 0);  // msync(end of the mapping, 0): Linux accepts an empty range anywhere
  m.close();
  must(f.kernel.close(fd));
}
