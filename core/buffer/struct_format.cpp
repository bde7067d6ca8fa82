#include "buffer/struct_format.hpp"

#include <cmath>
#include <cstring>
#include <limits>

#include "buffer/memoryview.hpp"
#include "os/errors.hpp"

namespace bl::buffer {

namespace {

// Item sizes of CPython on x86-64 Linux (see the header).
std::size_t itemsize_of(char code) {
  switch (code) {
    case 'c': case 'b': case 'B': case '?': return 1;
    case 'h': case 'H': return 2;
    case 'i': case 'I': case 'f': return 4;
    case 'l': case 'L': case 'q': case 'Q': case 'n': case 'N': case 'd': case 'P': return 8;
    default: return 0;
  }
}

template <class T>
T load(ByteSpan data) {
  T v;
  std::memcpy(&v, data.data(), sizeof v);
  return v;
}

template <class T>
void store(MutableByteSpan out, T v) {
  std::memcpy(out.data(), &v, sizeof v);
}

Item int_item(std::uint64_t v) {
  if (v <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
    return static_cast<std::int64_t>(v);
  return v;
}

[[noreturn]] void invalid_type(Format f) {
  throw TypeError(std::string("memoryview: invalid type for format '") + f.code + "'");
}
[[noreturn]] void invalid_value(Format f) {
  throw ValueError(std::string("memoryview: invalid value for format '") + f.code + "'");
}

// A Python int as a sign and magnitude, or nullopt for a value that is not an int (bool is).
struct IntValue {
  bool negative;
  std::uint64_t magnitude;
  bool big;  // outside [-2**63, 2**64)
};

std::optional<IntValue> int_of(const Value& v) {
  if (const auto* i = std::get_if<std::int64_t>(&v)) {
    auto m = *i < 0 ? 0 - static_cast<std::uint64_t>(*i) : static_cast<std::uint64_t>(*i);
    return IntValue{*i < 0, m, false};
  }
  if (const auto* u = std::get_if<std::uint64_t>(&v)) return IntValue{false, *u, false};
  if (const auto* b = std::get_if<bool>(&v)) return IntValue{false, *b ? 1u : 0u, false};
  if (const auto* big = std::get_if<BigInt>(&v)) return IntValue{big->as_double < 0, 0, true};
  return std::nullopt;
}

// The range of an integer format, as [-min_magnitude, max].
struct IntRange {
  std::uint64_t negative_limit;  // largest allowed magnitude of a negative value
  std::uint64_t max;
};

IntRange range_of(Format f) {
  constexpr auto i64 = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  switch (f.code) {
    case 'b': return {128, 127};
    case 'B': return {0, 255};
    case 'h': return {32768, 32767};
    case 'H': return {0, 65535};
    case 'i': return {2147483648u, 2147483647u};
    case 'I': return {0, 4294967295u};
    case 'l': case 'q': case 'n': return {i64 + 1, i64};
    case 'P': return {i64 + 1, std::numeric_limits<std::uint64_t>::max()};  // negatives wrap
    default: return {0, std::numeric_limits<std::uint64_t>::max()};        // L Q N
  }
}

void pack_int(Format f, const Value& value, MutableByteSpan out) {
  auto v = int_of(value);
  if (!v) invalid_type(f);
  IntRange range = range_of(f);
  if (v->big || (v->negative ? v->magnitude > range.negative_limit : v->magnitude > range.max))
    invalid_value(f);
  // Two's complement of the value, truncated to the item size (little-endian x86-64).
  std::uint64_t bits = v->negative ? 0 - v->magnitude : v->magnitude;
  std::memcpy(out.data(), &bits, f.itemsize);
}

// PyFloat_AsDouble: floats, ints and bools; an int too large for a float is out of range.
double float_of(Format f, const Value& value) {
  if (const auto* d = std::get_if<double>(&value)) return *d;
  if (const auto* i = std::get_if<std::int64_t>(&value)) return static_cast<double>(*i);
  if (const auto* u = std::get_if<std::uint64_t>(&value)) return static_cast<double>(*u);
  if (const auto* b = std::get_if<bool>(&value)) return *b ? 1.0 : 0.0;
  if (const auto* big = std::get_if<BigInt>(&value)) {
    if (std::isinf(big->as_double)) invalid_value(f);
    return big->as_double;
  }
  invalid_type(f);
}

// (float)d as x86-64 computes it (round to nearest; from FLT_MAX's rounding limit on, inf),
// without C++'s undefined behaviour for out-of-range conversions.
float to_float(double d) {
  constexpr double limit = 340282356779733661637539395458142568448.0;  // 2**128 - 2**103
  constexpr float max = std::numeric_limits<float>::max();
  constexpr float inf = std::numeric_limits<float>::infinity();
  double a = std::fabs(d);
  if (a >= limit) return d < 0 ? -inf : inf;
  if (a > static_cast<double>(max)) return d < 0 ? -max : max;
  return static_cast<float>(d);
}

// Exact comparison of an int with a float, as Python's int == float.
bool int_equals_double(bool negative, std::uint64_t magnitude, double d) {
  if (!std::isfinite(d) || d != std::floor(d)) return false;
  if (magnitude == 0) return d == 0.0;
  if ((d < 0) != negative) return false;
  double a = std::fabs(d);
  if (a >= 18446744073709551616.0) return false;
  return static_cast<std::uint64_t>(a) == magnitude;
}

struct Number {
  bool is_float;
  double d;
  bool negative;
  std::uint64_t magnitude;
};

std::optional<Number> number_of(const Item& item) {
  if (const auto* d = std::get_if<double>(&item)) return Number{true, *d, false, 0};
  if (const auto* i = std::get_if<std::int64_t>(&item)) {
    auto m = *i < 0 ? 0 - static_cast<std::uint64_t>(*i) : static_cast<std::uint64_t>(*i);
    return Number{false, 0.0, *i < 0, m};
  }
  if (const auto* u = std::get_if<std::uint64_t>(&item)) return Number{false, 0.0, false, *u};
  if (const auto* b = std::get_if<bool>(&item)) return Number{false, 0.0, false, *b ? 1u : 0u};
  return std::nullopt;
}

}  // namespace

std::optional<Format> parse_native_format(std::string_view text) {
  bool at = !text.empty() && text[0] == '@';
  if (at) text.remove_prefix(1);
  if (text.size() != 1 || itemsize_of(text[0]) == 0) return std::nullopt;
  return Format{text[0], at, itemsize_of(text[0])};
}

Format native_format(char code) { return Format{code, false, itemsize_of(code)}; }

std::string type_name(const Value& v) {
  struct Visitor {
    std::string operator()(std::int64_t) const { return "int"; }
    std::string operator()(std::uint64_t) const { return "int"; }
    std::string operator()(const BigInt&) const { return "int"; }
    std::string operator()(double) const { return "float"; }
    std::string operator()(bool) const { return "bool"; }
    std::string operator()(const Bytes&) const { return "bytes"; }
    std::string operator()(const std::string&) const { return "str"; }
    std::string operator()(const BufferValue& b) const { return b.type_name; }
    std::string operator()(const OtherValue& o) const { return o.type_name; }
  };
  return std::visit(Visitor{}, v);
}

bool is_true(const Value& v) {
  struct Visitor {
    bool operator()(std::int64_t i) const { return i != 0; }
    bool operator()(std::uint64_t u) const { return u != 0; }
    bool operator()(const BigInt&) const { return true; }
    bool operator()(double d) const { return d != 0.0; }  // nan is true
    bool operator()(bool b) const { return b; }
    bool operator()(const Bytes& b) const { return !b.empty(); }
    bool operator()(const std::string& s) const { return !s.empty(); }
    bool operator()(const BufferValue& b) const { return b.truthy; }
    bool operator()(const OtherValue& o) const { return o.truthy; }
  };
  return std::visit(Visitor{}, v);
}

Item unpack_item(Format f, ByteSpan data) {
  switch (f.code) {
    case 'b': return std::int64_t{load<std::int8_t>(data)};
    case 'B': return std::int64_t{load<std::uint8_t>(data)};
    case 'h': return std::int64_t{load<std::int16_t>(data)};
    case 'H': return std::int64_t{load<std::uint16_t>(data)};
    case 'i': return std::int64_t{load<std::int32_t>(data)};
    case 'I': return std::int64_t{load<std::uint32_t>(data)};
    case 'l': case 'q': case 'n': return load<std::int64_t>(data);
    case 'L': case 'Q': case 'N': case 'P': return int_item(load<std::uint64_t>(data));
    case 'f': return static_cast<double>(load<float>(data));
    case 'd': return load<double>(data);
    case '?': return load<std::uint8_t>(data) != 0;
    case 'c': return Bytes(data.first(1));
    default: throw NotImplementedError(std::string("memoryview: format ") + f.code +
                                       " not supported");
  }
}

void pack_item(Format f, const Value& value, MutableByteSpan out) {
  switch (f.code) {
    case 'f': return store(out, to_float(float_of(f, value)));
    case 'd': return store(out, float_of(f, value));
    case '?': return store(out, static_cast<std::uint8_t>(is_true(value)));
    case 'c': {
      const auto* b = std::get_if<Bytes>(&value);
      if (!b) invalid_type(f);
      if (b->size() != 1) invalid_value(f);
      out[0] = b->span()[0];
      return;
    }
    default: return pack_int(f, value, out);
  }
}

bool items_equal(const Item& a, const Item& b) {
  const auto* ba = std::get_if<Bytes>(&a);
  const auto* bb = std::get_if<Bytes>(&b);
  if (ba || bb) return ba && bb && *ba == *bb;
  Number x = *number_of(a), y = *number_of(b);
  if (x.is_float && y.is_float) return x.d == y.d;
  if (x.is_float) return int_equals_double(y.negative, y.magnitude, x.d);
  if (y.is_float) return int_equals_double(x.negative, x.magnitude, y.d);
  return x.negative == y.negative && x.magnitude == y.magnitude;
}

bool raw_items_equal(Format fa, ByteSpan a, Format fb, ByteSpan b) {
  if (fa.code == '?' && fb.code == '?') return a[0] == b[0];
  return items_equal(unpack_item(fa, a), unpack_item(fb, b));
}

}  // namespace bl::buffer
