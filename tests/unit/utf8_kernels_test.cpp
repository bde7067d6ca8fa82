// The UTF-8 kernels (codecs/utf8_kernels.hpp), every implementation this CPU runs (portable,
// sse2, avx2), against a reference validator written here from the definition of UTF-8.
//
// The reference is checked against CPython 3.11.7: for every 1-, 2- and 3-byte sequence, and for
// the 4-byte sequences led by F0..F7 (second byte any, third 7F/80/BF/C0, fourth any), the
// valid prefix CPython reports — len(b) when b.decode('utf-8') succeeds, else the
// UnicodeDecodeError's start — has these histograms and fingerprints (fp = fp * 1000003 +
// prefix mod 2**64, in itertools.product order):
//   1 [128, 128] 0x5881084bc14ccd00
//   2 [30848, 16384, 18304] 0x1c8b52a7698a8600
//   3 [7835648, 3948544, 2342912, 2650112] 0x9faafce7f41ba000
//   4 [2064384, 0, 0, 0, 32768] 0x1e8cd16f35340000
// Kernels are checked on those sequences inside buffers, so that they straddle the 16-, 32- and
// 64-byte blocks of the vector loops, and at the end of buffers (cut off).
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "codecs/utf8_kernels.hpp"
#include "codecs/utf8_kernels_impl.hpp"

namespace {

namespace utf8 = bl::codecs::utf8;
using Bytes = std::vector<std::uint8_t>;

// --- the reference ---------------------------------------------------------------------------

struct Sequence {
  char32_t code_point;
  std::size_t length;
};

// One sequence by the definition: the lead's high bits give the length, each continuation
// carries six bits, and the code point must need that length, must not be a surrogate and must
// not exceed U+10FFFF. Nothing when ill-formed or cut off.
std::optional<Sequence> reference_next(const std::uint8_t* s, std::size_t n) {
  const std::uint8_t lead = s[0];
  const std::size_t length = lead < 0x80   ? 1
                             : lead < 0xC0 ? 0
                             : lead < 0xE0 ? 2
                             : lead < 0xF0 ? 3
                             : lead < 0xF8 ? 4
                                           : 0;
  if (length == 0 || length > n) return std::nullopt;
  char32_t code_point = length == 1 ? lead : lead & (0xFFu >> (length + 1));
  for (std::size_t k = 1; k < length; ++k) {
    if ((s[k] & 0xC0) != 0x80) return std::nullopt;
    code_point = (code_point << 6) | (s[k] & 0x3Fu);
  }
  constexpr char32_t kSmallest[] = {0, 0, 0x80, 0x800, 0x10000};
  if (code_point < kSmallest[length] || code_point > 0x10FFFF ||
      (code_point >= 0xD800 && code_point <= 0xDFFF))
    return std::nullopt;
  return Sequence{code_point, length};
}

struct Reference {
  std::size_t valid = 0, code_points = 0;
  char32_t max = 0;
  std::u32string text;  // when decoded
};

Reference reference(const std::uint8_t* data, std::size_t n, bool decode = false) {
  Reference r;
  while (r.valid < n) {
    const std::optional<Sequence> next = reference_next(data + r.valid, n - r.valid);
    if (!next) break;
    r.valid += next->length;
    ++r.code_points;
    r.max = std::max(r.max, next->code_point);
    if (decode) r.text.push_back(next->code_point);
  }
  return r;
}

Reference reference(const Bytes& data, bool decode = false) {
  return reference(data.data(), data.size(), decode);
}

void append_utf8(Bytes& out, char32_t c) {
  if (c < 0x80) {
    out.push_back(static_cast<std::uint8_t>(c));
  } else if (c < 0x800) {
    out.insert(out.end(), {static_cast<std::uint8_t>(0xC0 | (c >> 6)),
                           static_cast<std::uint8_t>(0x80 | (c & 0x3F))});
  } else if (c < 0x10000) {
    out.insert(out.end(), {static_cast<std::uint8_t>(0xE0 | (c >> 12)),
                           static_cast<std::uint8_t>(0x80 | ((c >> 6) & 0x3F)),
                           static_cast<std::uint8_t>(0x80 | (c & 0x3F))});
  } else {
    out.insert(out.end(), {static_cast<std::uint8_t>(0xF0 | (c >> 18)),
                           static_cast<std::uint8_t>(0x80 | ((c >> 12) & 0x3F)),
                           static_cast<std::uint8_t>(0x80 | ((c >> 6) & 0x3F)),
                           static_cast<std::uint8_t>(0x80 | (c & 0x3F))});
  }
}

Bytes utf8_of(std::u32string_view text) {
  Bytes out;
  for (char32_t c : text) append_utf8(out, c);
  return out;
}

// --- comparing -------------------------------------------------------------------------------

std::string hex(const std::uint8_t* data, std::size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string text;
  for (std::size_t i = 0; i < n; ++i) {
    if (i > 0) text += ' ';
    text += kDigits[data[i] >> 4];
    text += kDigits[data[i] & 15];
  }
  return text;
}

std::string describe(const utf8::Validation& v) {
  return "{valid " + std::to_string(v.valid) + ", code_points " + std::to_string(v.code_points) +
         ", ascii " + std::to_string(v.ascii) + ", narrow " + std::to_string(v.narrow) + "}";
}

utf8::Validation expected_from(std::size_t valid, std::size_t code_points, char32_t max) {
  return {.valid = valid, .code_points = code_points, .ascii = max < 0x80, .narrow = max < 0x100};
}

utf8::Validation expected_from(const Reference& r) {
  return expected_from(r.valid, r.code_points, r.max);
}

bool same(const utf8::Validation& a, const utf8::Validation& b) {
  return a.valid == b.valid && a.code_points == b.code_points && a.ascii == b.ascii &&
         a.narrow == b.narrow;
}

// Counts the cases of a long loop that fail and keeps the first, so that a broken kernel makes
// one readable failure rather than millions.
class Mismatches {
 public:
  void check(const utf8::Validation& got, const utf8::Validation& expected,
             const std::uint8_t* data, std::size_t n) {
    if (same(got, expected)) return;
    if (count_++ == 0)
      first_ = "input [" + hex(data, std::min<std::size_t>(n, 80)) + (n > 80 ? " ..." : "") +
               "] (" + std::to_string(n) + " bytes): got " + describe(got) + ", expected " +
               describe(expected);
  }
  void fail(const std::string& what) {
    if (count_++ == 0) first_ = what;
  }
  std::size_t count() const { return count_; }
  const std::string& first() const { return first_; }

 private:
  std::size_t count_ = 0;
  std::string first_;
};

#define CHECK_NO_MISMATCH(m) \
  do {                       \
    INFO((m).first());       \
    CHECK((m).count() == 0); \
  } while (false)

std::vector<const utf8::Kernels*> kernels() { return utf8::supported_kernels(); }

// The exhaustive loops take every sequence in optimized builds and every fifth in unoptimized
// ones (the sanitizer preset), where all of them would take a minute.
#ifdef NDEBUG
constexpr std::uint32_t kStride = 1;
#else
constexpr std::uint32_t kStride = 5;
#endif

// An exact-size copy, so that AddressSanitizer sees any read past the end.
utf8::Validation validate_exact(const utf8::Kernels& k, const std::uint8_t* data, std::size_t n) {
  const Bytes copy(data, data + n);
  return k.validate(copy.data(), copy.size());
}

void check_validate(const utf8::Kernels& k, const Bytes& data, Mismatches& m) {
  m.check(k.validate(data.data(), data.size()), expected_from(reference(data)), data.data(),
          data.size());
}

// Random text as a mix of the classes that matter: ASCII runs, each sequence length, and the
// ill-formed bytes (stray continuations, C0/C1, F5..FF, surrogates, cut-off sequences).
class Generator {
 public:
  explicit Generator(std::uint32_t seed) : random_(seed) {}

  char32_t code_point(int length) {
    switch (length) {
      case 1:
        return pick(0, 0x7F);
      case 2:
        return pick(0x80, 0x7FF);
      case 3: {
        char32_t c = pick(0x800, 0xFFFF - 0x800);
        return c >= 0xD800 ? c + 0x800 : c;
      }
      default:
        return pick(0x10000, 0x10FFFF);
    }
  }

  // Well-formed text of about `n` bytes whose code points have the lengths in `lengths`.
  Bytes valid(std::size_t n, std::initializer_list<int> lengths) {
    const std::vector<int> choices(lengths);
    Bytes out;
    while (out.size() < n)
      append_utf8(out,
                  code_point(choices[pick(0, static_cast<std::uint32_t>(choices.size() - 1))]));
    return out;
  }

  // Anything, mostly well-formed, with errors of every kind now and then.
  Bytes mixed(std::size_t n) {
    Bytes out;
    while (out.size() < n) {
      const std::uint32_t kind = pick(0, 99);
      if (kind < 40) {
        for (std::uint32_t run = pick(1, 40); run > 0; --run) out.push_back(byte(0x20, 0x7E));
      } else if (kind < 85) {
        append_utf8(out, code_point(static_cast<int>(pick(2, 4))));
      } else if (kind < 90) {
        out.push_back(byte(0x80, 0xFF));
      } else if (kind < 95) {
        Bytes cut;
        append_utf8(cut, code_point(static_cast<int>(pick(2, 4))));
        out.insert(out.end(), cut.begin(),
                   cut.end() - pick(1, static_cast<std::uint32_t>(cut.size() - 1)));
      } else {
        static constexpr std::uint8_t kBad[][4] = {{0xC0, 0x80},
                                                   {0xC1, 0xBF},
                                                   {0xE0, 0x9F, 0xBF},
                                                   {0xED, 0xA0, 0x80},
                                                   {0xF0, 0x8F, 0xBF, 0xBF},
                                                   {0xF4, 0x90, 0x80, 0x80},
                                                   {0xF5, 0x80, 0x80, 0x80},
                                                   {0xFF}};
        const auto& bad = kBad[pick(0, 7)];
        for (std::uint8_t b : bad)
          if (b != 0) out.push_back(b);
      }
    }
    out.resize(n);
    return out;
  }

  std::uint32_t pick(std::uint32_t low, std::uint32_t high) {
    return std::uniform_int_distribution<std::uint32_t>(low, high)(random_);
  }
  std::uint8_t byte(std::uint32_t low, std::uint32_t high) {
    return static_cast<std::uint8_t>(pick(low, high));
  }

 private:
  std::mt19937 random_;
};

// --- decoding checks -------------------------------------------------------------------------

// Decodes the valid prefix of `data` with the kernels, into exact-size buffers, and compares the
// code points with the reference's.
void check_decode(const utf8::Kernels& k, const Bytes& data, Mismatches& m) {
  const Reference r = reference(data, true);
  const Bytes valid(data.begin(), data.begin() + static_cast<std::ptrdiff_t>(r.valid));
  std::u32string wide(r.code_points, U'\0');
  k.decode_wide(valid.data(), valid.size(), wide.data());
  if (wide != r.text)
    m.fail("decode_wide of [" + hex(valid.data(), std::min<std::size_t>(valid.size(), 80)) + "]");
  if (r.max >= 0x100) return;
  std::string narrow(r.code_points, '\0');
  k.decode_narrow(valid.data(), valid.size(), narrow.data());
  if (!std::equal(narrow.begin(), narrow.end(), r.text.begin(), r.text.end(),
                  [](char a, char32_t b) { return static_cast<unsigned char>(a) == b; }))
    m.fail("decode_narrow of [" + hex(valid.data(), std::min<std::size_t>(valid.size(), 80)) + "]");
}

}  // namespace

TEST_CASE("the reference validator agrees with CPython on every short sequence") {
  struct Facts {
    std::size_t length;
    std::vector<std::size_t> histogram;
    std::uint64_t fingerprint;
  };
  const Facts facts[] = {{1, {128, 128}, 0x5881084bc14ccd00},
                         {2, {30848, 16384, 18304}, 0x1c8b52a7698a8600},
                         {3, {7835648, 3948544, 2342912, 2650112}, 0x9faafce7f41ba000}};
  for (const Facts& f : facts) {
    std::vector<std::size_t> histogram(f.length + 1);
    std::uint64_t fingerprint = 0;
    std::uint8_t s[3];
    for (std::uint32_t index = 0; index < (1u << (8 * f.length)); ++index) {
      for (std::size_t k = 0; k < f.length; ++k)
        s[k] = static_cast<std::uint8_t>(index >> (8 * (f.length - 1 - k)));
      const std::size_t prefix = reference(s, f.length).valid;
      ++histogram[prefix];
      fingerprint = fingerprint * 1000003 + prefix;
    }
    INFO("sequences of " << f.length << " bytes");
    CHECK(histogram == f.histogram);
    CHECK(fingerprint == f.fingerprint);
  }
  std::vector<std::size_t> histogram(5);
  std::uint64_t fingerprint = 0;
  for (unsigned a = 0xF0; a < 0xF8; ++a)
    for (unsigned b = 0; b < 256; ++b)
      for (unsigned c : {0x7F, 0x80, 0xBF, 0xC0})
        for (unsigned d = 0; d < 256; ++d) {
          const std::uint8_t s[] = {std::uint8_t(a), std::uint8_t(b), std::uint8_t(c),
                                    std::uint8_t(d)};
          const std::size_t prefix = reference(s, 4).valid;
          ++histogram[prefix];
          fingerprint = fingerprint * 1000003 + prefix;
        }
  CHECK(histogram == std::vector<std::size_t>{2064384, 0, 0, 0, 32768});
  CHECK(fingerprint == 0x1e8cd16f35340000);
}

TEST_CASE("what CPython says about a few sequences, through the public functions") {
  // b.decode('utf-8') in CPython 3.11.7; the valid prefix is the error's start.
  struct Case {
    Bytes bytes;
    utf8::Validation expected;
  };
  const Case cases[] = {
      {{}, {0, 0, true, true}},
      {{'a', 'b', 'c'}, {3, 3, true, true}},
      {{0xC3, 0xA9}, {2, 1, false, true}},   // 'é'
      {{0xC4, 0x80}, {2, 1, false, false}},  // 'Ā' U+0100
      {{0xC2, 0x80, 0xC3, 0xBF}, {4, 2, false, true}},
      {{0xE2, 0x82, 0xAC}, {3, 1, false, false}},        // '€'
      {{0xF4, 0x8F, 0xBF, 0xBF}, {4, 1, false, false}},  // U+10FFFF
      {{'a', 0xE2, 0x82}, {1, 1, true, true}},           // unexpected end of data at 1
      {{0xC0, 0x80}, {0, 0, true, true}},                // invalid start byte
      {{0xE0, 0x80, 0x80}, {0, 0, true, true}},          // invalid continuation byte
      {{0xED, 0xA0, 0x80}, {0, 0, true, true}},          // a surrogate
      {{0xF0, 0x8F, 0xBF, 0xBF}, {0, 0, true, true}},
      {{0xF4, 0x90, 0x80, 0x80}, {0, 0, true, true}},
      {{'x', 0xC3, 0xA9, 0xF5}, {3, 2, false, true}},
  };
  for (const Case& c : cases) {
    INFO(hex(c.bytes.data(), c.bytes.size()));
    const utf8::Validation got = utf8::validate(c.bytes.data(), c.bytes.size());
    CHECK(describe(got) == describe(c.expected));
  }
}

TEST_CASE("the public functions call the implementation chosen for this CPU") {
  const utf8::Kernels& active = utf8::active_kernels();
  MESSAGE("utf-8 kernels in use: " << std::string(active.name));
  if (std::getenv("BL_UTF8_KERNELS") == nullptr) CHECK(&active == kernels().back());
  CHECK(std::string(kernels().front()->name) == "portable");
#if defined(__x86_64__)
  CHECK(kernels().size() >= 2);  // SSE2 is part of x86-64
#endif
  Generator g(7);
  const Bytes text = g.mixed(5000);
  CHECK(same(utf8::validate(text.data(), text.size()), active.validate(text.data(), text.size())));
}

TEST_CASE("ascii_prefix and copy_ascii stop at the first byte >= 0x80, wherever it is") {
  for (const utf8::Kernels* k : kernels()) {
    Mismatches m;
    for (std::size_t n = 0; n <= 300; ++n) {
      for (std::size_t at = 0; at <= n; ++at) {  // at == n: all ASCII
        Bytes data(n);
        for (std::size_t i = 0; i < n; ++i) data[i] = static_cast<std::uint8_t>('!' + i % 90);
        if (at < n) data[at] = at % 2 ? 0x80 : 0xFF;
        const std::string where = "n " + std::to_string(n) + " at " + std::to_string(at);
        const std::size_t got = k->ascii_prefix(data.data(), data.size());
        if (got != at) m.fail("ascii_prefix, " + where + ": got " + std::to_string(got));
        std::string copy(n, '\0');  // exact size: AddressSanitizer sees a write past it
        const std::size_t copied = k->copy_ascii(data.data(), data.size(), copy.data());
        if (copied != at ||
            !std::equal(copy.begin(), copy.begin() + static_cast<std::ptrdiff_t>(at), data.begin()))
          m.fail("copy_ascii, " + where + ": got " + std::to_string(copied));
      }
    }
    INFO(k->name);
    CHECK_NO_MISMATCH(m);
  }
}

TEST_CASE("every 1- and 2-byte sequence, alone, in a vector block and at the end") {
  for (const utf8::Kernels* k : kernels()) {
    Mismatches m;
    for (std::uint32_t index = 0; index < 65536 + 256; ++index) {
      const bool pair = index < 65536;
      const std::uint8_t s[] = {static_cast<std::uint8_t>(pair ? index >> 8 : index - 65536),
                                static_cast<std::uint8_t>(index)};
      const std::size_t length = pair ? 2 : 1;
      const Reference r = reference(s, length);
      m.check(validate_exact(*k, s, length), expected_from(r), s, length);
      for (std::size_t offset : {std::size_t{15}, std::size_t{31}, std::size_t{62}}) {
        Bytes data(64, 'a');
        std::copy(s, s + length, data.begin() + static_cast<std::ptrdiff_t>(offset));
        check_validate(*k, data, m);
      }
    }
    INFO(k->name);
    CHECK_NO_MISMATCH(m);
  }
}

TEST_CASE("every 3-byte sequence led by 80..FF, across a vector boundary or cut off at the end") {
  // Each sequence in one place, in turn: straddling the 32-byte boundary of a 64-byte text
  // (offsets 29..32) or the 64-byte boundary of a 128-byte one (61..64), followed by ASCII, so a
  // cut-off sequence is an error where it starts; or ending a 67-byte text, after the vector
  // blocks. (Sequences led by ASCII are an ASCII byte and a 2-byte sequence: tested above.)
  for (const utf8::Kernels* k : kernels()) {
    Mismatches m;
    Bytes text64(64, 'a'), text128(128, 'a'), text67(67, 'a');
    for (std::uint32_t index = 0x800000; index < 0x1000000; index += kStride) {
      const std::uint8_t s[] = {static_cast<std::uint8_t>(index >> 16),
                                static_cast<std::uint8_t>(index >> 8),
                                static_cast<std::uint8_t>(index)};
      const Reference r = reference(s, 3);
      const unsigned place = index % 9;
      Bytes& text = place < 4 ? text64 : place < 8 ? text128 : text67;
      const std::size_t offset = place < 4 ? 29 + place : place < 8 ? 57 + place : 64;
      const auto at = text.begin() + static_cast<std::ptrdiff_t>(offset);
      std::copy(s, s + 3, at);
      const utf8::Validation expected =
          r.valid == 3 ? expected_from(text.size(), text.size() - 3 + r.code_points, r.max)
                       : expected_from(offset + r.valid, offset + r.code_points, r.max);
      m.check(k->validate(text.data(), text.size()), expected, text.data(), text.size());
      std::fill(at, at + 3, 'a');
    }
    INFO(k->name);
    CHECK_NO_MISMATCH(m);
  }
}

TEST_CASE("4-byte sequences led by F0..F7 at every position around a 32-byte boundary") {
  for (const utf8::Kernels* k : kernels()) {
    Mismatches m;
    Bytes data(64, 'a');
    std::uint32_t index = 0;
    for (unsigned a = 0xF0; a < 0xF8; ++a)
      for (unsigned b = 0; b < 256; ++b)
        for (unsigned c : {0x7F, 0x80, 0xBF, 0xC0})
          for (unsigned d = 0; d < 256; d += kStride, ++index) {
            const std::uint8_t s[] = {std::uint8_t(a), std::uint8_t(b), std::uint8_t(c),
                                      std::uint8_t(d)};
            const Reference r = reference(s, 4);
            const std::size_t offset = 28 + index % 5;
            std::copy(s, s + 4, data.begin() + static_cast<std::ptrdiff_t>(offset));
            const utf8::Validation expected =
                r.valid == 4 ? expected_from(64, 61, r.max)
                             : expected_from(offset + r.valid, offset + r.code_points, r.max);
            m.check(k->validate(data.data(), data.size()), expected, data.data(), data.size());
            std::fill(data.begin() + static_cast<std::ptrdiff_t>(offset),
                      data.begin() + static_cast<std::ptrdiff_t>(offset) + 4, 'a');
          }
    INFO(k->name);
    CHECK_NO_MISMATCH(m);
  }
}

TEST_CASE("an error at every offset of 16-, 32- and 64-byte blocks, in text of every kind") {
  static constexpr std::uint8_t kErrors[][4] = {{0x80},
                                                {0xBF},
                                                {0xFF},
                                                {0xF5},
                                                {0xC0, 0x80},
                                                {0xC1, 0xBF},
                                                {0xC2, 'a'},
                                                {0xE0, 0x80},
                                                {0xE0, 0x9F},
                                                {0xE1, 0x80, 'a'},
                                                {0xED, 0xA0},
                                                {0xED, 0xBF},
                                                {0xF0, 0x80},
                                                {0xF0, 0x8F},
                                                {0xF1, 0x80, 0x80, 'a'},
                                                {0xF4, 0x90},
                                                {0xC2, 0x80, 0x80},
                                                {0xE2, 0x82, 0xAC, 0x80},
                                                {0xF0, 0x90, 0x80, 0x80}};
  Generator g(1);
  const Bytes backgrounds[] = {
      Bytes(256, 'a'),   g.valid(256, {2}),          g.valid(256, {3}),
      g.valid(256, {4}), g.valid(256, {1, 2, 3, 4}), g.valid(256, {1, 1, 1, 3})};
  for (const utf8::Kernels* k : kernels()) {
    Mismatches m;
    for (const Bytes& background : backgrounds) {
      for (const auto& error : kErrors) {
        const std::size_t length = error[3] != 0 ? 4 : error[2] != 0 ? 3 : error[1] != 0 ? 2 : 1;
        for (std::size_t offset = 0; offset + length <= 200; ++offset) {
          // Text before the error ends at a sequence boundary, or cut off: both are checked.
          Bytes data = background;
          std::copy(error, error + length, data.begin() + static_cast<std::ptrdiff_t>(offset));
          check_validate(*k, data, m);
          data.resize(offset + length);
          check_validate(*k, data, m);
        }
      }
    }
    INFO(k->name);
    CHECK_NO_MISMATCH(m);
  }
}

TEST_CASE("text cut off at every position") {
  Generator g(2);
  const Bytes texts[] = {g.valid(300, {1}), g.valid(300, {2}),          g.valid(300, {3}),
                         g.valid(300, {4}), g.valid(300, {1, 2, 3, 4}), g.valid(300, {1, 1, 2}),
                         g.mixed(300)};
  for (const utf8::Kernels* k : kernels()) {
    Mismatches m;
    for (const Bytes& text : texts) {
      for (std::size_t n = 0; n <= text.size(); ++n) {
        const Bytes prefix(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(n));
        check_validate(*k, prefix, m);
        check_decode(*k, prefix, m);
      }
    }
    INFO(k->name);
    CHECK_NO_MISMATCH(m);
  }
}

TEST_CASE("random byte strings: validation and decoding of the valid prefix") {
  for (const utf8::Kernels* k : kernels()) {
    Generator g(3);
    Mismatches m;
    for (int round = 0; round < 20000; ++round) {
      const std::size_t n = g.pick(0, round % 10 == 0 ? 2000 : 300);
      const Bytes data = round % 3 == 0   ? g.mixed(n)
                         : round % 3 == 1 ? g.valid(n, {1, 1, 1, 1, 2, 3, 4})
                                          : [&] {
                                              Bytes noise(n);
                                              for (auto& b : noise) b = g.byte(0, 255);
                                              return noise;
                                            }();
      check_validate(*k, data, m);
      check_decode(*k, data, m);
    }
    INFO(k->name);
    CHECK_NO_MISMATCH(m);
  }
}

TEST_CASE("every code point round-trips through encode_wide, validate and decode_wide") {
  std::u32string all;
  for (char32_t c = 0; c <= 0x10FFFF; ++c)
    if (c < 0xD800 || c > 0xDFFF) all.push_back(c);
  std::u32string shuffled = all;
  std::shuffle(shuffled.begin(), shuffled.end(), std::mt19937(4));
  for (const utf8::Kernels* k : kernels()) {
    INFO(k->name);
    for (const std::u32string& text : {all, shuffled}) {
      const Bytes expected = utf8_of(text);
      Bytes encoded(4 * text.size());
      encoded.resize(k->encode_wide(text.data(), text.size(), encoded.data()));
      CHECK(encoded == expected);
      const utf8::Validation v = k->validate(encoded.data(), encoded.size());
      CHECK(describe(v) == describe({encoded.size(), text.size(), false, false}));
      std::u32string decoded(text.size(), U'\0');
      k->decode_wide(encoded.data(), encoded.size(), decoded.data());
      CHECK((decoded == text));
    }
  }
}

TEST_CASE("narrow text round-trips through encode_narrow, validate and decode_narrow") {
  Generator g(5);
  for (const utf8::Kernels* k : kernels()) {
    Mismatches m;
    for (int round = 0; round < 3000; ++round) {
      const std::size_t n = g.pick(0, 500);
      const bool latin1 = round % 2 == 0;
      std::string text(n, '\0');
      for (char& c : text)
        c = static_cast<char>(g.pick(0, latin1 || g.pick(0, 9) == 0 ? 255 : 127));
      std::u32string wide(text.begin(), text.end());
      for (char32_t& c : wide) c &= 0xFF;
      const Bytes expected = utf8_of(wide);
      Bytes encoded(2 * n);
      encoded.resize(k->encode_narrow(text.data(), n, encoded.data()));
      if (encoded != expected) m.fail("encode_narrow of " + std::to_string(n) + " code points");
      char32_t max = 0;
      for (char32_t c : wide) max = std::max(max, c);
      m.check(k->validate(encoded.data(), encoded.size()), expected_from(encoded.size(), n, max),
              encoded.data(), encoded.size());
      std::string decoded(n, '\0');
      k->decode_narrow(encoded.data(), encoded.size(), decoded.data());
      if (decoded != text)
        m.fail("decode_narrow of [" +
               hex(encoded.data(), std::min<std::size_t>(encoded.size(), 80)) + "]");
    }
    INFO(k->name);
    CHECK_NO_MISMATCH(m);
  }
}
