// The codec registry and the codec interfaces, as Python's `codecs` module has them.
//
// `lookup(name)` normalizes the name as `codecs.lookup` does (case, '-' and ' ' -> '_', the
// aliases of `encodings.aliases`) and returns the codec: stateless encode/decode
// (`str.encode`, `bytes.decode`) and factories for incremental encoders and decoders, whose
// state survives chunk boundaries (a character or a BOM split across two reads) and can be
// saved and restored with getstate/setstate, as TextIOWrapper's tell/seek cookies need.
//
// `errors` is the error handler's name as Python passes it. It is not checked until an error
// happens, as in CPython: an unknown name then raises `LookupError: unknown error handler
// name 'bogus'`.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "buffer/bytes.hpp"
#include "codecs/str.hpp"
#include "os/errors.hpp"

namespace bl::codecs {

using buffer::Bytes;
using buffer::ByteSpan;

BL_PY_EXCEPTION(LookupError, Exception)
BL_PY_EXCEPTION(UnicodeError, ValueError)

// UnicodeDecodeError: `'utf-8' codec can't decode byte 0xff in position 3: invalid start byte`.
// `object` is the whole input the codec was given; [start, end) is the offending range.
class UnicodeDecodeError : public UnicodeError {
 public:
  UnicodeDecodeError(std::string encoding, Bytes object, std::size_t start, std::size_t end,
                     std::string reason);
  std::string_view type_name() const noexcept override { return "UnicodeDecodeError"; }
  const std::string& encoding() const { return encoding_; }
  const Bytes& object() const { return object_; }
  std::size_t start() const { return start_; }
  std::size_t end() const { return end_; }
  const std::string& reason() const { return reason_; }

 private:
  std::string encoding_;
  Bytes object_;
  std::size_t start_, end_;
  std::string reason_;
};

// UnicodeEncodeError: `'ascii' codec can't encode character '\xe9' in position 0: ordinal
// not in range(128)`.
class UnicodeEncodeError : public UnicodeError {
 public:
  UnicodeEncodeError(std::string encoding, Str object, std::size_t start, std::size_t end,
                     std::string reason);
  std::string_view type_name() const noexcept override { return "UnicodeEncodeError"; }
  const std::string& encoding() const { return encoding_; }
  const Str& object() const { return object_; }
  std::size_t start() const { return start_; }
  std::size_t end() const { return end_; }
  const std::string& reason() const { return reason_; }

 private:
  std::string encoding_;
  Str object_;
  std::size_t start_, end_;
  std::string reason_;
};

// An incremental decoder's state, as `getstate()` returns it: the bytes it holds back and an
// integer of codec-specific flags (utf-16's byte order, utf-8-sig's "BOM not yet seen").
struct DecoderState {
  Bytes buffer;
  std::int64_t flags = 0;
  friend bool operator==(const DecoderState& a, const DecoderState& b) {
    return a.buffer == b.buffer && a.flags == b.flags;
  }
};

// codecs.IncrementalDecoder.
class IncrementalDecoder {
 public:
  virtual ~IncrementalDecoder() = default;
  // Decodes `input` after whatever was held back. Unless `final`, an incomplete sequence at
  // the end is held back instead of being an error.
  virtual Str decode(ByteSpan input, bool final = false) = 0;
  virtual void reset() = 0;
  virtual DecoderState getstate() const = 0;
  virtual void setstate(const DecoderState& state) = 0;
};

// codecs.IncrementalEncoder. Its state is an int (whether a BOM is still to be written).
class IncrementalEncoder {
 public:
  virtual ~IncrementalEncoder() = default;
  virtual Bytes encode(const Str& input, bool final = false) = 0;
  virtual void reset() = 0;
  virtual std::int64_t getstate() const = 0;
  virtual void setstate(std::int64_t state) = 0;
};

// codecs.CodecInfo.
struct CodecInfo {
  std::string_view name;  // codecs.lookup(x).name: 'utf-8', 'iso8859-1', 'utf-16-le', ...
  // False for bytes-to-bytes codecs ('rot13', 'hex', 'zlib', ...), which open() rejects with
  // "'rot13' is not a text encoding; use codecs.open() to handle arbitrary codecs". Such codecs
  // are known by name only; their functions are null.
  bool is_text_encoding = true;
  Bytes (*encode)(const Str& text, std::string_view errors) = nullptr;
  Str (*decode)(ByteSpan data, std::string_view errors) = nullptr;
  std::unique_ptr<IncrementalEncoder> (*incremental_encoder)(std::string errors) = nullptr;
  std::unique_ptr<IncrementalDecoder> (*incremental_decoder)(std::string errors) = nullptr;
};

// codecs.lookup(encoding): `LookupError: unknown encoding: bogus` for names it does not know.
const CodecInfo& lookup(std::string_view encoding);

// lookup() for a text encoding, as open(), str.encode and bytes.decode do it: a bytes-to-bytes
// codec is `LookupError: 'rot_13' is not a text encoding; use codecs.open() to handle
// arbitrary codecs`, with the name as the caller spelled it and the caller's alternative
// ("codecs.open()" for open(), "codecs.encode()", "codecs.decode()").
const CodecInfo& lookup_text_encoding(std::string_view encoding,
                                      std::string_view alternate_command);

// str.encode(encoding, errors) and bytes.decode(encoding, errors).
Bytes encode(const Str& text, std::string_view encoding = "utf-8",
             std::string_view errors = "strict");
Str decode(ByteSpan data, std::string_view encoding = "utf-8", std::string_view errors = "strict");

// The encoding `locale.getencoding()` reports: what open() uses when no encoding is given
// (CPython under the C.UTF-8 locale of these machines: 'UTF-8'). Settable, so a host can
// model another locale.
std::string_view locale_encoding();
void set_locale_encoding(std::string encoding);

}  // namespace bl::codecs
