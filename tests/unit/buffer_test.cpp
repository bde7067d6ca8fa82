// bytes, bytearray and memoryview as bl::buffer has them. Expected values from CPython 3.11.7:
//   repr(b'ab\n\x00') == "b'ab\\n\\x00'"; repr(b"it's") == 'b"it\'s"'
//   ba = bytearray(b'abc'); m = memoryview(ba); ba.append(1)
//     -> BufferError: Existing exports of data: object cannot be re-sized
//   m.release(); len(m) -> ValueError: operation forbidden on released memoryview object
#include <doctest/doctest.h>

#include <string>

#include "buffer/bytes.hpp"
#include "buffer/memoryview.hpp"
#include "io_helpers.hpp"

using bl::buffer::ByteArray;
using bl::buffer::Bytes;
using bl::buffer::MemoryView;
using bl::iotest::bytes;
using bl::iotest::raises;
using bl::iotest::str;

namespace {

constexpr const char* kExported =
    "BufferError: Existing exports of data: object cannot be re-sized";
constexpr const char* kReleased = "ValueError: operation forbidden on released memoryview object";

ByteArray bytearray(std::string_view text) { return ByteArray(bytes(text)); }

}  // namespace

TEST_CASE("bytes repr escapes as CPython and picks its quotes") {
  CHECK(Bytes::from(std::string_view("ab\n\0", 4)).repr() == "b'ab\\n\\x00'");
  CHECK(Bytes::from("it's").repr() == "b\"it's\"");
  CHECK(Bytes::from("a\"b").repr() == "b'a\"b'");
  CHECK(Bytes::from("both ' and \"").repr() == "b'both \\' and \"'");
  CHECK(Bytes::from("\t\r\x7f\x80\xff\\ ~").repr() == "b'\\t\\r\\x7f\\x80\\xff\\\\ ~'");
  CHECK(Bytes().repr() == "b''");
}

TEST_CASE("bytearray repr wraps the bytes repr") {
  // repr(bytearray(3)), repr(bytearray()), repr(bytearray(b'a"b')),
  // repr(bytearray(b'both \' and "'))
  CHECK(ByteArray(3).repr() == "bytearray(b'\\x00\\x00\\x00')");
  CHECK(ByteArray().repr() == "bytearray(b'')");
  CHECK(bytearray("a\"b").repr() == "bytearray(b'a\"b')");
  CHECK(bytearray("both ' and \"").repr() == "bytearray(b'both \\' and \"')");
}

TEST_CASE("bytearray repr escapes ' even inside double quotes") {
  // repr(bytearray(b"it's")) -> bytearray(b"it\'s")   (but repr(b"it's") -> b"it's")
  CHECK(bytearray("it's").repr() == "bytearray(b\"it\\'s\")");
}

TEST_CASE("bytes slicing clamps as Python slices do") {
  const Bytes s = Bytes::from("hello");
  CHECK(str(s.slice(1, 3)) == "el");
  CHECK(str(s.slice(-3, -1)) == "ll");
  CHECK(str(s.slice(10, 20)) == "");
  CHECK(str(s.slice(3, 1)) == "");
  CHECK(str(s.slice(-100, 2)) == "he");
  CHECK(str(s.slice(2, -100)) == "");
}

TEST_CASE("bytes indexing, size and equality") {
  const Bytes s = Bytes::from("hello");
  CHECK(s[0] == 104);
  CHECK(s.size() == 5);
  CHECK_FALSE(s.empty());
  CHECK(Bytes().empty());
  CHECK(Bytes::from("ab") == bytearray("ab").to_bytes());
  CHECK_FALSE(Bytes::from("ab") == Bytes::from("abc"));
}

TEST_CASE("copies of bytes share one storage; a bytes slice is a copy") {
  const Bytes s = Bytes::from("hello");
  const Bytes copy = s;
  CHECK(copy.storage() == s.storage());
  CHECK(s.slice(1, 3).storage() != s.storage());
}

TEST_CASE("bytearray(n) holds n zero bytes and grows while nothing exports it") {
  ByteArray ba(2);
  CHECK(str(ba.span()) == std::string(2, '\0'));
  ba.append(std::byte{'a'});
  ba.extend(bytes("bc"));
  CHECK(str(ba.span()) == std::string("\0\0abc", 5));
  ba.erase(0, 2);
  CHECK(str(ba.span()) == "abc");
  ba.resize(1);
  CHECK(str(ba.span()) == "a");
  ba.clear();
  CHECK(ba.size() == 0);
}

TEST_CASE("an exported bytearray refuses every size change") {
  ByteArray ba = bytearray("abc");
  MemoryView m(ba);
  CHECK(raises([&] { ba.append(std::byte{1}); }) == kExported);
  CHECK(raises([&] { ba.extend(bytes("x")); }) == kExported);
  CHECK(raises([&] { ba.erase(0, 1); }) == kExported);
  CHECK(raises([&] { ba.clear(); }) == kExported);
  CHECK(raises([&] { ba.resize(4); }) == kExported);  // ba[0:3] = b'xyzw'
  CHECK(str(ba.span()) == "abc");
}

TEST_CASE("an exported bytearray allows what does not change its size") {
  // ba.extend(b''), del ba[2:1], del ba[5:9], ba[0:3] = b'xyz' all succeed while exported.
  ByteArray ba = bytearray("abc");
  MemoryView m(ba);
  CHECK(raises([&] { ba.extend(bytes("")); }) == "");
  CHECK(raises([&] { ba.erase(2, 1); }) == "");
  CHECK(raises([&] { ba.erase(5, 9); }) == "");
  CHECK(raises([&] { ba.resize(3); }) == "");
  CHECK(str(ba.span()) == "abc");
  ByteArray empty;
  MemoryView e(empty);
  CHECK(raises([&] { empty.clear(); }) == "");  // bytearray().clear() while exported
}

TEST_CASE("releasing the view lets the bytearray resize again") {
  ByteArray ba = bytearray("abc");
  MemoryView m(ba);
  m.release();
  ba.append(std::byte{'d'});
  CHECK(str(ba.span()) == "abcd");
}

TEST_CASE("a view that goes out of scope releases its export") {
  ByteArray ba = bytearray("ab");
  { MemoryView m(ba); }  // with memoryview(ba) as m: pass
  ba.append(std::byte{'c'});
  CHECK(str(ba.span()) == "abc");
}

TEST_CASE("memoryview slices share memory with the bytearray") {
  // ba = bytearray(b'abcdef'); m = memoryview(ba); s = m[1:4]; s[0] = ord('X');
  // s2 = s[1:]; s2[1] = ord('Y') -> ba == bytearray(b'aXcYef'), bytes(s) == b'XcY'
  ByteArray ba = bytearray("abcdef");
  MemoryView m(ba);
  MemoryView s = m.slice(1, 4);
  s.mutable_span()[0] = std::byte{'X'};
  MemoryView s2 = s.slice(1, 100);
  s2.mutable_span()[1] = std::byte{'Y'};
  CHECK(str(ba.span()) == "aXcYef");
  CHECK(str(s.tobytes()) == "XcY");
  CHECK(s.nbytes() == 3);
  CHECK(s.span().data() == ba.span().data() + 1);
}

TEST_CASE("memoryview slices clamp as Python slices do") {
  ByteArray ba = bytearray("abcdef");
  MemoryView m(ba);
  CHECK(str(m.slice(-2, 6).tobytes()) == "ef");
  CHECK(str(m.slice(4, 100).tobytes()) == "ef");
  CHECK(m.slice(3, 1).nbytes() == 0);
}

TEST_CASE("a slice keeps the bytearray exported after its parent is released") {
  ByteArray ba = bytearray("abcd");
  MemoryView m(ba);
  MemoryView s = m.slice(1, 3);
  m.release();
  CHECK(raises([&] { ba.append(std::byte{1}); }) == kExported);
  s.release();
  ba.append(std::byte{'e'});
  CHECK(str(ba.span()) == "abcde");
}

TEST_CASE("a copy of a view is an export of its own") {
  // m2 = memoryview(m); m.release(); ba.append(1) -> BufferError; len(m2) == 3
  ByteArray ba = bytearray("abc");
  MemoryView m(ba);
  MemoryView m2(m);
  m.release();
  CHECK(raises([&] { ba.append(std::byte{1}); }) == kExported);
  CHECK(m2.nbytes() == 3);
}

TEST_CASE("release is idempotent and every use afterwards raises ValueError") {
  MemoryView m(bytearray("abc"));
  m.release();
  m.release();
  CHECK(m.released());
  CHECK(raises([&] { (void)m.nbytes(); }) == kReleased);
  CHECK(raises([&] { (void)m.readonly(); }) == kReleased);
  CHECK(raises([&] { (void)m.slice(0, 1); }) == kReleased);
  CHECK(raises([&] { (void)m.tobytes(); }) == kReleased);
  CHECK(raises([&] { (void)m.span(); }) == kReleased);
  CHECK(raises([&] { (void)m.mutable_span(); }) == kReleased);
  CHECK(raises([&] { MemoryView copy(m); }) == kReleased);
}

TEST_CASE("a view of bytes is read-only, a view of a bytearray writable") {
  MemoryView ro(Bytes::from("abc"));
  CHECK(ro.readonly());
  CHECK_FALSE(MemoryView(bytearray("x")).readonly());
  CHECK(raises([&] { (void)ro.mutable_span(); }) == "TypeError: cannot modify read-only memory");
  CHECK(raises([&] { (void)ro.slice(1, 3).mutable_span(); }) ==
        "TypeError: cannot modify read-only memory");
}

TEST_CASE("a view of bytes shares the bytes' memory") {
  const Bytes b = Bytes::from("abc");
  MemoryView m(b);
  CHECK(m.span().data() == b.span().data());
}

TEST_CASE("a view of empty bytes is empty and read-only") {
  MemoryView m{Bytes()};
  CHECK(m.nbytes() == 0);
  CHECK(str(m.tobytes()) == "");
  CHECK(m.readonly());
}

TEST_CASE("tobytes copies") {
  ByteArray ba = bytearray("abc");
  MemoryView m(ba);
  Bytes copy = m.tobytes();
  ba.span()[0] = std::byte{'Z'};
  CHECK(str(copy) == "abc");
  CHECK(str(ba.span()) == "Zbc");
}

TEST_CASE("views made for an exporter's storage count as exports") {
  ByteArray ba = bytearray("ab");
  MemoryView m(ba.storage(), false);
  CHECK(raises([&] { ba.append(std::byte{1}); }) == kExported);
  m.release();
  ba.append(std::byte{'c'});
  CHECK(str(ba.span()) == "abc");
}

TEST_CASE("clamp_slice follows Python's slice rules") {
  using bl::buffer::clamp_slice;
  CHECK(clamp_slice(1, 3, 5) == std::pair<std::size_t, std::size_t>{1, 3});
  CHECK(clamp_slice(-3, -1, 5) == std::pair<std::size_t, std::size_t>{2, 4});
  CHECK(clamp_slice(3, 1, 5) == std::pair<std::size_t, std::size_t>{3, 3});
  CHECK(clamp_slice(-100, 100, 5) == std::pair<std::size_t, std::size_t>{0, 5});
}
