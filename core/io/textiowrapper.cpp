// io.TextIOWrapper, following CPython 3.11's textio.c step by step: which calls reach the
// buffer, in which order, and with which sizes is what learners see in the trace.
#include <algorithm>
#include <cmath>

#include "io/buffered.hpp"
#include "io/textio.hpp"

namespace bl::io {

namespace {

void validate_newline(const std::optional<std::string>& newline) {
  if (!newline) return;
  const std::string& nl = *newline;
  if (nl.empty() || nl == "\n" || nl == "\r" || nl == "\r\n") return;
  // Printed with %s of the C string: up to an embedded NUL.
  throw ValueError("illegal newline value: " + std::string(nl.c_str()));
}

// The codecs TextIOWrapper encodes with a stateless function (textio.c's encodefuncs).
bool has_stateless_encoder(std::string_view codec_name) {
  for (std::string_view name : {"ascii", "iso8859-1", "utf-8", "utf-16-be", "utf-16-le", "utf-16",
                                "utf-32-be", "utf-32-le", "utf-32"}) {
    if (codec_name == name) return true;
  }
  return false;
}

Bytes join(const std::vector<Bytes>& parts) {
  if (parts.size() == 1) return parts[0];
  buffer::ByteVector joined;
  std::size_t total = 0;
  for (const Bytes& part : parts) total += part.size();
  joined.reserve(total);
  for (const Bytes& part : parts)
    joined.insert(joined.end(), part.span().begin(), part.span().end());
  return Bytes(std::move(joined));
}

Bytes concat(const Bytes& a, const Bytes& b) {
  if (a.empty()) return b;
  return join({a, b});
}

}  // namespace

// --- construction ------------------------------------------------------------------------

TextIOWrapper::TextIOWrapper(std::shared_ptr<BinaryIOBase> buffer, TextIOWrapperOptions options) {
  validate_newline(options.newline);
  std::string encoding = options.encoding.value_or("locale");
  if (encoding == "locale") encoding = std::string(codecs::locale_encoding());
  const codecs::CodecInfo& codec = codecs::lookup_text_encoding(encoding, "codecs.open()");
  encoding_ = encoding;
  errors_ = options.errors.value_or("strict");
  line_buffering_ = options.line_buffering;
  write_through_ = options.write_through;
  newline_ = NewlineMode(options.newline);
  buffer_ = std::move(buffer);
  set_codec(codec);
  seekable_ = telling_ = buffer_->seekable();
  has_read1_ = dynamic_cast<BufferedIOBase*>(buffer_.get()) != nullptr;
  fix_encoder_state();
}

TextIOWrapper::~TextIOWrapper() {
  // IOBase's finalizer: close, swallowing errors.
  if (!buffer_) return;
  try {
    close();
  } catch (...) {
  }
}

void TextIOWrapper::set_codec(const codecs::CodecInfo& codec) {
  decoder_.reset();
  newline_decoder_ = nullptr;
  if (buffer_->readable()) {
    decoder_ = codec.incremental_decoder(errors_);
    if (newline_.universal) {
      auto wrapped =
          std::make_unique<IncrementalNewlineDecoder>(std::move(decoder_), newline_.translate);
      newline_decoder_ = wrapped.get();
      decoder_ = std::move(wrapped);
    }
  }
  encoder_.reset();
  stateless_encoder_ = native_order_encoder_ = nullptr;
  if (buffer_->writable()) {
    encoder_ = codec.incremental_encoder(errors_);
    if (has_stateless_encoder(codec.name)) {
      stateless_encoder_ = &codec;
      if (codec.name == "utf-16") native_order_encoder_ = &codecs::lookup("utf-16-le");
      if (codec.name == "utf-32") native_order_encoder_ = &codecs::lookup("utf-32-le");
    }
  }
}

// A stream that does not start at position 0 gets no BOM.
void TextIOWrapper::fix_encoder_state() {
  if (!seekable_ || !encoder_) return;
  encoding_start_of_stream_ = true;
  if (buffer_->tell() != 0) {
    encoding_start_of_stream_ = false;
    encoder_->setstate(0);
  }
}

void TextIOWrapper::reset_encoder(bool start_of_stream) {
  encoding_start_of_stream_ = start_of_stream;
  if (start_of_stream) {
    encoder_->reset();
  } else {
    encoder_->setstate(0);
  }
}

// At the start of the stream the decoder is reset rather than given flags 0: utf-16 expects
// a BOM there (its flags would be 2).
void TextIOWrapper::set_decoder_state(const TextCookie& cookie) {
  if (cookie.position == 0 && cookie.dec_flags == 0) {
    decoder_->reset();
  } else {
    decoder_->setstate({Bytes(), static_cast<std::int32_t>(cookie.dec_flags)});
  }
}

// --- state -------------------------------------------------------------------------------

void TextIOWrapper::check_attached() const {
  if (detached_) throw ValueError("underlying buffer has been detached");
}

void TextIOWrapper::check_closed_text() const {
  check_attached();
  if (buffer_->closed()) throw ValueError("I/O operation on closed file.");
}

const std::shared_ptr<BinaryIOBase>& TextIOWrapper::buffer() const { return buffer_; }

bool TextIOWrapper::closed() const {
  check_attached();
  return buffer_->closed();
}

bool TextIOWrapper::readable() {
  check_attached();
  return buffer_->readable();
}

bool TextIOWrapper::writable() {
  check_attached();
  return buffer_->writable();
}

bool TextIOWrapper::seekable() {
  check_attached();
  return buffer_->seekable();
}

std::int64_t TextIOWrapper::fileno() {
  check_attached();
  return buffer_->fileno();
}

bool TextIOWrapper::isatty() {
  check_attached();
  return buffer_->isatty();
}

std::optional<Name> TextIOWrapper::name_attribute() const {
  check_attached();
  return buffer_->name_attribute();
}

Name TextIOWrapper::name() const {
  check_attached();
  return buffer_->name();
}

std::int64_t TextIOWrapper::chunk_size() const {
  check_attached();
  return chunk_size_;
}

Newlines TextIOWrapper::newlines() const {
  check_attached();
  return newline_decoder_ ? newline_decoder_->newlines() : Newlines{};
}

void TextIOWrapper::set_chunk_size(std::int64_t size) {
  check_attached();
  if (size <= 0) throw ValueError("a strictly positive integer is required");
  chunk_size_ = size;
}

std::string TextIOWrapper::repr() const {
  std::string out = "<_io.TextIOWrapper";
  try {
    if (auto name = name_attribute()) out += " name=" + io::repr(*name);
  } catch (const ValueError&) {  // detached: no name
  }
  if (mode_) out += " mode=" + python_str_repr(*mode_);
  return out + " encoding=" + python_str_repr(encoding_) + ">";
}

// --- flushing and closing ----------------------------------------------------------------

void TextIOWrapper::write_flush() {
  if (pending_.empty()) return;
  Bytes joined = join(pending_);
  pending_.clear();
  pending_count_ = 0;
  buffer_->write(joined.span());
}

void TextIOWrapper::flush() {
  check_closed_text();
  telling_ = seekable_;
  write_flush();
  buffer_->flush();
}

void TextIOWrapper::close() {
  if (closed()) return;
  std::exception_ptr flush_error;
  try {
    flush();
  } catch (...) {
    flush_error = std::current_exception();
  }
  // The buffer's own error wins over the flush's (Python chains the flush's as context).
  buffer_->close();
  if (flush_error) std::rethrow_exception(flush_error);
}

std::shared_ptr<BinaryIOBase> TextIOWrapper::detach() {
  check_attached();
  flush();
  detached_ = true;
  return std::move(buffer_);
}

std::int64_t TextIOWrapper::truncate(std::optional<std::int64_t> size) {
  check_attached();
  flush();
  return buffer_->truncate(size);
}

// --- writing -----------------------------------------------------------------------------

Bytes TextIOWrapper::encode(const Str& text) {
  if (!stateless_encoder_) return encoder_->encode(text);
  const codecs::CodecInfo* codec = stateless_encoder_;
  if (native_order_encoder_ && !encoding_start_of_stream_) codec = native_order_encoder_;
  // Even an encode that fails ends the start of the stream: no BOM after it.
  encoding_start_of_stream_ = false;
  return codec->encode(text, errors_);
}

std::int64_t TextIOWrapper::write(const Str& text) {
  check_closed_text();
  if (!encoder_) throw UnsupportedOperation("not writable");
  const auto length = static_cast<std::int64_t>(text.size());
  const std::string& writenl = newline_.writenl;
  const bool has_lf = (!writenl.empty() || line_buffering_) && text.contains(U'\n');
  std::optional<Str> translated;
  if (has_lf && !writenl.empty()) translated = text.replace(U'\n', Str::from_latin1(writenl));
  const Str& out = translated ? *translated : text;
  const bool need_flush = line_buffering_ && (has_lf || out.contains(U'\r'));

  Bytes encoded = encode(out);
  const auto size = static_cast<std::int64_t>(encoded.size());
  if (pending_count_ + size > chunk_size_) write_flush();
  pending_.push_back(std::move(encoded));
  pending_count_ += size;
  if (pending_count_ >= chunk_size_ || need_flush || write_through_) write_flush();
  if (need_flush) buffer_->flush();

  clear_decoded();
  snapshot_.reset();
  if (decoder_) decoder_->reset();
  return length;
}

// --- reading -----------------------------------------------------------------------------

void TextIOWrapper::clear_decoded() {
  decoded_.clear();
  decoded_used_ = 0;
  has_decoded_ = false;
}

Str TextIOWrapper::take_decoded(std::int64_t n) {
  if (!has_decoded_) return Str();
  const std::size_t available = decoded_.size() - decoded_used_;
  const std::size_t count = at_most(n, available);
  Str chars = decoded_.slice(decoded_used_, decoded_used_ + count);
  decoded_used_ += count;
  return chars;
}

// Reads one chunk with read1 (sized up by the bytes-per-character ratio when the caller needs
// many characters), decodes it, and remembers where the decoder stood before it for tell().
// False at the end of the stream.
bool TextIOWrapper::read_chunk(std::int64_t size_hint) {
  if (!decoder_) throw UnsupportedOperation("not readable");
  codecs::DecoderState before;
  if (telling_) before = decoder_->getstate();
  if (size_hint > 0) {
    size_hint =
        static_cast<std::int64_t>(std::max(b2cratio_, 1.0) * static_cast<double>(size_hint));
  }
  const std::int64_t size = std::max(chunk_size_, size_hint);
  Bytes input;
  if (has_read1_) {
    input = static_cast<BufferedIOBase&>(*buffer_).read1(size);
  } else {
    std::optional<Bytes> got = buffer_->read(size);
    if (!got) {
      throw TypeError("underlying read() should have returned a bytes-like object, not 'NoneType'");
    }
    input = std::move(*got);
  }
  bool eof = input.empty();
  decoded_ = decoder_->decode(input.span(), eof);
  decoded_used_ = 0;
  has_decoded_ = true;
  const std::size_t chars = decoded_.size();
  b2cratio_ = chars > 0 ? static_cast<double>(input.size()) / static_cast<double>(chars) : 0.0;
  if (chars > 0) eof = false;
  if (telling_) {
    snapshot_ = Snapshot{static_cast<std::uint32_t>(before.flags), concat(before.buffer, input)};
  }
  return !eof;
}

Str TextIOWrapper::read(std::int64_t n) {
  check_closed_text();
  if (!decoder_) throw UnsupportedOperation("not readable");
  write_flush();
  if (n < 0) {
    std::optional<Bytes> rest = buffer_->read(-1);
    if (!rest) throw TypeError("a bytes-like object is required, not 'NoneType'");
    Str decoded = decoder_->decode(rest->span(), true);
    Str result = take_decoded(-1);
    if (result.empty()) {
      result = std::move(decoded);
    } else {
      result.append(decoded);
    }
    clear_decoded();
    snapshot_.reset();
    return result;
  }
  Str result = take_decoded(n);
  while (static_cast<std::int64_t>(result.size()) < n) {
    if (!read_chunk(n - static_cast<std::int64_t>(result.size()))) break;
    result.append(take_decoded(n - static_cast<std::int64_t>(result.size())));
  }
  return result;
}

Str TextIOWrapper::readline(std::int64_t limit) {
  check_closed_text();
  write_flush();
  // The text searched: the decoded chunk itself, or a copy with a held-over tail in front.
  const Str* line = nullptr;
  Str joined;
  std::size_t start = 0, end_pos = 0, offset_to_buffer = 0;
  std::vector<Str> chunks;
  std::int64_t chunked = 0;
  std::optional<Str> remaining;
  for (;;) {
    bool more = true;
    while (!has_decoded_ || decoded_.empty()) {
      more = read_chunk(0);
      if (!more) break;
    }
    if (!more) {  // end of file
      clear_decoded();
      snapshot_.reset();
      line = nullptr;
      break;
    }
    if (!remaining) {
      line = &decoded_;
      start = decoded_used_;
      offset_to_buffer = 0;
    } else {
      joined = *remaining + decoded_;
      line = &joined;
      start = 0;
      offset_to_buffer = remaining->size();
      remaining.reset();
    }
    std::size_t consumed = 0;
    if (auto ending = newline_.line_end(*line, start, line->size(), consumed)) {
      end_pos = *ending;
      if (limit >= 0 && static_cast<std::int64_t>(end_pos - start) + chunked >= limit) {
        end_pos = start + static_cast<std::size_t>(limit - chunked);
      }
      break;
    }
    end_pos = start + consumed;
    if (limit >= 0 && static_cast<std::int64_t>(end_pos - start) + chunked >= limit) {
      end_pos = start + static_cast<std::size_t>(limit - chunked);  // no ending, but long enough
      break;
    }
    if (end_pos > start) {  // no line ending yet: set the text aside
      chunks.push_back(line->slice(start, end_pos));
      chunked += static_cast<std::int64_t>(end_pos - start);
    }
    if (end_pos < line->size()) remaining = line->slice(end_pos);
    line = nullptr;
    clear_decoded();
  }
  Str result;
  if (line) {
    result = line->slice(start, end_pos);
    decoded_used_ = end_pos - offset_to_buffer;
  }
  if (remaining) chunks.push_back(std::move(*remaining));
  if (chunks.empty()) return result;
  Str all;
  for (const Str& chunk : chunks) all.append(chunk);
  all.append(result);
  return all;
}

Str TextIOWrapper::next() {
  check_attached();
  telling_ = false;
  Str line = readline();
  if (line.empty()) {
    snapshot_.reset();
    telling_ = seekable_;
    throw StopIteration("");
  }
  return line;
}

// --- positioning -------------------------------------------------------------------------

TextCookie TextIOWrapper::tell_cookie() {
  check_closed_text();
  if (!seekable_) throw UnsupportedOperation("underlying stream is not seekable");
  if (!telling_) throw OSError("telling position disabled by next() call");
  write_flush();
  flush();
  TextCookie cookie{.position = buffer_->tell()};
  if (!decoder_ || !snapshot_) return cookie;

  cookie.dec_flags = snapshot_->dec_flags;
  const Bytes& next_input = snapshot_->next_input;
  cookie.position -= static_cast<std::int64_t>(next_input.size());
  if (decoded_used_ == 0) return cookie;  // still at the snapshot point

  // Find the last point before the current position where the decoder holds nothing back,
  // and how many bytes and characters lead from there to here.
  std::int64_t chars_to_skip = static_cast<std::int64_t>(decoded_used_);
  const codecs::DecoderState saved = decoder_->getstate();
  auto decoded_length = [&](ByteSpan input) {
    return static_cast<std::int64_t>(decoder_->decode(input).size());
  };
  try {
    // A quick guess from the bytes-per-character ratio, backing off until it is safe.
    auto skip_bytes =
        std::min(static_cast<std::int64_t>(b2cratio_ * static_cast<double>(chars_to_skip)),
                 static_cast<std::int64_t>(next_input.size()));
    std::int64_t skip_back = 1;
    while (skip_bytes > 0) {
      set_decoder_state(cookie);
      std::int64_t n =
          decoded_length(next_input.span().first(static_cast<std::size_t>(skip_bytes)));
      if (n <= chars_to_skip) {
        codecs::DecoderState state = decoder_->getstate();
        if (state.buffer.empty()) {
          cookie.dec_flags = static_cast<std::uint32_t>(state.flags);
          chars_to_skip -= n;
          break;
        }
        skip_bytes -= static_cast<std::int64_t>(state.buffer.size());
        skip_back = 1;
      } else {
        skip_bytes -= skip_back;
        skip_back *= 2;
      }
    }
    if (skip_bytes <= 0) {
      skip_bytes = 0;
      set_decoder_state(cookie);
    }
    cookie.position += skip_bytes;
    cookie.chars_to_skip = static_cast<std::uint32_t>(chars_to_skip);
    if (chars_to_skip != 0) {
      // Feed one byte at a time, noting each safe start point on the way.
      std::int64_t chars_decoded = 0;
      auto input = next_input.span();
      std::size_t i = static_cast<std::size_t>(skip_bytes);
      for (; i < input.size(); ++i) {
        chars_decoded += decoded_length(input.subspan(i, 1));
        cookie.bytes_to_feed += 1;
        codecs::DecoderState state = decoder_->getstate();
        if (state.buffer.empty() && chars_decoded <= chars_to_skip) {
          cookie.position += cookie.bytes_to_feed;
          chars_to_skip -= chars_decoded;
          cookie.dec_flags = static_cast<std::uint32_t>(state.flags);
          cookie.bytes_to_feed = 0;
          chars_decoded = 0;
        }
        if (chars_decoded >= chars_to_skip) break;
      }
      if (i == input.size()) {  // not enough: what does the end of the input give?
        chars_decoded += static_cast<std::int64_t>(decoder_->decode({}, true).size());
        cookie.need_eof = true;
        if (chars_decoded < chars_to_skip) throw OSError("can't reconstruct logical file position");
      }
      cookie.chars_to_skip = static_cast<std::uint32_t>(chars_to_skip);
    }
  } catch (...) {
    decoder_->setstate(saved);
    throw;
  }
  decoder_->setstate(saved);
  return cookie;
}

void TextIOWrapper::check_seekable() const {
  check_closed_text();
  if (!seekable_) throw UnsupportedOperation("underlying stream is not seekable");
}

TextCookie TextIOWrapper::seek_cookie(std::int64_t offset, int whence) {
  if (offset >= 0) return seek_cookie(TextCookie{.position = offset}, whence);
  check_seekable();
  if (whence == 1) throw UnsupportedOperation("can't do nonzero cur-relative seeks");
  if (whence == 2) throw UnsupportedOperation("can't do nonzero end-relative seeks");
  if (whence != 0) {
    throw ValueError("invalid whence (" + std::to_string(whence) + ", should be 0, 1 or 2)");
  }
  throw ValueError("negative seek position " + std::to_string(offset));
}

TextCookie TextIOWrapper::seek_cookie(const TextCookie& cookie, int whence) {
  check_seekable();
  const bool zero = cookie == TextCookie{};
  switch (whence) {
    case 0:
      return seek_to(cookie);
    case 1:
      if (!zero) throw UnsupportedOperation("can't do nonzero cur-relative seeks");
      return seek_to(tell_cookie());
    case 2: {
      if (!zero) throw UnsupportedOperation("can't do nonzero end-relative seeks");
      flush();
      clear_decoded();
      snapshot_.reset();
      if (decoder_) decoder_->reset();
      std::int64_t end = buffer_->seek(0, 2);
      if (encoder_) reset_encoder(end == 0);
      return TextCookie{.position = end};
    }
    default:
      throw ValueError("invalid whence (" + std::to_string(whence) + ", should be 0, 1 or 2)");
  }
}

// Back to the cookie's safe start point, then replay the decoding of the characters to skip.
// (A position field with the top bit set is a huge Python int, not a negative one: the
// buffer's seek() rejects it.)
TextCookie TextIOWrapper::seek_to(const TextCookie& cookie) {
  flush();
  buffer_->seek(cookie.position, 0);
  clear_decoded();
  snapshot_.reset();
  if (decoder_) set_decoder_state(cookie);
  if (cookie.chars_to_skip) {
    if (!decoder_) throw UnsupportedOperation("not readable");
    std::optional<Bytes> input = buffer_->read(cookie.bytes_to_feed);
    if (!input) {
      throw TypeError("underlying read() should have returned a bytes object, not 'NoneType'");
    }
    snapshot_ = Snapshot{cookie.dec_flags, *input};
    decoded_ = decoder_->decode(input->span(), cookie.need_eof);
    has_decoded_ = true;
    if (decoded_.size() < cookie.chars_to_skip)
      throw OSError("can't restore logical file position");
    decoded_used_ = cookie.chars_to_skip;
  } else {
    snapshot_ = Snapshot{cookie.dec_flags, Bytes()};
  }
  if (encoder_) reset_encoder(cookie.position == 0 && cookie.dec_flags == 0);
  return cookie;
}

std::int64_t TextIOWrapper::seek(std::int64_t offset, int whence) {
  TextCookie cookie = seek_cookie(offset, whence);
  if (!cookie.is_position_only()) throw OverflowError("the position is a cookie: use seek_cookie");
  return cookie.position;
}

std::int64_t TextIOWrapper::tell() {
  TextCookie cookie = tell_cookie();
  if (!cookie.is_position_only()) throw OverflowError("the position is a cookie: use tell_cookie");
  return cookie.position;
}

// --- reconfigure -------------------------------------------------------------------------

void TextIOWrapper::reconfigure(const Reconfigure& changes) {
  if (has_decoded_ && (changes.encoding || changes.errors || changes.newline)) {
    throw UnsupportedOperation(
        "It is not possible to set the encoding or newline of stream after the first read");
  }
  if (changes.newline) validate_newline(*changes.newline);
  const bool line_buffering = changes.line_buffering.value_or(line_buffering_);
  const bool write_through = changes.write_through.value_or(write_through_);
  flush();
  b2cratio_ = 0;
  if (changes.newline) newline_ = NewlineMode(*changes.newline);
  if (changes.encoding || changes.errors || changes.newline) {
    std::string encoding = encoding_;
    std::string errors = changes.errors.value_or(errors_);
    if (changes.encoding) {
      encoding = *changes.encoding == "locale" ? std::string(codecs::locale_encoding())
                                               : *changes.encoding;
      errors = changes.errors.value_or("strict");
    }
    const codecs::CodecInfo& codec = codecs::lookup_text_encoding(encoding, "codecs.open()");
    errors_ = errors;
    set_codec(codec);
    encoding_ = encoding;
    fix_encoder_state();
  }
  line_buffering_ = line_buffering;
  write_through_ = write_through;
}

}  // namespace bl::io
