// How the tokenizer follows CPython 3.11 (Parser/tokenizer.c and the pegen error paths), in
// our words: one pass over the bytes, a stack of indentation columns (tabs to multiples of 8,
// with a second "alternate" column counting a tab as 1 to detect inconsistent tabs), a stack
// of open brackets, and errors located exactly where CPython locates them -- including the
// places where CPython reports a byte offset rather than a character offset.
#include "script/tokenizer.hpp"

#include <string>

#include "codecs/codec.hpp"
#include "codecs/str.hpp"
#include "script/identifier.hpp"

namespace bl::script {

namespace {

using Kind = Token::Kind;

constexpr int kEof = -1;
constexpr int kTabSize = 8;
constexpr std::size_t kMaxIndent = 100;  // CPython's MAXINDENT
constexpr std::size_t kMaxLevel = 200;   // CPython's MAXLEVEL

bool is_digit(int c) { return c >= '0' && c <= '9'; }
bool is_hex_digit(int c) {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
bool is_ascii_letter(int c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
// CPython's first guess at a name: ASCII letters, '_' and every non-ASCII byte; the name is
// checked against XID_Start/XID_Continue afterwards.
bool may_start_name(int c) { return is_ascii_letter(c) || c == '_' || c >= 128; }
bool may_continue_name(int c) { return may_start_name(c) || is_digit(c); }

struct Decoded {
  char32_t cp;
  int len;  // 0: not valid UTF-8
};

Decoded decode_utf8(std::string_view s, std::size_t p) {
  const auto byte = [&](std::size_t i) -> unsigned {
    return i < s.size() ? static_cast<unsigned char>(s[i]) : 0u;
  };
  const unsigned b0 = byte(p);
  if (b0 < 0x80) return {b0, 1};
  int len = 0;
  char32_t cp = 0;
  char32_t min = 0;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2, cp = b0 & 0x1F, min = 0x80;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3, cp = b0 & 0x0F, min = 0x800;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4, cp = b0 & 0x07, min = 0x10000;
  } else {
    return {0, 0};
  }
  for (int i = 1; i < len; ++i) {
    const unsigned b = byte(p + i);
    if ((b & 0xC0) != 0x80) return {0, 0};
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return {0, 0};
  return {cp, len};
}

// Source bytes as CPython shows them in SyntaxError.text: newlines translated to "\n" and
// undecodable bytes replaced by U+FFFD.
std::string shown_text(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size());
  for (std::size_t i = 0; i < bytes.size();) {
    if (bytes[i] == '\r') {
      out += '\n';
      i += (i + 1 < bytes.size() && bytes[i + 1] == '\n') ? 2 : 1;
      continue;
    }
    const Decoded d = decode_utf8(bytes, i);
    if (d.len == 0) {
      codecs::append_utf8(out, 0xFFFD);
      ++i;
    } else {
      out.append(bytes.substr(i, d.len));
      i += d.len;
    }
  }
  return out;
}

std::string hex4(char32_t c) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (int shift = 20; shift >= 0; shift -= 4) {
    if (shift < 16 || (c >> shift) != 0) out += kHex[(c >> shift) & 0xF];
  }
  return out;
}

struct Bracket {
  char ch;
  int line;
  std::size_t line_start;  // byte index of its line
  std::size_t byte_col;    // byte offset in its line
};

class Lexer {
 public:
  Lexer(std::string_view source, std::string_view filename, TokenizeOptions options)
      : src_(source), filename_(filename), trivia_(options.trivia) {
    if (src_.substr(0, 3) == "\xEF\xBB\xBF") src_.remove_prefix(3);
  }

  std::vector<Token> run();

 private:
  // ------------------------------------------------------------------ reading
  int at(std::size_t p) const {
    return p < src_.size() ? static_cast<unsigned char>(src_[p]) : kEof;
  }
  // Length of the line terminator at p ("\n", "\r\n" or "\r"), 0 if none.
  std::size_t newline_len(std::size_t p) const {
    if (at(p) == '\n') return 1;
    if (at(p) == '\r') return at(p + 1) == '\n' ? 2 : 1;
    return 0;
  }
  std::size_t line_end(std::size_t p) const {
    while (p < src_.size() && src_[p] != '\n' && src_[p] != '\r') ++p;
    return p;
  }
  void next_line(std::size_t start) {
    ++line_;
    line_start_ = start;
    col_pos_ = start;
    col_ = 0;
  }
  // Column in code points of byte p of the current line (counted incrementally).
  int col_of(std::size_t p) {
    if (p < col_pos_) col_pos_ = line_start_, col_ = 0;
    for (; col_pos_ < p && col_pos_ < src_.size(); ++col_pos_) {
      if ((static_cast<unsigned char>(src_[col_pos_]) & 0xC0) != 0x80) ++col_;
    }
    return col_;
  }
  // The number of the last line that holds anything (CPython's lineno at end of input).
  int last_line() const {
    return line_start_ == src_.size() && line_ > 1 ? line_ - 1 : line_;
  }

  void emit(Kind kind, std::size_t from, std::size_t to, int line, int col, int end_line,
            int end_col) {
    out_.push_back(Token{kind, src_.substr(from, to - from), line, col, end_line, end_col});
  }
  // A token on the current line.
  void emit_here(Kind kind, std::size_t from, std::size_t to) {
    const int col = col_of(from);
    emit(kind, from, to, line_, col, line_, col_of(to));
  }

  // ------------------------------------------------------------------- errors
  // CPython's tokenizer-raised SyntaxError: offset = characters up to `cur` on the current
  // line, text = that line without its newline.
  [[noreturn]] void fail_at(std::string msg, std::size_t cur) {
    const int offset = col_of(cur);
    fail_range(std::move(msg), offset, offset);
  }
  [[noreturn]] void fail_range(std::string msg, int offset, int end_offset) {
    throw SyntaxError(std::move(msg), std::string(filename_),
                      {line_, offset, physical_line(line_start_), line_, end_offset});
  }
  std::string physical_line(std::size_t start) const {
    return shown_text(src_.substr(start, line_end(start) - start));
  }
  // The tokenizer's buffer as the parser shows it: from the first line of the current run of
  // lines (joined by backslashes or by a multi-line string) to the end of the current line,
  // with its newline (CPython adds one to a last line that has none).
  std::string buffer_text() const {
    const std::size_t end = line_end(line_start_);
    std::string text = shown_text(src_.substr(buf_start_, end - buf_start_));
    // At the end of input after a final newline, the last line already has it.
    if (!(line_start_ == src_.size() && buf_start_ < line_start_)) text += '\n';
    return text;
  }
  // Bytes of the current line with its newline counted as one byte (CPython reports some
  // offsets in bytes).
  int line_bytes_with_newline() const {
    return static_cast<int>(line_end(line_start_) - line_start_) + 1;
  }
  template <class Error = SyntaxError>
  [[noreturn]] void fail_parser_style(std::string msg, int offset, int end_offset) {
    throw Error(std::move(msg), std::string(filename_),
                {line_, offset, buffer_text(), line_, end_offset});
  }
  [[noreturn]] void fail_never_closed() {
    const Bracket& b = brackets_.back();
    std::string text = b.line == last_line() ? buffer_text() : physical_line(b.line_start);
    throw SyntaxError(std::string("'") + b.ch + "' was never closed", std::string(filename_),
                      {b.line, static_cast<int>(b.byte_col) + 1, std::move(text), b.line, 0});
  }
  [[noreturn]] void fail_unexpected_eof() {
    if (!brackets_.empty()) fail_never_closed();
    fail_parser_style("unexpected EOF while parsing", line_bytes_with_newline(), -1);
  }

  // ------------------------------------------------------------------- tokens
  void indentation(int col, int altcol, std::size_t first);
  void finish(bool blank, bool comment);
  void continuation();
  void name();
  void verify_name(std::size_t start, std::size_t end);
  void string(std::size_t start, std::size_t quote_pos);
  void number();
  int decimal_tail(std::size_t& p);
  void end_of_number(int c, std::size_t& p, const char* kind);
  void op();

  std::string_view src_;
  std::string_view filename_;
  bool trivia_;
  std::size_t pos_ = 0;
  int line_ = 1;
  std::size_t line_start_ = 0;
  std::size_t buf_start_ = 0;
  std::size_t col_pos_ = 0;
  int col_ = 0;
  std::vector<int> indents_{0}, altindents_{0};
  std::vector<Bracket> brackets_;
  std::vector<Token> out_;
};

std::vector<Token> Lexer::run() {
  if (src_.find('\0') != std::string_view::npos) {
    // CPython raises this one before tokenizing: no filename, no location.
    throw SyntaxError("source code string cannot contain null bytes", "", {});
  }
  out_.reserve(src_.size() / 3 + 4);
  bool at_bol = true;
  bool blank = false;
  bool comment = false;
  while (true) {
    if (at_bol) {
      at_bol = false;
      comment = false;
      int col = 0, altcol = 0;
      std::size_t p = pos_;
      for (;; ++p) {
        const int c = at(p);
        if (c == ' ') {
          ++col, ++altcol;
        } else if (c == '\t') {
          col = (col / kTabSize + 1) * kTabSize, ++altcol;
        } else if (c == '\f') {
          col = altcol = 0;
        } else {
          break;
        }
      }
      blank = at(p) == '#' || at(p) == kEof || newline_len(p) > 0;
      pos_ = p;
      if (!blank && brackets_.empty()) indentation(col, altcol, p);
    }
    while (at(pos_) == ' ' || at(pos_) == '\t' || at(pos_) == '\f') ++pos_;
    int c = at(pos_);
    if (c == '#') {
      const std::size_t end = line_end(pos_);
      if (trivia_) emit_here(Kind::comment, pos_, end);
      comment = true;
      pos_ = end;
      c = at(pos_);
    }
    if (c == kEof) {
      finish(blank, comment);
      return std::move(out_);
    }
    if (const std::size_t n = newline_len(pos_)) {
      const bool logical = !blank && brackets_.empty();
      if (logical || trivia_) emit_here(logical ? Kind::newline : Kind::nl, pos_, pos_ + n);
      pos_ += n;
      next_line(pos_);
      if (pos_ < src_.size()) buf_start_ = pos_;
      at_bol = true;
      continue;
    }
    if (c == '\\') {
      continuation();
    } else if (may_start_name(c)) {
      name();
    } else if (is_digit(c) || (c == '.' && is_digit(at(pos_ + 1)))) {
      number();
    } else if (c == '\'' || c == '"') {
      string(pos_, pos_);
    } else {
      op();
    }
  }
}

void Lexer::indentation(int col, int altcol, std::size_t first) {
  const auto tab_error = [&] {
    fail_parser_style<TabError>("inconsistent use of tabs and spaces in indentation", 1, 0);
  };
  if (col == indents_.back()) {
    if (altcol != altindents_.back()) tab_error();
  } else if (col > indents_.back()) {
    if (indents_.size() >= kMaxIndent) {
      fail_parser_style<IndentationError>("too many levels of indentation", 1, 0);
    }
    if (altcol <= altindents_.back()) tab_error();
    indents_.push_back(col);
    altindents_.push_back(altcol);
    emit(Kind::indent, line_start_, first, line_, 0, line_, col_of(first));
  } else {
    std::size_t dedents = 0;
    while (indents_.size() > 1 && col < indents_.back()) {
      indents_.pop_back();
      altindents_.pop_back();
      ++dedents;
    }
    if (col != indents_.back()) {
      fail_parser_style<IndentationError>("unindent does not match any outer indentation level",
                                          line_bytes_with_newline(), -1);
    }
    if (altcol != altindents_.back()) tab_error();
    const int at_col = col_of(first);
    for (; dedents > 0; --dedents) emit(Kind::dedent, first, first, line_, at_col, line_, at_col);
  }
}

// End of input: the NEWLINE a last line without one still gets (as tokenize reports it), the
// DEDENTs back to column 0 and ENDMARKER.
void Lexer::finish(bool blank, bool comment) {
  if (!brackets_.empty()) fail_never_closed();
  int end_line = line_;
  if (line_start_ < src_.size()) {  // the last line has no newline
    const int col = col_of(pos_);
    if (!blank) {
      emit(Kind::newline, pos_, pos_, line_, col, line_, col + 1);
      ++end_line;
    } else if (comment) {
      if (trivia_) emit(Kind::nl, pos_, pos_, line_, col, line_, col);
      ++end_line;
    }
  }
  for (std::size_t i = 1; i < indents_.size(); ++i) {
    emit(Kind::dedent, pos_, pos_, end_line, 0, end_line, 0);
  }
  emit(Kind::endmarker, pos_, pos_, end_line, 0, end_line, 0);
}

void Lexer::continuation() {
  const std::size_t after = pos_ + 1;
  if (at(after) == kEof) fail_unexpected_eof();  // CPython adds the newline, then finds EOF
  const std::size_t n = newline_len(after);
  if (n == 0) {
    // Offset in bytes from the start of the tokenizer's buffer, as CPython computes it.
    int offset = 1;
    for (std::size_t i = buf_start_; i < after; ++i) {
      if (!(src_[i] == '\r' && i + 1 < src_.size() && src_[i + 1] == '\n')) ++offset;
    }
    fail_parser_style("unexpected character after line continuation character", offset, 0);
  }
  if (after + n >= src_.size()) fail_unexpected_eof();
  pos_ = after + n;
  next_line(pos_);
}

void Lexer::name() {
  const std::size_t start = pos_;
  // String prefixes: any order and case of b/r, u alone, f/r -- as CPython accepts them.
  bool b = false, r = false, u = false, f = false;
  for (std::size_t p = start;;) {
    const int c = at(p);
    if (!(b || u || f) && (c == 'b' || c == 'B')) {
      b = true;
    } else if (!(b || u || r || f) && (c == 'u' || c == 'U')) {
      u = true;
    } else if (!(r || u) && (c == 'r' || c == 'R')) {
      r = true;
    } else if (!(f || b || u) && (c == 'f' || c == 'F')) {
      f = true;
    } else {
      break;
    }
    ++p;
    if (at(p) == '\'' || at(p) == '"') return string(start, p);
  }
  std::size_t p = start;
  bool ascii = true;
  while (may_continue_name(at(p))) {
    if (at(p) >= 128) ascii = false;
    ++p;
  }
  if (!ascii) verify_name(start, p);
  emit_here(Kind::name, start, p);
  pos_ = p;
}

// A non-ASCII name must be valid UTF-8 and XID_Start XID_Continue* ('_' may start it).
void Lexer::verify_name(std::size_t start, std::size_t end) {
  const std::string_view bytes = src_.substr(start, end - start);
  for (std::size_t i = 0; i < bytes.size();) {
    const Decoded d = decode_utf8(bytes, i);
    if (d.len == 0) {
      std::string reason = "invalid UTF-8";
      try {
        codecs::decode(std::as_bytes(std::span<const char>(bytes.data(), bytes.size())));
      } catch (const codecs::UnicodeDecodeError& e) {
        reason = e.what();
      }
      fail_parser_style("(unicode error) " + reason, static_cast<int>(end - line_start_), -1);
    }
    i += d.len;
  }
  for (std::size_t i = 0; i < bytes.size();) {
    const Decoded d = decode_utf8(bytes, i);
    const bool ok = i == 0 ? (d.cp == '_' || is_xid_start(d.cp)) : is_xid_continue(d.cp);
    if (!ok) {
      std::string msg;
      if (codecs::is_printable(d.cp)) {
        msg = "invalid character '";
        codecs::append_utf8(msg, d.cp);
        msg += "' (U+" + hex4(d.cp) + ")";
      } else {
        msg = "invalid non-printable character U+" + hex4(d.cp);
      }
      fail_at(std::move(msg), start + i + d.len);
    }
    i += d.len;
  }
}

void Lexer::string(std::size_t start, std::size_t quote_pos) {
  const int first_line = line_;
  const std::size_t first_line_start = line_start_;
  const int start_col = col_of(start);
  const int quote = at(quote_pos);
  std::size_t p = quote_pos + 1;
  int quote_size = 1;
  int closing = 0;
  if (at(p) == quote && at(p + 1) == quote) {
    quote_size = 3;
    p += 2;
  } else if (at(p) == quote) {
    closing = 1;
    ++p;
  }
  while (closing != quote_size) {
    const int c = at(p);
    const std::size_t n = newline_len(p);
    if (c == kEof || (n > 0 && quote_size == 1)) {
      const int detected = c == kEof ? last_line() : line_;
      const std::string what = quote_size == 3 ? "unterminated triple-quoted string literal"
                                               : "unterminated string literal";
      throw SyntaxError(what + " (detected at line " + std::to_string(detected) + ")",
                        std::string(filename_),
                        {first_line, start_col + 1, physical_line(first_line_start), first_line,
                         start_col + 1});
    }
    if (n > 0) {
      p += n;
      next_line(p);
      closing = 0;
      continue;
    }
    ++p;
    if (c == quote) {
      ++closing;
    } else {
      closing = 0;
      if (c == '\\') {
        if (const std::size_t m = newline_len(p)) {
          p += m;
          next_line(p);
        } else if (p < src_.size()) {
          ++p;
        }
      }
    }
  }
  emit(Kind::string, start, p, first_line, start_col, line_, col_of(p));
  pos_ = p;
}

int Lexer::decimal_tail(std::size_t& p) {
  int c;
  while (true) {
    do c = at(p++);
    while (is_digit(c));
    if (c != '_') return c;
    c = at(p++);
    if (!is_digit(c)) {
      --p;
      fail_at("invalid decimal literal", p);
    }
  }
}

// A number may be followed by a keyword that can follow it in valid code (`1if x else 2`;
// CPython warns), never by another ASCII name character.
void Lexer::end_of_number(int c, std::size_t& p, const char* kind) {
  const auto followed_by = [&](std::string_view rest) { return src_.substr(p, rest.size()) == rest; };
  bool keyword = false;
  switch (c) {
    case 'a': keyword = followed_by("nd"); break;
    case 'e': keyword = followed_by("lse"); break;
    case 'f': keyword = followed_by("or"); break;
    case 'o': keyword = followed_by("r"); break;
    case 'n': keyword = followed_by("ot"); break;
    case 'i': keyword = at(p) == 'f' || at(p) == 'n' || at(p) == 's'; break;
    default: break;
  }
  // Only ASCII: a non-ASCII character ends the number and starts a name (checked as such).
  if (!keyword && c < 128 && may_continue_name(c)) {
    --p;
    fail_at(std::string("invalid ") + kind + " literal", p);
  }
}

void Lexer::number() {
  const std::size_t start = pos_;
  std::size_t p = pos_;
  int c = at(p++);
  if (c == '.') {
    c = at(p++);
    goto fraction;
  }
  if (c == '0') {
    c = at(p++);
    if (c == 'x' || c == 'X' || c == 'o' || c == 'O' || c == 'b' || c == 'B') {
      const int radix = (c == 'x' || c == 'X') ? 16 : (c == 'o' || c == 'O') ? 8 : 2;
      const char* kind = radix == 16 ? "hexadecimal" : radix == 8 ? "octal" : "binary";
      const auto in_radix = [radix](int d) {
        return radix == 16 ? is_hex_digit(d) : d >= '0' && d < '0' + radix;
      };
      c = at(p++);
      do {
        if (c == '_') c = at(p++);
        if (!in_radix(c)) {
          if (radix != 16 && is_digit(c)) {
            fail_at(std::string("invalid digit '") + static_cast<char>(c) + "' in " + kind +
                        " literal",
                    p);
          }
          --p;
          fail_at(std::string("invalid ") + kind + " literal", p);
        }
        do c = at(p++);
        while (in_radix(c));
      } while (c == '_');
      if (radix != 16 && is_digit(c)) {
        fail_at(std::string("invalid digit '") + static_cast<char>(c) + "' in " + kind +
                    " literal",
                p);
      }
      end_of_number(c, p, kind);
      goto done;
    }
    bool nonzero = false;
    while (true) {
      if (c == '_') {
        c = at(p++);
        if (!is_digit(c)) {
          --p;
          fail_at("invalid decimal literal", p);
        }
      }
      if (c != '0') break;
      c = at(p++);
    }
    const std::size_t zeros_end = p;
    if (is_digit(c)) {
      nonzero = true;
      c = decimal_tail(p);
    }
    if (c == '.') {
      c = at(p++);
      goto fraction;
    }
    if (c == 'e' || c == 'E') goto exponent;
    if (c == 'j' || c == 'J') goto imaginary;
    if (nonzero) {
      --p;
      // Byte offsets here, as CPython reports them.
      fail_range(
          "leading zeros in decimal integer literals are not permitted; use an 0o prefix for "
          "octal integers",
          static_cast<int>(start - line_start_) + 1, static_cast<int>(zeros_end - line_start_));
    }
    end_of_number(c, p, "decimal");
    goto done;
  }
  c = decimal_tail(p);
  if (c == '.') {
    c = at(p++);
    goto fraction;
  }
  goto exponent;
fraction:
  if (is_digit(c)) c = decimal_tail(p);
exponent:
  if (c == 'e' || c == 'E') {
    const int e = c;
    c = at(p++);
    if (c == '+' || c == '-') {
      c = at(p++);
      if (!is_digit(c)) {
        --p;
        fail_at("invalid decimal literal", p);
      }
    } else if (!is_digit(c)) {
      --p;
      end_of_number(e, p, "decimal");
      --p;  // the number ends before the 'e'
      emit_here(Kind::number, start, p);
      pos_ = p;
      return;
    }
    c = decimal_tail(p);
  }
imaginary:
  if (c == 'j' || c == 'J') {
    c = at(p++);
    end_of_number(c, p, "imaginary");
  } else {
    end_of_number(c, p, "decimal");
  }
done:
  --p;
  emit_here(Kind::number, start, p);
  pos_ = p;
}

void Lexer::op() {
  static constexpr std::string_view kThree[] = {"**=", "...", "//=", "<<=", ">>="};
  static constexpr std::string_view kTwo[] = {"!=", "%=", "&=", "**", "*=", "+=", "-=",
                                              "->", "//", "/=", ":=", "<<", "<=", "<>",
                                              "==", ">=", ">>", "@=", "^=", "|="};
  const std::string_view rest = src_.substr(pos_);
  std::size_t len = 1;
  for (std::string_view t : kThree) {
    if (rest.substr(0, 3) == t) len = 3;
  }
  if (len == 1) {
    for (std::string_view t : kTwo) {
      if (rest.substr(0, 2) == t) len = 2;
    }
  }
  const int c = at(pos_);
  if (len == 1) {
    if (c == '(' || c == '[' || c == '{') {
      if (brackets_.size() >= kMaxLevel) fail_at("too many nested parentheses", pos_ + 1);
      brackets_.push_back({static_cast<char>(c), line_, line_start_, pos_ - line_start_});
    } else if (c == ')' || c == ']' || c == '}') {
      if (brackets_.empty()) fail_at(std::string("unmatched '") + static_cast<char>(c) + "'", pos_ + 1);
      const Bracket open = brackets_.back();
      const char want = open.ch == '(' ? ')' : open.ch == '[' ? ']' : '}';
      if (c != want) {
        std::string msg = std::string("closing parenthesis '") + static_cast<char>(c) +
                          "' does not match opening parenthesis '" + open.ch + "'";
        if (open.line != line_) msg += " on line " + std::to_string(open.line);
        fail_at(std::move(msg), pos_ + 1);
      }
      brackets_.pop_back();
    } else if (c < 0x20 || c == 0x7F) {
      fail_at("invalid non-printable character U+" + hex4(static_cast<char32_t>(c)), pos_ + 1);
    }
  }
  emit_here(Kind::op, pos_, pos_ + len);
  pos_ += len;
}

}  // namespace

std::string_view token_kind_name(Token::Kind kind) {
  switch (kind) {
    case Kind::name: return "NAME";
    case Kind::number: return "NUMBER";
    case Kind::string: return "STRING";
    case Kind::op: return "OP";
    case Kind::newline: return "NEWLINE";
    case Kind::indent: return "INDENT";
    case Kind::dedent: return "DEDENT";
    case Kind::endmarker: return "ENDMARKER";
    case Kind::comment: return "COMMENT";
    case Kind::nl: return "NL";
  }
  return "?";
}

std::vector<Token> tokenize(std::string_view source, std::string_view filename,
                            TokenizeOptions options) {
  return Lexer(source, filename, options).run();
}

}  // namespace bl::script
