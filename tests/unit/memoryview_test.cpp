// memoryview as PEP 3118 describes and CPython 3.11.7 implements it (Objects/memoryobject.c).
// Every expected value and message below was produced by python3 3.11.7; the randomized
// comparison with CPython is tests/differential/buffer_diff.py.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <string>

#include "buffer/float_repr.hpp"
#include "buffer/hash.hpp"
#include "buffer/memoryview.hpp"
#include "io_helpers.hpp"

using namespace bl::buffer;
using bl::iotest::bytes;
using bl::iotest::raises;
using bl::iotest::str;

namespace {

ByteArray bytearray(std::string_view text) { return ByteArray(bytes(text)); }
Key at(std::int64_t i) { return Key::of(i); }
Key at(std::int64_t i, std::int64_t j) { return Key::tuple_of({i, j}); }
Key sl(std::optional<std::int64_t> a, std::optional<std::int64_t> b,
       std::optional<std::int64_t> c = std::nullopt) {
  return Key::of(Slice{a, b, c});
}
Item item(const MemoryView& m, const Key& k) { return std::get<Item>(m.getitem(k)); }
MemoryView view(const MemoryView& m, const Key& k) { return std::get<MemoryView>(m.getitem(k)); }
std::int64_t int_at(const MemoryView& m, const Key& k) { return std::get<std::int64_t>(item(m, k)); }
Shape shape(std::initializer_list<std::int64_t> dims) {
  Shape s;
  for (auto d : dims) s.dims.emplace_back(d);
  return s;
}
std::vector<Item> flat(const ItemTree& t) {
  std::vector<Item> out;
  for (const auto& x : std::get<std::vector<ItemTree>>(t.value)) out.push_back(std::get<Item>(x.value));
  return out;
}

constexpr const char* kReleased = "ValueError: operation forbidden on released memoryview object";

}  // namespace

TEST_CASE("memoryview attributes of a bytearray and of an array") {
  ByteArray ba = bytearray("abcdef");
  MemoryView m(ba);
  CHECK_FALSE(m.readonly());
  CHECK(m.nbytes() == 6);
  CHECK(m.itemsize() == 1);
  CHECK(m.format() == "B");
  CHECK(m.shape() == std::vector<std::int64_t>{6});
  CHECK(m.strides() == std::vector<std::int64_t>{1});
  CHECK(m.ndim() == 1);
  CHECK(m.suboffsets().empty());
  CHECK(m.c_contiguous());
  CHECK(m.obj() == ba.storage());
  CHECK(m.obj()->type_name == "bytearray");
  // array('h', [1, 2, 3]): format 'h', itemsize 2, nbytes 6, len 3
  Array a('h', bytes(std::string_view("\x01\0\x02\0\x03\0", 6)));
  MemoryView am(a);
  CHECK(am.format() == "h");
  CHECK(am.itemsize() == 2);
  CHECK(am.len() == 3);
  CHECK(int_at(am, at(-1)) == 3);
  // array.append while exported: BufferError: cannot resize an array that is exporting buffers
  CHECK(raises([&] { a.resize(4); }) ==
        "BufferError: cannot resize an array that is exporting buffers");
}

TEST_CASE("native formats have CPython's x86-64 sizes, also in wasm32") {
  const char* codes = "cbB?hHiIfdlLqQnNP";
  const std::size_t sizes[] = {1, 1, 1, 1, 2, 2, 4, 4, 4, 8, 8, 8, 8, 8, 8, 8, 8};
  for (int i = 0; codes[i]; ++i) CHECK(parse_native_format(std::string(1, codes[i]))->itemsize == sizes[i]);
  CHECK(parse_native_format("@B")->text() == "@B");
  CHECK_FALSE(parse_native_format("e"));  // half floats arrived in 3.12
  CHECK_FALSE(parse_native_format("<i"));
  CHECK_FALSE(parse_native_format("BB"));
}

TEST_CASE("slices and negative steps share memory") {
  // ba = bytearray(b'abcdef'); m = memoryview(ba); r = m[::-2]; r[0] = ord('Z')
  ByteArray ba = bytearray("abcdef");
  MemoryView m(ba);
  MemoryView r = view(m, sl(std::nullopt, std::nullopt, -2));
  CHECK(r.shape() == std::vector<std::int64_t>{3});
  CHECK(r.strides() == std::vector<std::int64_t>{-2});
  CHECK_FALSE(r.c_contiguous());
  CHECK(str(r.tobytes()) == "fdb");
  r.setitem(at(0), std::int64_t{'Z'});
  CHECK(str(ba.span()) == "abcdeZ");
  // An empty stepped slice is not contiguous (CPython's 1-D rule), a 1-item one is.
  CHECK_FALSE(view(m, sl(4, 2, 2)).c_contiguous());
  CHECK(view(m, sl(1, 2, 5)).c_contiguous());
  CHECK(raises([&] { (void)m.getitem(sl(0, 1, 0)); }) == "ValueError: slice step cannot be zero");
  // Non-contiguous views refuse a simple buffer, as memory_getbuf does.
  CHECK(raises([&] { (void)r.span(); }) ==
        "BufferError: memoryview: underlying buffer is not C-contiguous");
}

TEST_CASE("indexing errors are CPython's") {
  MemoryView m(Bytes::from("abcdef"));
  MemoryView m2 = m.cast("B", shape({2, 3}));
  CHECK(int_at(m, at(-1)) == 'f');
  CHECK(raises([&] { (void)m.getitem(at(6)); }) == "IndexError: index out of bounds on dimension 1");
  CHECK(raises([&] { (void)m.getitem(Key::of(OtherKey{})); }) ==
        "TypeError: memoryview: invalid slice key");
  CHECK(raises([&] { (void)m2.getitem(at(0)); }) ==
        "NotImplementedError: multi-dimensional sub-views are not implemented");
  CHECK(int_at(m2, at(1, 2)) == 'f');
  CHECK(raises([&] { (void)m2.getitem(at(0, -4)); }) ==
        "IndexError: index out of bounds on dimension 2");
  CHECK(raises([&] { (void)m2.getitem(Key::tuple_of({0, 1, 2})); }) ==
        "TypeError: cannot index 2-dimension view with 3-element tuple");
  CHECK(raises([&] { (void)m2.getitem(Key::tuple_of({Slice{}, Slice{}})); }) ==
        "NotImplementedError: multi-dimensional slicing is not implemented");
  CHECK(view(m2, sl(1, std::nullopt)).shape() == std::vector<std::int64_t>{1, 3});
}

TEST_CASE("a 0-dim view") {
  MemoryView z = MemoryView(Bytes::from("a")).cast("B", Shape{});
  CHECK(z.ndim() == 0);
  CHECK(z.shape().empty());
  CHECK(z.len() == 1);
  CHECK(std::get<std::int64_t>(item(z, Key::tuple_of({}))) == 97);
  CHECK(std::holds_alternative<Itself>(z.getitem(Key::of(Ellipsis{}))));
  CHECK(raises([&] { (void)z.getitem(at(0)); }) == "TypeError: invalid indexing of 0-dim memory");
  CHECK(std::get<std::int64_t>(std::get<Item>(z.tolist().value)) == 97);
}

TEST_CASE("tolist gives each format's values") {
  ByteArray ba(16);
  MemoryView m(ba);
  MemoryView q = m.cast("Q");
  q.setitem(at(0), std::uint64_t{18446744073709551615u});
  CHECK(std::get<std::uint64_t>(flat(q.tolist())[0]) == 18446744073709551615u);
  CHECK(std::get<std::int64_t>(flat(m.cast("q").tolist())[0]) == -1);
  MemoryView f = m.cast("f");
  f.setitem(at(1), 0.1);
  CHECK(float_repr(std::get<double>(flat(f.tolist())[1])) == "0.10000000149011612");
  f.setitem(at(2), 1e300);  // (float)1e300: inf, as CPython stores it
  CHECK(std::isinf(std::get<double>(item(f, at(2)))));
  MemoryView b = m.cast("?");
  ba.span()[15] = std::byte{2};
  CHECK(std::get<bool>(item(b, at(15))));
  CHECK(std::get<Bytes>(item(m.cast("c"), at(15))) == Bytes::from("\x02"));
}

TEST_CASE("item assignment checks types and ranges per format") {
  ByteArray ba(8);
  MemoryView m(ba);
  CHECK(raises([&] { m.setitem(at(0), std::int64_t{300}); }) ==
        "ValueError: memoryview: invalid value for format 'B'");
  CHECK(raises([&] { m.setitem(at(0), Bytes::from("a")); }) ==
        "TypeError: memoryview: invalid type for format 'B'");
  CHECK(raises([&] { m.setitem(at(0), 1.0); }) ==
        "TypeError: memoryview: invalid type for format 'B'");
  CHECK(raises([&] { m.cast("c").setitem(at(0), Bytes::from("ab")); }) ==
        "ValueError: memoryview: invalid value for format 'c'");
  CHECK(raises([&] { m.cast("d").setitem(at(0), BigInt{INFINITY}); }) ==
        "ValueError: memoryview: invalid value for format 'd'");
  MemoryView p = m.cast("P");
  p.setitem(at(0), std::int64_t{-1});  // 'P' wraps negatives
  CHECK(std::get<std::uint64_t>(item(p, at(0))) == 18446744073709551615u);
  m.cast("?").setitem(at(0), OtherValue{"list", false, 0});
  CHECK(ba.span()[0] == std::byte{0});
  CHECK(raises([&] { m.delitem(at(0)); }) == "TypeError: cannot delete memory");
  MemoryView ro(Bytes::from("ab"));
  CHECK(raises([&] { ro.setitem(at(0), std::int64_t{1}); }) ==
        "TypeError: cannot modify read-only memory");
}

TEST_CASE("slice assignment needs the same structure and is memmove-safe") {
  // ba = bytearray(b'abcd'); m = memoryview(ba); m[0:2] = m[1:3] -> b'bccd'
  ByteArray ba = bytearray("abcd");
  auto m = std::make_shared<MemoryView>(ba);
  auto part = std::make_shared<MemoryView>(view(*m, sl(1, 3)));
  m->setitem(sl(0, 2), BufferValue{"memoryview", part, true});
  CHECK(str(ba.span()) == "bccd");
  m->setitem(sl(std::nullopt, std::nullopt, -1), Bytes::from("wxyz"));
  CHECK(str(ba.span()) == "zyxw");
  CHECK(raises([&] { m->setitem(sl(0, 2), Bytes::from("abc")); }) ==
        "ValueError: memoryview assignment: lvalue and rvalue have different structures");
  CHECK(raises([&] { m->cast("b").setitem(sl(0, 2), Bytes::from("ab")); }) ==
        "ValueError: memoryview assignment: lvalue and rvalue have different structures");
  CHECK(raises([&] { m->setitem(sl(0, 2), std::int64_t{5}); }) ==
        "TypeError: a bytes-like object is required, not 'int'");
}

TEST_CASE("tobytes orders, hex separators") {
  MemoryView m(Bytes::from("QXcdef"));
  MemoryView m2 = m.cast("B", shape({2, 3}));
  CHECK(str(m2.tobytes("F")) == "QdXecf");
  CHECK(str(view(m2, sl(std::nullopt, std::nullopt, -1)).tobytes("A")) == "defQXc");
  CHECK(raises([&] { (void)m.tobytes("X"); }) == "ValueError: order must be 'C', 'F' or 'A'");
  CHECK(m.hex() == "515863646566");
  CHECK(m.hex(std::string(":"), 2) == "5158:6364:6566");
  CHECK(m.hex(Bytes::from("-"), 4) == "5158-63646566");
  CHECK(m.hex(std::string(":"), -4) == "51586364:6566");
  CHECK(raises([&] { (void)m.hex(std::string("::")); }) == "ValueError: sep must be length 1.");
  CHECK(raises([&] { (void)m.hex(std::string("\xc3\xa9")); }) == "ValueError: sep must be ASCII.");
  CHECK(raises([&] { (void)m.hex(std::int64_t{1}); }) ==
        "TypeError: object of type 'int' has no len()");
  CHECK(raises([&] { (void)m.hex(OtherValue{"list", true, 1}); }) ==
        "TypeError: sep must be str or bytes.");
}

TEST_CASE("cast follows CPython's rules and messages") {
  MemoryView b(Bytes::from("abcdef"));
  CHECK(b.cast("@B").format() == "@B");
  CHECK(raises([&] { (void)b.cast("<B"); }) ==
        "ValueError: memoryview: destination format must be a native single character format "
        "prefixed with an optional '@'");
  CHECK(raises([&] { (void)b.cast("i"); }) ==
        "TypeError: memoryview: length is not a multiple of itemsize");
  CHECK(raises([&] { (void)b.cast("h").cast("i"); }) ==
        "TypeError: memoryview: cannot cast between two non-byte formats");
  CHECK(raises([&] { (void)b.cast("B", shape({2, 3})).cast("B", shape({3, 2})); }) ==
        "TypeError: memoryview: cast must be 1D -> ND or ND -> 1D");
  CHECK(raises([&] { (void)view(b, sl(std::nullopt, std::nullopt, 2)).cast("B"); }) ==
        "TypeError: memoryview: casts are restricted to C-contiguous views");
  CHECK(raises([&] { (void)b.cast("B", shape({4})); }) ==
        "TypeError: memoryview: product(shape) * itemsize != buffer size");
  CHECK(raises([&] { (void)b.cast("B", shape({0})); }) ==
        "ValueError: memoryview.cast(): elements of shape must be integers > 0");
  CHECK(raises([&] { (void)b.cast("B", Shape{{}, false}); }) ==
        "TypeError: shape must be a list or a tuple");
  CHECK(raises([&] { (void)view(b, sl(0, 0)).cast("B", shape({1})); }) ==
        "TypeError: memoryview: cannot cast view with zeros in shape or strides");
}

TEST_CASE("release, exports of a view, context manager") {
  ByteArray ba = bytearray("abc");
  MemoryView m(ba);
  MemoryView m2(m);  // memoryview(m): not an export of m
  m.release();
  CHECK(raises([&] { ba.append(std::byte{1}); }) ==
        "BufferError: Existing exports of data: object cannot be re-sized");
  m2.release();
  ba.append(std::byte{'d'});
  MemoryView m3(ba);
  {
    ViewExport one = m3.export_buffer();  // pickle.PickleBuffer(m3)
    ViewExport two = m3.export_buffer();
    CHECK(raises([&] { m3.release(); }) == "BufferError: memoryview has 2 exported buffers");
    two.release();
    CHECK(raises([&] { m3.exit(); }) == "BufferError: memoryview has 1 exported buffer");
  }
  m3.exit();
  CHECK(m3.repr("0x10") == "<released memory at 0x10>");
  for (auto use : std::vector<std::function<void()>>{
           [&] { (void)m3.len(); }, [&] { (void)m3.obj(); }, [&] { (void)m3.tolist(); },
           [&] { m3.enter(); }, [&] { (void)m3.hex(); }, [&] { (void)m3.cast("B"); }})
    CHECK(raises(use) == kReleased);
}

TEST_CASE("equality compares unpacked values across formats") {
  ByteArray ba = bytearray(std::string_view("\x01\x00\x00\x00", 4));
  MemoryView m(ba);
  CHECK(m.equals(MemoryView(Bytes::from(std::string_view("\x01\x00\x00\x00", 4)))));
  CHECK(m.cast("i").equals(MemoryView(Array('i', ba.span()))));
  CHECK_FALSE(m.equals(m.cast("c")));  // 1 != b'\x01'
  CHECK_FALSE(m.equals(m.cast("B", shape({2, 2}))));
  ByteArray nan(8);
  MemoryView d = MemoryView(nan).cast("d");
  d.setitem(at(0), std::numeric_limits<double>::quiet_NaN());
  CHECK_FALSE(d.equals(d));  // m == m is False for a NaN array
  // '?' against '?' compares raw bytes: 2 and 1 are both True, yet unequal.
  ByteArray bools = bytearray(std::string_view("\x02\x01", 2));
  MemoryView q = MemoryView(bools).cast("?");
  CHECK_FALSE(view(q, sl(0, 1)).equals(view(q, sl(1, 2))));
  CHECK(view(q, sl(0, 1)).equals(view(MemoryView(bools), sl(1, 2))));  // True == 1
  MemoryView r(ba);
  r.release();
  CHECK(r.equals(r));
  CHECK_FALSE(r.equals(m));
}

TEST_CASE("hash equals hash(bytes), CPython's siphash13 under PYTHONHASHSEED") {
  // PYTHONHASHSEED=0: hash(b"abc"), hash(b"abcdefghij"), hash(b"\0" * 8)
  CHECK(hash_bytes(bytes("abc"), HashKey::from_seed(0)) == -4594863902769663758);
  CHECK(hash_bytes(bytes("abcdefghij"), HashKey::from_seed(0)) == -829746140550000655);
  CHECK(hash_bytes(bytes(std::string(8, '\0')), HashKey::from_seed(0)) == -4800647303603446203);
  // PYTHONHASHSEED=1 and 42
  CHECK(hash_bytes(bytes("abc"), HashKey::from_seed(1)) == -4667308735975688587);
  CHECK(hash_bytes(bytes("abcdefghij"), HashKey::from_seed(42)) == -7829893295273403573);
  CHECK(hash_bytes(bytes(""), HashKey::from_seed(42)) == 0);
  set_hash_key(HashKey::from_seed(0));
  MemoryView m(Bytes::from("abc"));
  CHECK(m.hash() == -4594863902769663758);
  m.release();
  CHECK(m.hash() == -4594863902769663758);  // computed once, kept after release
  CHECK(raises([&] { (void)MemoryView(bytearray("a")).hash(); }) ==
        "ValueError: cannot hash writable memoryview object");
  CHECK(raises([&] { (void)MemoryView(bytearray("a")).toreadonly().hash(); }) ==
        "TypeError: unhashable type: 'bytearray'");
  CHECK(raises([&] { (void)MemoryView(Bytes::from("ab")).cast("h").hash(); }) ==
        "ValueError: memoryview: hashing is restricted to formats 'B', 'b' or 'c'");
}

TEST_CASE("float repr is Python's") {
  CHECK(float_repr(1e16) == "1e+16");
  CHECK(float_repr(1e-5) == "1e-05");
  CHECK(float_repr(1.0) == "1.0");
  CHECK(float_repr(-0.0) == "-0.0");
  CHECK(float_repr(0.1) == "0.1");
  CHECK(float_repr(1.0 / 3) == "0.3333333333333333");
  CHECK(float_repr(5e-324) == "5e-324");
  CHECK(float_repr(2.2250738585072014e-308) == "2.2250738585072014e-308");
  CHECK(float_repr(123456789012345680.0) == "1.2345678901234568e+17");
  CHECK(float_repr(9007199254740992.0) == "9007199254740992.0");
  CHECK(float_repr(-INFINITY) == "-inf");
  CHECK(float_repr(std::nan("")) == "nan");
}
