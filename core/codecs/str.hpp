// Python's `str`: an immutable-by-convention sequence of Unicode code points.
//
// Any code point 0..0x10FFFF is allowed, lone surrogates included (surrogateescape decodes
// undecodable bytes to U+DC80..U+DCFF). As in CPython's PEP 393 representation, text whose
// code points are all below 256 is stored one byte per code point ("narrow": ASCII and
// Latin-1, the common case of I/O), so decoding and splitting an ASCII file costs little more
// than a memcpy and a memchr. Text with any larger code point is stored four bytes per code
// point ("wide"). Which form a Str uses is invisible to Python code: equality, size and
// indexing do not depend on it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "buffer/bytes.hpp"

namespace bl::codecs {

class Str {
 public:
  static constexpr std::size_t npos = std::size_t(-1);
  // The storage: vectors that a decoder can grow without zero-filling what it is about to
  // overwrite (one pass over the text, as CPython's decoders make).
  using NarrowText = std::vector<char, buffer::UninitializedAllocator<char>>;
  using WideText = std::vector<char32_t, buffer::UninitializedAllocator<char32_t>>;

  Str() = default;
  // Text from a C++ literal: UTF-8 input; ill-formed bytes are an error (std::invalid_argument),
  // encoded surrogates (ED A0..BF xx) are accepted as code points. For tests and messages.
  static Str from_utf8(std::string_view utf8);
  // Every byte is one code point U+0000..U+00FF.
  static Str from_latin1(std::string_view latin1);
  // Any code points; stored narrow when they all fit.
  static Str from_code_points(std::u32string_view code_points);
  static Str from_code_point(char32_t code_point) { return from_code_points({&code_point, 1}); }
  // A string of n code points for a decoder to fill in place through narrow_data() or
  // wide_data(). A wide string whose code points all turn out below 256 stays wide until
  // shrink_to_fit_kind() (equality and indexing do not care).
  static Str narrow_of_size(std::size_t n);
  static Str wide_of_size(std::size_t n);
  char* narrow_data() { return narrow_text_.data(); }
  char32_t* wide_data() { return wide_text_.data(); }
  void shrink_to_fit_kind() { narrow_if_possible(); }
  // Take over a buffer a decoder built, without copying it (added for the codecs' slow
  // paths). Like wide_of_size, adopt_wide stays wide until shrink_to_fit_kind().
  static Str adopt_latin1(NarrowText&& latin1) {
    Str s;
    s.narrow_text_ = std::move(latin1);
    return s;
  }
  static Str adopt_wide(WideText&& code_points) {
    Str s;
    s.wide_ = true;
    s.wide_text_ = std::move(code_points);
    return s;
  }

  std::size_t size() const { return wide_ ? wide_text_.size() : narrow_text_.size(); }
  bool empty() const { return size() == 0; }
  char32_t operator[](std::size_t i) const {
    return wide_ ? wide_text_[i] : static_cast<unsigned char>(narrow_text_[i]);
  }

  // The storage: narrow() when is_narrow(), wide() otherwise.
  bool is_narrow() const { return !wide_; }
  std::string_view narrow() const { return {narrow_text_.data(), narrow_text_.size()}; }
  std::u32string_view wide() const { return {wide_text_.data(), wide_text_.size()}; }
  // True when every code point is below 128 (a scan).
  bool is_ascii() const;
  // The largest code point (0 for ''), as CPython's PyUnicode_MAX_CHAR_VALUE bounds it.
  char32_t max_char() const;

  // self[start:stop], clamped to the string as Python slices are.
  Str slice(std::size_t start, std::size_t stop = npos) const;
  // The first `c` in [from, to), or npos.
  std::size_t find(char32_t c, std::size_t from = 0, std::size_t to = npos) const;
  std::size_t find(const Str& needle, std::size_t from = 0) const;
  bool contains(char32_t c) const { return find(c) != npos; }
  bool starts_with(const Str& prefix) const;

  void append(const Str& text);
  void append(char32_t c);
  // Writes `text` over this string starting at `pos`, growing it as needed
  // (StringIO.write in the middle of its buffer). pos <= size().
  void overwrite(std::size_t pos, const Str& text);
  // Truncates or pads with `fill` to `n` code points.
  void resize(std::size_t n, char32_t fill = 0);
  // str.replace(old, new) for single code points to strings (newline translation).
  Str replace(char32_t old_char, const Str& replacement) const;
  void clear();

  // UTF-8 with lone surrogates encoded as three bytes each (as surrogatepass would): for
  // printing, messages and JSON, never for Python-visible encoding.
  std::string to_utf8() const;
  // repr(): quotes and escapes as CPython chooses ('it\'s' -> "it's", '\x00', '\u2028').
  std::string repr() const;

  friend bool operator==(const Str& a, const Str& b);
  friend Str operator+(Str a, const Str& b) {
    a.append(b);
    return a;
  }

 private:
  void widen();
  void narrow_if_possible();

  bool wide_ = false;
  NarrowText narrow_text_;  // code points < 256, one byte each, when !wide_
  WideText wide_text_;      // when wide_
};

// Appends the UTF-8 form of code point `c` (surrogates too, as 3-byte sequences).
void append_utf8(std::string& out, char32_t c);

// Whether Python's str.isprintable() holds for the code point (the rule repr() escapes by).
bool is_printable(char32_t c);

// How UnicodeEncodeError names a code point in its message: always escaped, '\xe9' below 256,
// '\u20ac' below 0x10000, '\U0001f600' above.
std::string escape_code_point(char32_t c);

}  // namespace bl::codecs
