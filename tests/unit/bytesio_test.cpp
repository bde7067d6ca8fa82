// io.BytesIO against CPython 3.11: every value and message below was first printed by
// `env -u PYTHONUNBUFFERED python3 -c "import io; ..."` on these machines.
#include <doctest/doctest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "buffer/bytes.hpp"
#include "buffer/memoryview.hpp"
#include "io/bytesio.hpp"

using namespace std::literals;
using bl::buffer::ByteArray;
using bl::buffer::Bytes;
using bl::buffer::ByteSpan;
using bl::buffer::MemoryView;
using bl::io::BytesIO;

namespace {

// "Type: message" as Python prints an uncaught exception, or "no exception".
template <class F>
std::string py_error(F&& f) {
  try {
    f();
  } catch (const bl::Exception& e) {
    return std::string(e.type_name()) + ": " + e.what();
  }
  return "no exception";
}

Bytes b(std::string_view text) { return Bytes::from(text); }

std::vector<std::string> strings(const std::vector<Bytes>& lines) {
  std::vector<std::string> out;
  for (const Bytes& line : lines) out.emplace_back(line.view());
  return out;
}

constexpr auto kClosed = "ValueError: I/O operation on closed file.";
constexpr auto kExported = "BufferError: Existing exports of data: object cannot be re-sized";

}  // namespace

TEST_CASE("BytesIO starts at position 0 with a copy of the initial bytes") {
  BytesIO empty;
  CHECK(empty.getvalue().view() == "");
  CHECK(empty.tell() == 0);
  BytesIO io(b("abc"));
  CHECK(io.tell() == 0);
  CHECK(io.read()->view() == "abc");
  ByteArray array(b("xy").span());
  BytesIO from_array(array.span());
  array.span()[0] = std::byte{'Z'};
  CHECK(from_array.getvalue().view() == "xy");
  CHECK(from_array.tell() == 0);
  CHECK(io.repr() == "<_io.BytesIO object>");
  CHECK(io.type_name() == "_io.BytesIO");
}

TEST_CASE("BytesIO read and read1 take n bytes, all of them for n < 0, nothing past the end") {
  BytesIO io(b("abc\ndef\n"));
  CHECK(io.read(0)->view() == "");
  CHECK(io.read(2)->view() == "ab");
  CHECK(io.read1(1).view() == "c");
  CHECK(io.read(-5)->view() == "\ndef\n");
  CHECK(io.read()->view() == "");
  CHECK(io.read1().view() == "");
  io.seek(1);
  CHECK(io.read1(-1).view() == "bc\ndef\n");
  io.seek(1);
  CHECK(io.read(100)->view() == "bc\ndef\n");
  CHECK(io.seek(20) == 20);
  CHECK(io.read()->view() == "");
  CHECK(io.read1(5).view() == "");
  CHECK(io.tell() == 20);
}

TEST_CASE("BytesIO readinto and readinto1 return the count copied") {
  BytesIO io(b("abcdef"));
  std::vector<std::byte> four(4), nine(9), none;
  CHECK(io.readinto1(four) == 4);
  CHECK(Bytes(four).view() == "abcd");
  CHECK(io.readinto1(nine) == 2);
  CHECK(Bytes(nine).view() == "ef\0\0\0\0\0\0\0"sv);
  CHECK(io.readinto1(nine) == 0);
  io.seek(4);
  CHECK(io.readinto(nine) == 2);
  CHECK(io.tell() == 6);
  io.seek(10);
  CHECK(io.readinto(four) == 0);
  CHECK(io.readinto(none) == 0);
  CHECK(io.tell() == 10);
}

TEST_CASE("BytesIO readinto a view of itself moves the bytes") {
  // b = io.BytesIO(b'abcdef'); b.seek(2); b.readinto(b.getbuffer()) -> 4; b'cdefef'
  BytesIO io(b("abcdef"));
  io.seek(2);
  CHECK(io.readinto(io.getbuffer().mutable_span()) == 4);
  CHECK(io.getvalue().view() == "cdefef");
}

TEST_CASE("BytesIO readline honours the limit and keeps the newline") {
  BytesIO io(b("ab\ncd\n\nef"));
  CHECK(io.readline(0).view() == "");
  CHECK(io.readline(1).view() == "a");
  CHECK(io.readline(-5).view() == "b\n");
  CHECK(io.readline().view() == "cd\n");
  CHECK(io.readline(10).view() == "\n");
  CHECK(io.readline().view() == "ef");
  CHECK(io.readline().view() == "");
  io.seek(50);
  CHECK(io.readline().view() == "");
}

TEST_CASE("BytesIO next returns lines, then StopIteration") {
  BytesIO io(b("ab\ncd"));
  io.iter();
  CHECK(io.next().view() == "ab\n");
  CHECK(io.next().view() == "cd");
  CHECK(py_error([&] { io.next(); }) == "StopIteration: ");
  CHECK(py_error([&] { io.next(); }) == "StopIteration: ");
}

TEST_CASE("BytesIO readlines stops once the total reaches the hint") {
  // Unlike IOBase.readlines: io.BufferedReader(io.BytesIO(b'a\nbb\nccc\n')).readlines(2)
  // gives [b'a\n', b'bb\n'], io.BytesIO(b'a\nbb\nccc\n').readlines(2) gives [b'a\n'].
  const std::vector<std::pair<std::int64_t, std::vector<std::string>>> cases = {
      {-1, {"a\n", "bb\n", "ccc\n"}},
      {0, {"a\n", "bb\n", "ccc\n"}},
      {1, {"a\n"}},
      {2, {"a\n"}},
      {3, {"a\n", "bb\n"}},
      {5, {"a\n", "bb\n"}},
      {6, {"a\n", "bb\n", "ccc\n"}},
      {100, {"a\n", "bb\n", "ccc\n"}}};
  for (const auto& one : cases) {
    CAPTURE(one.first);
    BytesIO io(b("a\nbb\nccc\n"));
    CHECK(strings(io.readlines(one.first)) == one.second);
  }
  BytesIO io(b("ab\ncd\n\nef"));
  io.seek(3);
  CHECK(strings(io.readlines()) == std::vector<std::string>{"cd\n", "\n", "ef"});
  CHECK(io.readlines().empty());
}

TEST_CASE("BytesIO write returns the length, overwrites, and zero-fills a gap") {
  BytesIO io(b("HEllo"));
  CHECK(io.write(b("ab").span()) == 2);
  CHECK(io.getvalue().view() == "abllo");
  CHECK(io.tell() == 2);
  io.seek(10);
  CHECK(io.write(ByteSpan()) == 0);  // an empty write does not fill the gap
  CHECK(io.getvalue().view() == "abllo");
  CHECK(io.write(b("X").span()) == 1);
  CHECK(io.getvalue().view() == "abllo\0\0\0\0\0X"sv);
  CHECK(io.tell() == 11);
  io.seek(9);
  CHECK(io.write(b("123").span()) == 3);
  CHECK(io.getvalue().view() ==
        "abllo\0\0\0\0"
        "123"sv);
}

TEST_CASE("BytesIO writelines writes each item in turn") {
  BytesIO io;
  io.writelines({b("ab"), b("cd")});
  CHECK(io.getvalue().view() == "abcd");
  CHECK(io.tell() == 4);
  io.writelines({});
  CHECK(io.getvalue().view() == "abcd");
}

TEST_CASE("BytesIO seek: CPython's messages, and clamping to 0 for whence 1 and 2") {
  BytesIO io(b("HEllo"));
  CHECK(py_error([&] { io.seek(-1); }) == "ValueError: negative seek value -1");
  CHECK(py_error([&] { io.seek(0, 3); }) == "ValueError: invalid whence (3, should be 0, 1 or 2)");
  CHECK(py_error([&] { io.seek(-1, 3); }) == "ValueError: invalid whence (3, should be 0, 1 or 2)");
  CHECK(py_error([&] { io.seek(0, -1); }) ==
        "ValueError: invalid whence (-1, should be 0, 1 or 2)");
  CHECK(io.seek(2) == 2);
  CHECK(io.seek(-1, 1) == 1);
  CHECK(io.seek(-5, 1) == 0);
  CHECK(io.seek(-100, 2) == 0);
  CHECK(io.seek(-2, 2) == 3);
  CHECK(io.seek(3, 2) == 8);
  CHECK(io.seek(2, 1) == 10);
  CHECK(io.tell() == 10);
  CHECK(io.getvalue().view() == "HEllo");
}

TEST_CASE("BytesIO seek and write near the largest position") {
  constexpr auto kMax = std::numeric_limits<std::int64_t>::max();
  BytesIO io;
  CHECK(io.seek(kMax) == kMax);
  CHECK(py_error([&] { io.seek(1, 1); }) == "OverflowError: new position too large");
  CHECK(io.seek(kMax, 2) == kMax);
  // b.seek(2**63-1); b.write(b'x') -> OverflowError, and the stream stays open
  CHECK(py_error([&] { io.write(b("x").span()); }) == "OverflowError: new buffer size too large");
  CHECK(io.tell() == kMax);
  io.seek(0);
  io.write(b("ab").span());
  CHECK(io.seek(kMax - 2, 2) == kMax);
  CHECK(py_error([&] { io.seek(kMax, 2); }) == "OverflowError: new position too large");
}

TEST_CASE("BytesIO a write too large to allocate is MemoryError") {
  // b = io.BytesIO(); b.write(b'abc'); b.seek(2**62); b.write(b'x') -> MemoryError, and then
  // b.closed is True (the failed resize freed the buffer) ...
  BytesIO io;
  io.write(b("abc").span());
  io.seek(std::int64_t{1} << 62);
  CHECK(py_error([&] { io.write(b("x").span()); }) == "MemoryError: ");
  CHECK(io.closed());
  CHECK(py_error([&] { io.tell(); }) == kClosed);
  // ... but io.BytesIO() never written stays open: its buffer is still the shared b''.
  BytesIO fresh;
  fresh.seek(std::int64_t{1} << 62);
  CHECK(py_error([&] { fresh.write(b("x").span()); }) == "MemoryError: ");
  CHECK_FALSE(fresh.closed());
  CHECK(fresh.getvalue().view() == "");
  // b.seek(2**62); b.truncate(2**62) -> 4611686018427387904, nothing allocated
  CHECK(fresh.truncate(std::int64_t{1} << 62) == std::int64_t{1} << 62);
}

TEST_CASE("BytesIO truncate returns the size and leaves the position alone") {
  BytesIO io(b("HEllo"));
  io.seek(11);
  CHECK(io.truncate(3) == 3);
  CHECK(io.tell() == 11);
  CHECK(io.getvalue().view() == "HEl");
  CHECK(io.truncate(100) == 100);  // nothing grows
  CHECK(io.getvalue().view() == "HEl");
  CHECK(io.truncate() == 11);  // None: the position, beyond the end here
  CHECK(io.getvalue().view() == "HEl");
  CHECK(py_error([&] { io.truncate(-1); }) == "ValueError: negative size value -1");
  io.seek(1);
  CHECK(io.truncate() == 1);
  CHECK(io.getvalue().view() == "H");
  CHECK(io.write(b("ey").span()) == 2);
  CHECK(io.getvalue().view() == "Hey");
}

TEST_CASE("BytesIO getbuffer shares the memory both ways") {
  BytesIO io(b("abc"));
  io.seek(10);
  MemoryView view = io.getbuffer();
  CHECK(view.nbytes() == 3);
  CHECK_FALSE(view.readonly());
  view.mutable_span()[0] = std::byte{'A'};
  CHECK(io.getvalue().view() == "Abc");
  CHECK(io.read()->view() == "");
  io.seek(0);
  CHECK(io.read()->view() == "Abc");
  CHECK(view.span().data() == io.getbuffer().span().data());  // the same memory
  view.release();
  CHECK(io.write(b("Z").span()) == 1);
  CHECK(io.getvalue().view() == "AbcZ");
  CHECK(io.tell() == 4);
  BytesIO empty;
  MemoryView nothing = empty.getbuffer();
  CHECK(nothing.nbytes() == 0);
  CHECK(py_error([&] { empty.write(ByteSpan()); }) == kExported);
}

TEST_CASE("BytesIO while exported: every write, truncate and close is BufferError") {
  BytesIO io(b("abc\ndef\n"));
  MemoryView view = io.getbuffer();
  CHECK(py_error([&] { io.write(ByteSpan()); }) == kExported);
  CHECK(py_error([&] { io.write(b("x").span()); }) == kExported);  // a pure overwrite
  CHECK(py_error([&] { io.write(b("zzzzzzzzzzzzzz").span()); }) == kExported);
  CHECK(py_error([&] { io.writelines({b("")}); }) == kExported);
  io.writelines({});  // no write, no error
  CHECK(py_error([&] { io.truncate(); }) == kExported);
  CHECK(py_error([&] { io.truncate(100); }) == kExported);
  CHECK(py_error([&] { io.truncate(-1); }) == kExported);  // exports are checked first
  CHECK(py_error([&] { io.close(); }) == kExported);
  CHECK(py_error([&] { io.exit(); }) == kExported);
  CHECK_FALSE(io.closed());
  CHECK(io.tell() == 0);
  CHECK(io.getvalue().view() == "abc\ndef\n");
  // Reads and seeks still work.
  CHECK(io.seek(100) == 100);
  CHECK(py_error([&] { io.seek(-1); }) == "ValueError: negative seek value -1");
  io.seek(0);
  CHECK(io.readline().view() == "abc\n");
  CHECK(io.next().view() == "def\n");
  CHECK(io.readable());
  CHECK(io.writable());
  CHECK(io.seekable());
  io.flush();
  CHECK_FALSE(io.isatty());
  io.enter();
  MemoryView second = io.getbuffer();
  view.release();
  CHECK(py_error([&] { io.write(b("1").span()); }) == kExported);
  second.release();
  CHECK(io.getvalue().view() == "abc\ndef\n");
  CHECK(io.write(b("1").span()) == 1);
  CHECK(io.getvalue().view() == "abc\ndef\n1");
}

TEST_CASE("BytesIO a slice of the buffer is an export of its own") {
  BytesIO io(b("abcdef"));
  MemoryView view = io.getbuffer();
  MemoryView part = view.slice(1, 3);
  view.release();
  CHECK(py_error([&] { io.write(b("1").span()); }) == kExported);
  part.release();
  CHECK(io.write(b("1").span()) == 1);
  CHECK(io.getvalue().view() == "1bcdef");
}

TEST_CASE("BytesIO capabilities and the methods it lacks") {
  BytesIO io(b("abc"));
  CHECK(io.readable());
  CHECK(io.writable());
  CHECK(io.seekable());
  CHECK_FALSE(io.isatty());
  io.flush();
  CHECK_FALSE(io.closed());
  CHECK(py_error([&] { io.fileno(); }) == "UnsupportedOperation: fileno");
  CHECK(py_error([&] { io.detach(); }) == "UnsupportedOperation: detach");
  // hasattr(io.BytesIO(), 'peek') is False in 3.11
  CHECK_FALSE(io.has_peek());
  CHECK(py_error([&] { io.peek(); }) ==
        "AttributeError: '_io.BytesIO' object has no attribute 'peek'");
  CHECK(py_error([&] { io.name(); }) ==
        "AttributeError: '_io.BytesIO' object has no attribute 'name'");
  CHECK(py_error([&] { io.mode(); }) ==
        "AttributeError: '_io.BytesIO' object has no attribute 'mode'");
}

TEST_CASE("BytesIO enter checks the stream is open; exit closes it") {
  BytesIO io(b("abc"));
  io.enter();
  io.exit();
  CHECK(io.closed());
  io.exit();  // b.__exit__(None, None, None) on a closed BytesIO returns None
  CHECK(py_error([&] { io.enter(); }) == kClosed);
}

TEST_CASE("BytesIO closed: ValueError from every method but a few") {
  BytesIO io(b("abc\ndef\n"));
  io.close();
  CHECK(io.closed());
  std::vector<std::byte> two(2);
  CHECK(py_error([&] { io.read(); }) == kClosed);
  CHECK(py_error([&] { io.read1(); }) == kClosed);
  CHECK(py_error([&] { io.readinto(two); }) == kClosed);
  CHECK(py_error([&] { io.readinto1(two); }) == kClosed);
  CHECK(py_error([&] { io.readline(); }) == kClosed);
  CHECK(py_error([&] { io.readlines(); }) == kClosed);
  CHECK(py_error([&] { io.next(); }) == kClosed);
  CHECK(py_error([&] { io.write(ByteSpan()); }) == kClosed);
  CHECK(py_error([&] { io.writelines({}); }) == kClosed);
  // The closed check comes before the argument checks.
  CHECK(py_error([&] { io.seek(0); }) == kClosed);
  CHECK(py_error([&] { io.seek(-1); }) == kClosed);
  CHECK(py_error([&] { io.seek(0, 3); }) == kClosed);
  CHECK(py_error([&] { io.tell(); }) == kClosed);
  CHECK(py_error([&] { io.truncate(); }) == kClosed);
  CHECK(py_error([&] { io.truncate(-1); }) == kClosed);
  CHECK(py_error([&] { io.getvalue(); }) == kClosed);
  CHECK(py_error([&] { io.getbuffer(); }) == kClosed);
  CHECK(py_error([&] { io.readable(); }) == kClosed);
  CHECK(py_error([&] { io.writable(); }) == kClosed);
  CHECK(py_error([&] { io.seekable(); }) == kClosed);
  CHECK(py_error([&] { io.isatty(); }) == kClosed);
  CHECK(py_error([&] { io.flush(); }) == kClosed);
  CHECK(py_error([&] { io.enter(); }) == kClosed);
  // These do not raise ValueError.
  CHECK(py_error([&] { io.close(); }) == "no exception");
  CHECK(py_error([&] { io.exit(); }) == "no exception");
  // iter(closed_bytesio) returns it; next() is what raises.
  CHECK(py_error([&] { io.iter(); }) == "no exception");
  CHECK(py_error([&] { io.fileno(); }) == "UnsupportedOperation: fileno");
  CHECK(py_error([&] { io.detach(); }) == "UnsupportedOperation: detach");
  CHECK(io.repr() == "<_io.BytesIO object>");
  CHECK(py_error([&] { io.name(); }) ==
        "AttributeError: '_io.BytesIO' object has no attribute 'name'");
  CHECK(io.closed());
}

TEST_CASE("BytesIO can be closed again once its buffer is released") {
  BytesIO io;
  MemoryView view = io.getbuffer();
  CHECK(py_error([&] { io.close(); }) == kExported);
  CHECK_FALSE(io.closed());
  view.release();
  io.close();
  CHECK(io.closed());
  io.close();
  CHECK(py_error([&] { io.getbuffer(); }) == kClosed);
}
