#include "io/stringio.hpp"

#include <algorithm>

namespace bl::io {

StringIO::StringIO(const Str& initial_value, std::optional<std::string> newline) {
  if (newline && !newline->empty() && *newline != "\n" && *newline != "\r" && *newline != "\r\n") {
    throw ValueError("illegal newline value: " + Str::from_utf8(*newline).repr());
  }
  readnl_ = newline;
  read_universal_ = !newline || newline->empty();
  read_translate_ = !newline;
  // '\n' and None store '\n' as it is ('\n' is os.linesep here); '' translates nothing.
  if (newline && !newline->empty() && (*newline)[0] == '\r') writenl_ = *newline;
  if (read_universal_) decoder_ = std::make_unique<IncrementalNewlineDecoder>(nullptr, read_translate_);
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
  if (!writenl_.empty()) decoded = decoded.replace(U'\n', Str::from_latin1(writenl_));
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
  std::size_t count = n < 0 || static_cast<std::size_t>(n) > available ? available
                                                                        : static_cast<std::size_t>(n);
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
  const std::size_t end = pos_ + (limit < 0 || static_cast<std::size_t>(limit) > available
                                      ? available
                                      : static_cast<std::size_t>(limit));
  std::size_t line_end = end;
  if (read_translate_) {
    std::size_t lf = text_.find(U'\n', pos_, end);
    if (lf != Str::npos) line_end = lf + 1;
  } else if (read_universal_) {
    std::size_t lf = text_.find(U'\n', pos_, end);
    std::size_t cr = text_.find(U'\r', pos_, lf == Str::npos ? end : lf);
    if (cr != Str::npos) {
      line_end = cr + 1 < end && text_[cr + 1] == U'\n' ? cr + 2 : cr + 1;
    } else if (lf != Str::npos) {
      line_end = lf + 1;
    }
  } else {
    const char32_t first = static_cast<unsigned char>((*readnl_)[0]);
    for (std::size_t hit = text_.find(first, pos_, end); hit != Str::npos;
         hit = text_.find(first, hit + 1, end)) {
      if (readnl_->size() == 1) {
        line_end = hit + 1;
        break;
      }
      if (hit + 1 < end && text_[hit + 1] == U'\n') {  // '\r\n'
        line_end = hit + 2;
        break;
      }
    }
  }
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
