// What the codec files share: the codec functions at the level of Python's `_codecs` module
// (utf_8_decode(data, errors, final) -> (str, consumed), utf_16_ex_decode with its byte
// order, ...), the CodecInfo of each codec for the registry, and the incremental decoder that
// keeps undecoded bytes between calls (codecs.BufferedIncrementalDecoder).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "codecs/codec.hpp"

namespace bl::codecs {

// A decoder's result: the text and how many input bytes it used. Unless `final`, a decoder
// leaves an incomplete sequence at the end unconsumed; with `final` it consumes everything.
struct DecodeResult {
  Str text;
  std::size_t consumed = 0;
};

// Text under construction on the codecs' slow paths: one byte per code point until a code
// point above U+00FF arrives, as Str stores it. Only such a code point makes it wide, so the
// Str it makes is in the form Str would choose.
class TextBuilder {
 public:
  explicit TextBuilder(std::size_t reserve = 0) { narrow_.reserve(reserve); }
  bool is_wide() const { return wide_; }
  void push(char32_t c) {
    if (!wide_ && c < 0x100) {
      narrow_.push_back(static_cast<char>(c));
    } else {
      push_wide(c);
    }
  }
  void append(std::u32string_view text) {
    for (char32_t c : text) push(c);
  }
  // Room for `n` more code points, for a decoder to write into: narrow only while !is_wide().
  char* extend_narrow(std::size_t n) {
    narrow_.resize(narrow_.size() + n);
    return narrow_.data() + narrow_.size() - n;
  }
  char32_t* extend_wide(std::size_t n) {
    widen();
    wide_text_.resize(wide_text_.size() + n);
    return wide_text_.data() + wide_text_.size() - n;
  }
  Str finish() {
    return wide_ ? Str::adopt_wide(std::move(wide_text_)) : Str::adopt_latin1(std::move(narrow_));
  }

 private:
  void push_wide(char32_t c) {
    widen();
    wide_text_.push_back(c);
  }
  void widen();

  bool wide_ = false;
  Str::NarrowText narrow_;
  Str::WideText wide_text_;
};

// codecs.utf_8_decode / utf_8_encode.
DecodeResult utf8_decode(ByteSpan data, std::string_view errors, bool final);
Bytes utf8_encode(const Str& text, std::string_view errors);

// codecs.utf_16_ex_decode and utf_32_ex_decode: `byte_order` is -1 (little-endian), 1 (big)
// or 0 (detect a BOM, else native little-endian); with 0 it is set from the BOM if one is
// found.
DecodeResult utf16_decode(ByteSpan data, std::string_view errors, int& byte_order, bool final);
DecodeResult utf32_decode(ByteSpan data, std::string_view errors, int& byte_order, bool final);
// codecs.utf_16_encode(text, errors, byte_order): 0 writes a BOM and native order.
Bytes utf16_encode(const Str& text, std::string_view errors, int byte_order);
Bytes utf32_encode(const Str& text, std::string_view errors, int byte_order);

// codecs.IncrementalDecoder for stateless decoders (latin-1, ascii, cp1252): every call
// decodes its input alone, and getstate() is always (b'', 0).
class StatelessDecoder : public IncrementalDecoder {
 public:
  using Function = Str (*)(ByteSpan data, std::string_view errors);
  StatelessDecoder(Function decode, std::string errors)
      : decode_(decode), errors_(std::move(errors)) {}
  Str decode(ByteSpan input, bool /*final*/) override { return decode_(input, errors_); }
  void reset() override {}
  DecoderState getstate() const override { return {}; }
  void setstate(const DecoderState& /*state*/) override {}

 private:
  Function decode_;
  std::string errors_;
};

// codecs.IncrementalEncoder for stateless encoders: getstate() is always 0.
class StatelessEncoder : public IncrementalEncoder {
 public:
  using Function = Bytes (*)(const Str& text, std::string_view errors);
  StatelessEncoder(Function encode, std::string errors)
      : encode_(encode), errors_(std::move(errors)) {}
  Bytes encode(const Str& input, bool /*final*/) override { return encode_(input, errors_); }
  void reset() override {}
  std::int64_t getstate() const override { return 0; }
  void setstate(std::int64_t /*state*/) override {}

 private:
  Function encode_;
  std::string errors_;
};

// codecs.BufferedIncrementalDecoder: decodes the held-back bytes followed by the input and
// holds back what the decoder did not consume. A failing call changes nothing.
class BufferedDecoder : public IncrementalDecoder {
 public:
  explicit BufferedDecoder(std::string errors) : errors_(std::move(errors)) {}
  Str decode(ByteSpan input, bool final) override;
  void reset() override { buffer_ = Bytes(); }
  DecoderState getstate() const override { return {buffer_, 0}; }
  void setstate(const DecoderState& state) override { buffer_ = state.buffer; }

 protected:
  virtual DecodeResult buffer_decode(ByteSpan data, bool final) = 0;
  const std::string& errors() const { return errors_; }
  const Bytes& buffer() const { return buffer_; }

 private:
  std::string errors_;
  Bytes buffer_;
};

// The codecs, each defined beside its functions.
extern const CodecInfo kUtf8Codec, kUtf8SigCodec;
extern const CodecInfo kUtf16Codec, kUtf16LeCodec, kUtf16BeCodec;
extern const CodecInfo kUtf32Codec, kUtf32LeCodec, kUtf32BeCodec;
extern const CodecInfo kLatin1Codec, kAsciiCodec, kCp1252Codec;

}  // namespace bl::codecs
