#include "io/stringio.hpp"

#include <algorithm>

namespace bl::io {

StringIO::StringIO(const Str& initial_value, std::optional<std::string> newline) {
  if (newline && !newline->empty() && *newline != "\n" && *newline != "\r" && *newline != "\r\n") {
    throw ValueError("illegal newline value: " + Str::from_utf8(*newline).repr());
  }
  // '\n' and None store '\n' as it is ('\n' is os.linesep here); '' translates nothing.
  newline_ = NewlineMode(newline);
  if (newline_.universal) {
    decoder_ = std::make_unique<IncrementalNewlineDecoder>(nullptr, newline_.translate);
  }
  if (!initial_value.empty()) write_str(initial_value);
  pos_ = 0;
}

void StringIO::check_open() const {
  if (closed_) throw ValueError("I/O operation on closed file");
}

void StringIO::close() {
  closed_ = true;
  text_.clear();
}

bool StringIO::readable() {
  check_open();
  return true;
}

bool StringIO::writable() {
  check_open();
  return true;
}

bool StringIO::seekable() {
  check_open();
  return true;
}

// Newline translation happens on the way in (each write is final: no '\r' is held back).
void StringIO::write_str(const Str& text) {
  Str decoded = decoder_ ? decoder_->decode_text(text, true) : text;
  if (!newline_.writenl.empty())
    decoded = decoded.replace(U'\n', Str::from_latin1(newline_.writenl));
  if (pos_ > text_.size()) text_.resize(pos_, 0);  // written past the end: pad with '\0'
  text_.overwrite(pos_, decoded);
  pos_ += decoded.size();
}

std::int64_t StringIO::write(const Str& text) {
  check_open();
  if (!text.empty()) write_str(text);
  return static_cast<std::int64_t>(text.size());
}

Str StringIO::read(std::int64_t n) {
  check_open();
  std::size_t available = pos_ < text_.size() ? text_.size() - pos_ : 0;
  const std::size_t count = at_most(n, available);
  Str out = text_.slice(pos_, pos_ + count);
  pos_ += count;
  return out;
}

// The line from the position, up to `limit` characters; the line ending rules are
// TextIOWrapper's, over text that is all there.
Str StringIO::readline(std::int64_t limit) {
  check_open();
  if (pos_ >= text_.size()) return Str();
  const std::size_t available = text_.size() - pos_;
  const std::size_t end = pos_ + at_most(limit, available);
  std::size_t consumed = 0;
  const std::size_t line_end = newline_.line_end(text_, pos_, end, consumed).value_or(end);
  Str line = text_.slice(pos_, line_end);
  pos_ = line_end;
  return line;
}

Str StringIO::next() {
  check_open();
  Str line = readline();
  if (line.empty()) throw StopIteration("");
  return line;
}

std::int64_t StringIO::seek(std::int64_t offset, int whence) {
  check_open();
  if (whence != 0 && whence != 1 && whence != 2) {
    throw ValueError("Invalid whence (" + std::to_string(whence) + ", should be 0, 1 or 2)");
  }
  if (offset < 0 && whence == 0) {
    throw ValueError("Negative seek position " + std::to_string(offset));
  }
  if (whence != 0 && offset != 0) throw OSError("Can't do nonzero cur-relative seeks");
  if (whence == 0) pos_ = static_cast<std::size_t>(offset);
  if (whence == 2) pos_ = text_.size();
  return static_cast<std::int64_t>(pos_);
}

std::int64_t StringIO::tell() {
  check_open();
  return static_cast<std::int64_t>(pos_);
}

std::int64_t StringIO::truncate(std::optional<std::int64_t> size) {
  check_open();
  std::int64_t n = size.value_or(static_cast<std::int64_t>(pos_));
  if (n < 0) throw ValueError("Negative size value " + std::to_string(n));
  if (static_cast<std::size_t>(n) < text_.size()) text_.resize(static_cast<std::size_t>(n));
  return n;
}

Str StringIO::getvalue() const {
  check_open();
  return text_;
}

Newlines StringIO::newlines() const {
  check_open();
  return decoder_ ? decoder_->newlines() : Newlines{};
}

bool StringIO::line_buffering() const {
  check_open();
  return false;
}

}  // namespace bl::io
