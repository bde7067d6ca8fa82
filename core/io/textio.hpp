// io.TextIOBase, io.IncrementalNewlineDecoder and io.TextIOWrapper: str over a byte stream, as
// CPython 3.11's Modules/_io/textio.c does it.
//
// TextIOWrapper encodes what is written into "pending bytes" that reach the buffer in chunks of
// `_CHUNK_SIZE` (8192), on a newline or '\r' when line buffering, on every write when
// write_through; it reads with `buffer.read1(max(_CHUNK_SIZE, hint))` and decodes chunk by chunk;
// and its tell() returns an opaque cookie from which seek() can rebuild the decoder's state.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "codecs/codec.hpp"
#include "io/iobase.hpp"

namespace bl::io {

using codecs::Str;

// The `newlines` attribute: None (empty), one str, or a tuple of them.
using Newlines = std::vector<std::string>;
std::string repr(const Newlines& newlines);

// How many of `available` characters a read(n) or readline(n) takes: n, or all of them when n
// is negative (Python's None or -1) or larger.
inline std::size_t at_most(std::int64_t n, std::size_t available) {
  return n < 0 || static_cast<std::size_t>(n) > available ? available : static_cast<std::size_t>(n);
}

// The `newline` argument of TextIOWrapper and StringIO and what it means for lines.
struct NewlineMode {
  std::optional<std::string> newline;  // as given: None, '', '\n', '\r' or '\r\n'
  bool universal = true;               // any of '\r', '\n', '\r\n' ends a line (None, '')
  bool translate = true;               // ... and reads as '\n' (None)
  std::string writenl;                 // what '\n' is written as ('\r', '\r\n'); empty: '\n'

  explicit NewlineMode(std::optional<std::string> newline = std::nullopt);
  // Where the line starting at text[start] ends (one past its line ending) within [start, end),
  // or nullopt when no line ending is there; then `consumed` is how much of [start, end) surely
  // belongs to the line: all of it but a final '\r' that may pair with a '\n' to come.
  std::optional<std::size_t> line_end(const Str& text, std::size_t start, std::size_t end,
                                      std::size_t& consumed) const;
};

// io.TextIOBase: read, readline, write and detach are UnsupportedOperation here; readlines,
// writelines and iteration are IOBase's, over str.
class TextIOBase : public IOBase {
 public:
  // read(n): n < 0 (Python's None or -1) reads to the end.
  virtual Str read(std::int64_t n = -1);
  virtual Str readline(std::int64_t limit = -1);
  // Returns the number of characters written: len(text), before newline translation.
  virtual std::int64_t write(const Str& text);
  virtual std::shared_ptr<BinaryIOBase> detach();

  virtual std::vector<Str> readlines(std::int64_t hint = -1);
  virtual void writelines(const std::vector<Str>& lines);
  virtual Str next();

  // Attributes; nullopt is None.
  virtual std::optional<std::string> encoding() const { return std::nullopt; }
  virtual std::optional<std::string> errors() const { return std::nullopt; }
  virtual Newlines newlines() const { return {}; }
};

// io.IncrementalNewlineDecoder(decoder, translate): wraps a decoder (or none, for str input as
// StringIO uses it), holds back a trailing '\r' until it knows whether '\n' follows, records the
// kinds of line ending seen and, when translating, turns '\r\n' and '\r' into '\n'.
class IncrementalNewlineDecoder final : public codecs::IncrementalDecoder {
 public:
  IncrementalNewlineDecoder(std::unique_ptr<codecs::IncrementalDecoder> decoder, bool translate);

  Str decode(ByteSpan input, bool final = false) override;
  // decode() of the decoder=None form: the input is already text.
  Str decode_text(Str input, bool final = false);
  void reset() override;
  // (decoder's buffer, decoder's flags << 1 | pending '\r').
  codecs::DecoderState getstate() const override;
  void setstate(const codecs::DecoderState& state) override;
  Newlines newlines() const;

 private:
  Str translate(Str output, bool final);

  std::unique_ptr<codecs::IncrementalDecoder> decoder_;
  bool translate_;
  bool pending_cr_ = false;
  unsigned seen_ = 0;  // kSeenCR | kSeenLF | kSeenCRLF
};

// The value TextIOWrapper.tell() returns and seek() takes. In Python it is an int packing, in
// little-endian order, the position (64 bits), the decoder flags, the bytes to feed and the
// characters to skip (32 bits each) and need_eof (8 bits): `position | dec_flags << 64 |
// bytes_to_feed << 96 | chars_to_skip << 128 | need_eof << 160`.
struct TextCookie {
  std::int64_t position = 0;
  std::uint32_t dec_flags = 0;
  std::uint32_t bytes_to_feed = 0;
  std::uint32_t chars_to_skip = 0;
  bool need_eof = false;

  bool is_position_only() const {
    return dec_flags == 0 && bytes_to_feed == 0 && chars_to_skip == 0 && !need_eof;
  }
  // str(cookie): the Python int in decimal.
  std::string to_decimal() const;
  // int(text) back to a cookie. A negative number is `ValueError: negative seek position -1`;
  // one that needs more than 168 bits is `OverflowError: int too big to convert`.
  static TextCookie from_decimal(std::string_view text);
  friend bool operator==(const TextCookie&, const TextCookie&) = default;
};

struct TextIOWrapperOptions {
  std::optional<std::string> encoding;  // None: the locale's ('UTF-8' here); 'locale' too
  std::optional<std::string> errors;    // None: 'strict'
  std::optional<std::string> newline;   // None: universal newlines, translated
  bool line_buffering = false;
  bool write_through = false;
};

// reconfigure()'s keyword arguments; an empty optional leaves the setting as it is. `newline`
// distinguishes "not given" (nullopt) from None (an engaged nullopt).
struct Reconfigure {
  std::optional<std::string> encoding;
  std::optional<std::string> errors;
  std::optional<std::optional<std::string>> newline;
  std::optional<bool> line_buffering;
  std::optional<bool> write_through;
};

class TextIOWrapper final : public TextIOBase {
 public:
  TextIOWrapper(std::shared_ptr<BinaryIOBase> buffer, TextIOWrapperOptions options = {});
  ~TextIOWrapper() override;

  std::string_view type_name() const override { return "_io.TextIOWrapper"; }
  std::string repr() const override;

  bool closed() const override;
  void close() override;
  void flush() override;
  bool readable() override;
  bool writable() override;
  bool seekable() override;
  std::int64_t fileno() override;
  bool isatty() override;

  Str read(std::int64_t n = -1) override;
  Str readline(std::int64_t limit = -1) override;
  std::int64_t write(const Str& text) override;
  Str next() override;
  std::shared_ptr<BinaryIOBase> detach() override;

  // tell() and seek(cookie, whence) with cookies (whence 1 and 2 only with cookie 0). The
  // int64 forms are for callers that know the position is a plain one; a cookie that is not
  // is an OverflowError there.
  TextCookie tell_cookie();
  TextCookie seek_cookie(const TextCookie& cookie, int whence = 0);
  // seek() of a Python int that fits 64 bits, negative ones included (a ValueError after the
  // checks CPython makes first).
  TextCookie seek_cookie(std::int64_t offset, int whence);
  std::int64_t seek(std::int64_t offset, int whence = 0) override;
  std::int64_t tell() override;
  // truncate(None) truncates at the *buffer's* position (a 3.11 quirk: not tell()).
  std::int64_t truncate(std::optional<std::int64_t> size = std::nullopt) override;

  void reconfigure(const Reconfigure& changes);

  std::optional<std::string> encoding() const override { return encoding_; }
  std::optional<std::string> errors() const override { return errors_; }
  Newlines newlines() const override;
  bool line_buffering() const { return line_buffering_; }
  bool write_through() const { return write_through_; }
  const std::shared_ptr<BinaryIOBase>& buffer() const;
  std::int64_t chunk_size() const;
  void set_chunk_size(std::int64_t size);  // the _CHUNK_SIZE attribute

  std::optional<Name> name_attribute() const override;
  Name name() const override;  // the buffer's (its AttributeError when it has none)
  std::optional<std::string> mode_attribute() const override { return mode_; }
  // open() sets the `mode` attribute to the mode it was given.
  void set_mode(std::string mode) { mode_ = std::move(mode); }

 private:
  void check_attached() const;
  void check_closed_text() const;
  void check_seekable() const;
  void set_codec(const codecs::CodecInfo& codec);
  void fix_encoder_state();
  void reset_encoder(bool start_of_stream);
  void set_decoder_state(const TextCookie& cookie);
  TextCookie seek_to(const TextCookie& cookie);

  void write_flush();  // pending bytes -> buffer.write()
  Bytes encode(const Str& text);
  bool read_chunk(std::int64_t size_hint);
  Str take_decoded(std::int64_t n);
  void clear_decoded();

  std::shared_ptr<BinaryIOBase> buffer_;
  bool detached_ = false;
  std::string encoding_;
  std::string errors_;
  std::optional<std::string> mode_;
  std::int64_t chunk_size_ = 8192;

  NewlineMode newline_;

  bool line_buffering_ = false, write_through_ = false;
  bool seekable_ = false, telling_ = false, has_read1_ = false;

  std::unique_ptr<codecs::IncrementalDecoder> decoder_;   // null when not readable
  IncrementalNewlineDecoder* newline_decoder_ = nullptr;  // decoder_ when it is one
  std::unique_ptr<codecs::IncrementalEncoder> encoder_;   // null when not writable
  // The codecs CPython encodes with a stateless function plus this flag instead of the
  // incremental encoder (utf-8, latin-1, ascii, utf-16*, utf-32*).
  const codecs::CodecInfo* stateless_encoder_ = nullptr;
  const codecs::CodecInfo* native_order_encoder_ = nullptr;  // utf-16/32: the BOM-less form
  bool encoding_start_of_stream_ = false;

  std::vector<Bytes> pending_;
  std::int64_t pending_count_ = 0;

  Str decoded_;
  std::size_t decoded_used_ = 0;
  bool has_decoded_ = false;  // CPython's decoded_chars is not NULL
  struct Snapshot {
    std::uint32_t dec_flags;
    Bytes next_input;
  };
  std::optional<Snapshot> snapshot_;
  double b2cratio_ = 0.0;
};

}  // namespace bl::io
