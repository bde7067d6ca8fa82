// memoryview's item formats: the native single-character struct formats of PEP 3118, and the
// values their items hold.
//
// CPython 3.11's memoryview knows `c b B h H i I l L q Q n N f d ? P`, each optionally written
// with a leading '@' (which the view's format string keeps: m.cast('@B').format == '@B'). The
// half float 'e' arrived in 3.12 and is refused, as 3.11 refuses it. Item sizes are those of
// CPython on x86-64 Linux, the machine the sandbox models, also in the wasm32 build where C's
// long is 4 bytes: l, L, n, N and P are 8 bytes, i and I 4, h and H 2.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "buffer/bytes.hpp"

namespace bl::buffer {

class MemoryView;

// One parsed native format: its character, whether it was written "@c", and its item size.
struct Format {
  char code = 'B';
  bool at = false;
  std::size_t itemsize = 1;

  std::string text() const { return at ? std::string{'@', code} : std::string{code}; }
  // 'B', 'b' and 'c': the formats a cast may start or end with, and the hashable ones.
  bool is_byte_format() const { return code == 'B' || code == 'b' || code == 'c'; }
};

// "B", "@h", ...: nullopt for anything else ("<i", "2B", "e", "").
std::optional<Format> parse_native_format(std::string_view text);
// The format of a single native character (`code` must be one of the known ones).
Format native_format(char code);

// An item as memoryview gives it (m[i], m.tolist()): a Python int (int64 when it fits, uint64
// only above INT64_MAX: 'Q', 'L', 'N', 'P'), a float ('f', 'd'), a bool ('?') or a bytes of
// length 1 ('c').
using Item = std::variant<std::int64_t, std::uint64_t, double, bool, Bytes>;

// A Python int outside [-2**63, 2**64): what float(value) gives (±inf when that overflows),
// all that storing it into an item needs.
struct BigInt {
  double as_double = 0.0;
};
// Any object with the buffer protocol other than bytes (bytearray, memoryview, array, mmap):
// its buffer as a memoryview (slice assignment copies from it; a released memoryview raises
// when asked), len() and truth value.
struct BufferValue {
  std::string type_name;
  std::shared_ptr<MemoryView> view;
  bool truthy = true;
};
// Any other object (None, a list, ...): its type name, truth value and len() if it has one.
struct OtherValue {
  std::string type_name;
  bool truthy = true;
  std::optional<std::size_t> length;
};

// A Python value offered to a memoryview: assigned to an item (m[i] = v), as hex()'s sep, or
// as an element of cast()'s shape. std::string is a Python str (UTF-8).
using Value = std::variant<std::int64_t, std::uint64_t, double, bool, Bytes, std::string, BigInt,
                           BufferValue, OtherValue>;

// type(v).__name__
std::string type_name(const Value& v);
bool is_true(const Value& v);

// struct.unpack of one item of `format` from `data` (format.itemsize bytes).
Item unpack_item(Format format, ByteSpan data);
// Stores `value` into one item as memoryview item assignment does: TypeError "memoryview:
// invalid type for format 'B'" for a value of the wrong kind, ValueError "memoryview: invalid
// value for format 'B'" for one out of range.
void pack_item(Format format, const Value& value, MutableByteSpan out);

// Python's == between two items (1 == 1.0 == True; b'a' != 97; nan != nan).
bool items_equal(const Item& a, const Item& b);
// Whether two items of formats `fa` and `fb` at `a` and `b` compare equal in memoryview ==:
// unpacked values, except that two '?' items compare their raw bytes, as CPython's same-format
// fast path does (bytes 1 and 2 are both True, yet unequal).
bool raw_items_equal(Format fa, ByteSpan a, Format fb, ByteSpan b);

}  // namespace bl::buffer
