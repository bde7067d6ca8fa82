#include "codecs/str.hpp"

#include <algorithm>
#include <cstring>
#include <iterator>
#include <stdexcept>

namespace bl::codecs {
namespace {

struct CodePointRange {
  char32_t first, last;
};
constexpr CodePointRange kNonPrintable[] = {
#include "codecs/printable_table.inc"
};

constexpr char kHex[] = "0123456789abcdef";

void append_hex(std::string& out, char32_t c, int digits) {
  for (int shift = 4 * (digits - 1); shift >= 0; shift -= 4) out += kHex[(c >> shift) & 0xF];
}

// Code points of `s` as char32_t, whatever its storage.
template <class F>
void for_each_code_point(const Str& s, F f) {
  if (s.is_narrow()) {
    for (char c : s.narrow()) f(static_cast<char32_t>(static_cast<unsigned char>(c)));
  } else {
    for (char32_t c : s.wide()) f(c);
  }
}

}  // namespace

void append_utf8(std::string& out, char32_t c) {
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

bool is_printable(char32_t c) {
  if (c >= 0x20 && c < 0x7F) return true;
  auto it =
      std::upper_bound(std::begin(kNonPrintable), std::end(kNonPrintable), c,
                       [](char32_t value, const CodePointRange& r) { return value < r.first; });
  if (it == std::begin(kNonPrintable)) return true;
  --it;
  return c > it->last;
}

std::string escape_code_point(char32_t c) {
  std::string out = "\\";
  if (c < 0x100) {
    out += 'x';
    append_hex(out, c, 2);
  } else if (c < 0x10000) {
    out += 'u';
    append_hex(out, c, 4);
  } else {
    out += 'U';
    append_hex(out, c, 8);
  }
  return out;
}

Str Str::from_utf8(std::string_view utf8) {
  std::u32string code_points;
  code_points.reserve(utf8.size());
  for (std::size_t i = 0; i < utf8.size();) {
    auto byte = [&](std::size_t k) { return static_cast<unsigned char>(utf8[k]); };
    unsigned char lead = byte(i);
    int length = lead < 0x80                   ? 1
                 : lead >= 0xC2 && lead < 0xE0 ? 2
                 : lead >= 0xE0 && lead < 0xF0 ? 3
                 : lead >= 0xF0 && lead < 0xF5 ? 4
                                               : 0;
    if (length == 0 || i + length > utf8.size()) {
      throw std::invalid_argument("Str::from_utf8: ill-formed UTF-8");
    }
    char32_t c = length == 1 ? lead : lead & (0x7F >> length);
    for (int k = 1; k < length; ++k) {
      if ((byte(i + k) & 0xC0) != 0x80)
        throw std::invalid_argument("Str::from_utf8: ill-formed UTF-8");
      c = (c << 6) | (byte(i + k) & 0x3F);
    }
    constexpr char32_t kSmallest[] = {0, 0, 0x80, 0x800, 0x10000};
    if (c < kSmallest[length] || c > 0x10FFFF) {
      throw std::invalid_argument("Str::from_utf8: ill-formed UTF-8");
    }
    code_points += c;
    i += length;
  }
  return from_code_points(code_points);
}

Str Str::from_latin1(std::string_view latin1) {
  Str s;
  s.narrow_text_.assign(latin1.begin(), latin1.end());
  return s;
}

Str Str::from_code_points(std::u32string_view code_points) {
  Str s;
  s.wide_ = true;
  s.wide_text_.assign(code_points.begin(), code_points.end());
  s.narrow_if_possible();
  return s;
}

Str Str::narrow_of_size(std::size_t n) {
  Str s;
  s.narrow_text_.resize(n);
  return s;
}

Str Str::wide_of_size(std::size_t n) {
  Str s;
  s.wide_ = true;
  s.wide_text_.resize(n);
  return s;
}

bool Str::is_ascii() const {
  if (wide_) return max_char() < 0x80;
  return std::all_of(narrow_text_.begin(), narrow_text_.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

char32_t Str::max_char() const {
  char32_t m = 0;
  for_each_code_point(*this, [&](char32_t c) { m = std::max(m, c); });
  return m;
}

Str Str::slice(std::size_t start, std::size_t stop) const {
  std::size_t n = size();
  stop = std::min(stop, n);
  start = std::min(start, stop);
  Str s;
  if (wide_) {
    s.wide_ = true;
    s.wide_text_.assign(wide_text_.begin() + start, wide_text_.begin() + stop);
  } else {
    s.narrow_text_.assign(narrow_text_.begin() + start, narrow_text_.begin() + stop);
  }
  return s;
}

std::size_t Str::find(char32_t c, std::size_t from, std::size_t to) const {
  to = std::min(to, size());
  if (from >= to) return npos;
  if (wide_) {
    auto hit = std::find(wide_text_.begin() + from, wide_text_.begin() + to, c);
    return hit == wide_text_.begin() + to ? npos : hit - wide_text_.begin();
  }
  if (c > 0xFF) return npos;
  const void* hit = std::memchr(narrow_text_.data() + from, static_cast<int>(c), to - from);
  return hit ? static_cast<const char*>(hit) - narrow_text_.data() : npos;
}

std::size_t Str::find(const Str& needle, std::size_t from) const {
  if (!wide_ && !needle.wide_) return narrow().find(needle.narrow(), from);
  if (wide_ && needle.wide_) return wide().find(needle.wide(), from);
  Str copy = needle;
  if (wide_) {
    copy.widen();
    return wide().find(copy.wide(), from);
  }
  copy.narrow_if_possible();  // a needle stored wide may still hold only narrow code points
  return copy.wide_ ? npos : narrow().find(copy.narrow(), from);
}

bool Str::starts_with(const Str& prefix) const {
  if (prefix.size() > size()) return false;
  return slice(0, prefix.size()) == prefix;
}

void Str::append(const Str& text) {
  if (!wide_ && !text.wide_) {
    narrow_text_.insert(narrow_text_.end(), text.narrow_text_.begin(), text.narrow_text_.end());
    return;
  }
  widen();
  if (text.wide_) {
    wide_text_.insert(wide_text_.end(), text.wide_text_.begin(), text.wide_text_.end());
  } else {
    wide_text_.reserve(wide_text_.size() + text.size());
    for (char c : text.narrow_text_) wide_text_.push_back(static_cast<unsigned char>(c));
  }
}

void Str::append(char32_t c) {
  if (!wide_ && c < 0x100) {
    narrow_text_.push_back(static_cast<char>(c));
    return;
  }
  widen();
  wide_text_.push_back(c);
}

void Str::overwrite(std::size_t pos, const Str& text) {
  if (text.wide_ && !wide_) widen();
  std::size_t end = pos + text.size();
  if (end > size()) resize(end);
  if (!wide_) {
    std::copy(text.narrow_text_.begin(), text.narrow_text_.end(), narrow_text_.begin() + pos);
    return;
  }
  std::size_t i = pos;
  for_each_code_point(text, [&](char32_t c) { wide_text_[i++] = c; });
}

void Str::resize(std::size_t n, char32_t fill) {
  if (!wide_ && fill > 0xFF && n > size()) widen();
  if (wide_) {
    wide_text_.resize(n, fill);
  } else {
    narrow_text_.resize(n, static_cast<char>(fill));
  }
}

Str Str::replace(char32_t old_char, const Str& replacement) const {
  Str out;
  std::size_t start = 0;
  for (std::size_t hit = find(old_char); hit != npos; hit = find(old_char, start)) {
    out.append(slice(start, hit));
    out.append(replacement);
    start = hit + 1;
  }
  if (start == 0) return *this;
  out.append(slice(start));
  return out;
}

void Str::clear() {
  wide_ = false;
  narrow_text_.clear();
  wide_text_.clear();
}

std::string Str::to_utf8() const {
  std::string out;
  out.reserve(size());
  for_each_code_point(*this, [&](char32_t c) { append_utf8(out, c); });
  return out;
}

std::string Str::repr() const {
  bool has_single = contains(U'\'');
  char quote = has_single && !contains(U'"') ? '"' : '\'';
  std::string out(1, quote);
  for_each_code_point(*this, [&](char32_t c) {
    if (c == static_cast<char32_t>(quote) || c == U'\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == U'\t') {
      out += "\\t";
    } else if (c == U'\n') {
      out += "\\n";
    } else if (c == U'\r') {
      out += "\\r";
    } else if (c < 0x20 || c == 0x7F) {
      out += "\\x";
      append_hex(out, c, 2);
    } else if (c < 0x7F || is_printable(c)) {
      append_utf8(out, c);
    } else {
      out += escape_code_point(c);
    }
  });
  out += quote;
  return out;
}

bool operator==(const Str& a, const Str& b) {
  if (a.wide_ == b.wide_)
    return a.wide_ ? a.wide_text_ == b.wide_text_ : a.narrow_text_ == b.narrow_text_;
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

void Str::widen() {
  if (wide_) return;
  wide_text_.resize(narrow_text_.size());
  for (std::size_t i = 0; i < narrow_text_.size(); ++i) {
    wide_text_[i] = static_cast<unsigned char>(narrow_text_[i]);
  }
  narrow_text_.clear();
  wide_ = true;
}

void Str::narrow_if_possible() {
  if (!wide_) return;
  if (std::any_of(wide_text_.begin(), wide_text_.end(), [](char32_t c) { return c > 0xFF; })) {
    return;
  }
  narrow_text_.resize(wide_text_.size());
  for (std::size_t i = 0; i < wide_text_.size(); ++i)
    narrow_text_[i] = static_cast<char>(wide_text_[i]);
  wide_text_.clear();
  wide_ = false;
}

}  // namespace bl::codecs
