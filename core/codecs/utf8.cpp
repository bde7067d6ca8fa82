// The utf-8 and utf-8-sig codecs.
//
// Decoding runs the vectorized kernels (utf8_kernels.hpp) over the well-formed stretches and
// looks at single sequences only where the kernels stop: there it tells, as CPython's decoder
// does, a sequence cut off by the end of the input (held back unless final) from an invalid
// start byte and from an invalid continuation byte, whose range decides how many bytes one
// U+FFFD replaces ('\xf0\x90\x80' at the end is one error of three bytes, '\xe0\x80' two
// errors of one byte).
#include <cstring>

#include "codecs/codec_impl.hpp"
#include "codecs/error_handlers.hpp"
#include "codecs/utf8_kernels.hpp"

namespace bl::codecs {
namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";
constexpr std::string_view kEncoding = "utf-8";
constexpr std::string_view kSurrogatesNotAllowed = "surrogates not allowed";

const std::uint8_t* bytes_of(ByteSpan data) {
  return reinterpret_cast<const std::uint8_t*>(data.data());
}

bool is_continuation(std::uint8_t b) { return (b & 0xC0) == 0x80; }

// What CPython's decoder finds at the start of p[0, n).
enum class Fault { none, end_of_data, invalid_start, invalid_continuation };
struct Sequence {
  Fault fault;
  std::size_t length;  // bytes of the sequence, or of the invalid range
};

Sequence examine(const std::uint8_t* p, std::size_t n) {
  std::uint8_t lead = p[0];
  if (lead < 0x80) return {Fault::none, 1};
  if (lead < 0xC2 || lead > 0xF4) return {Fault::invalid_start, 1};
  std::size_t length = lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
  if (n < 2) return {Fault::end_of_data, n};
  // The second byte also rules out overlong forms, surrogates and code points past U+10FFFF.
  std::uint8_t second = p[1];
  bool bad_second = !is_continuation(second) || (lead == 0xE0 && second < 0xA0) ||
                    (lead == 0xED && second >= 0xA0) || (lead == 0xF0 && second < 0x90) ||
                    (lead == 0xF4 && second >= 0x90);
  if (bad_second) return {Fault::invalid_continuation, 1};
  for (std::size_t k = 2; k < length; ++k) {
    if (n <= k) return {Fault::end_of_data, n};
    if (!is_continuation(p[k])) return {Fault::invalid_continuation, k};
  }
  return {Fault::none, length};
}

// Whether a decoder that is not final keeps p[0, n) for the next call: a sequence the end cut
// off, or 'ED A0..BF' (the start of an encoded surrogate, which surrogatepass may accept once
// the third byte comes).
bool held_back(const Sequence& s, const std::uint8_t* p, std::size_t n) {
  if (s.fault == Fault::end_of_data) return true;
  return s.fault == Fault::invalid_continuation && n == 2 && p[0] == 0xED && p[1] >= 0xA0 &&
         p[1] <= 0xBF;
}

Str decode_valid(const std::uint8_t* p, std::size_t n, const utf8::Validation& v) {
  if (v.ascii) return Str::from_latin1(std::string_view(reinterpret_cast<const char*>(p), n));
  if (v.narrow) {
    Str text = Str::narrow_of_size(v.code_points);
    utf8::decode_narrow(p, n, text.narrow_data());
    return text;
  }
  Str text = Str::wide_of_size(v.code_points);
  utf8::decode_wide(p, n, text.wide_data());
  return text;
}

// Appends the well-formed p[0, v.valid) to `out`.
void append_valid(const std::uint8_t* p, const utf8::Validation& v, TextBuilder& out) {
  if (v.valid == 0) return;
  if (!v.narrow || out.is_wide()) {
    utf8::decode_wide(p, v.valid, out.extend_wide(v.code_points));
  } else if (v.ascii) {
    std::memcpy(out.extend_narrow(v.valid), p, v.valid);
  } else {
    utf8::decode_narrow(p, v.valid, out.extend_narrow(v.code_points));
  }
}

struct ErrorRange {
  std::size_t start, end;
  std::string_view reason;
};

ErrorRange error_range(const Sequence& s, std::size_t pos, std::size_t n) {
  switch (s.fault) {
    case Fault::end_of_data:
      return {pos, n, "unexpected end of data"};
    case Fault::invalid_start:
      return {pos, pos + 1, "invalid start byte"};
    default:
      return {pos, pos + s.length, "invalid continuation byte"};
  }
}

// The slow path, from the first byte the kernels did not accept.
DecodeResult decode_with_errors(ByteSpan data, std::string_view errors, bool final,
                                utf8::Validation v) {
  const std::uint8_t* p = bytes_of(data);
  std::size_t n = data.size();
  TextBuilder out(n);
  ErrorHandler handler = error_handler_kind(errors);
  std::size_t pos = 0;
  while (true) {
    append_valid(p + pos, v, out);
    pos += v.valid;
    if (pos == n) break;
    Sequence s = examine(p + pos, n - pos);
    if (s.fault == Fault::none) {  // the kernels stopped early: decode the sequence here
      char32_t c;
      utf8::decode_wide(p + pos, s.length, &c);
      out.push(c);
      pos += s.length;
      v = utf8::validate(p + pos, n - pos);
      continue;
    }
    if (!final && held_back(s, p + pos, n - pos)) break;
    ErrorRange e = error_range(s, pos, n);
    switch (handler) {
      case ErrorHandler::ignore:
        pos = e.end;
        break;
      case ErrorHandler::replace:
        out.push(0xFFFD);
        pos = e.end;
        break;
      case ErrorHandler::surrogateescape:
        for (; pos < e.end; ++pos) out.push(0xDC00 + p[pos]);
        break;
      default: {
        DecodeReplacement r =
            handle_decode_error(errors, kEncoding, data, e.start, e.end, e.reason);
        out.append(r.text);
        pos = r.resume;
      }
    }
    v = utf8::validate(p + pos, n - pos);
  }
  return {out.finish(), pos};
}

// Bytes of the UTF-8 form of the narrow text s[0, n).
std::size_t narrow_utf8_size(const std::uint8_t* s, std::size_t n) {
  std::size_t size = n;
  for (std::size_t i = 0; i < n; ++i) size += s[i] >> 7;
  return size;
}

// Bytes of the UTF-8 form of w, and whether it holds a surrogate. The inner loop of fixed
// length is what compilers vectorize at -O2.
std::size_t wide_utf8_size(std::u32string_view w, bool& has_surrogate) {
  auto extra = [](std::uint32_t c) { return (c >= 0x80) + (c >= 0x800) + (c >= 0x10000); };
  auto surrogate = [](std::uint32_t c) { return static_cast<std::uint32_t>(c - 0xD800u < 0x800u); };
  std::size_t size = w.size(), i = 0;
  std::uint32_t surrogates = 0;
  for (; i + 16 <= w.size(); i += 16) {
    std::uint32_t block = 0;
    for (std::size_t j = 0; j < 16; ++j) {
      block += extra(w[i + j]);
      surrogates |= surrogate(w[i + j]);
    }
    size += block;
  }
  for (; i < w.size(); ++i) {
    size += extra(w[i]);
    surrogates |= surrogate(w[i]);
  }
  has_surrogate = surrogates != 0;
  return size;
}

class Utf8Writer {
 public:
  explicit Utf8Writer(std::size_t reserve) { out_.reserve(reserve); }
  void wide(const char32_t* w, std::size_t n) {
    std::size_t old = out_.size();
    out_.resize(old + 4 * n);
    out_.resize(old + utf8::encode_wide(w, n, reinterpret_cast<std::uint8_t*>(&out_[old])));
  }
  void byte(unsigned b) { out_.push_back(static_cast<std::byte>(b)); }
  void bytes(std::string_view s) {
    for (char c : s) byte(static_cast<unsigned char>(c));
  }
  void surrogate(char32_t c) {
    byte(0xE0 | (c >> 12));
    byte(0x80 | ((c >> 6) & 0x3F));
    byte(0x80 | (c & 0x3F));
  }
  Bytes finish() { return Bytes(std::move(out_)); }

 private:
  buffer::ByteVector out_;
};

// Encodes a run of surrogates text[start, end) under the handler; returns where to go on.
std::size_t encode_surrogates(const Str& text, std::size_t start, std::size_t end,
                              std::string_view errors, ErrorHandler handler, Utf8Writer& out) {
  std::u32string_view w = text.wide();
  switch (handler) {
    case ErrorHandler::replace:
      for (std::size_t i = start; i < end; ++i) out.byte('?');
      return end;
    case ErrorHandler::ignore:
      return end;
    case ErrorHandler::surrogatepass:
      for (std::size_t i = start; i < end; ++i) out.surrogate(w[i]);
      return end;
    case ErrorHandler::backslashreplace:
    case ErrorHandler::xmlcharrefreplace: {
      std::string s;
      for (std::size_t i = start; i < end; ++i) {
        handler == ErrorHandler::backslashreplace ? append_backslash_escape(s, w[i])
                                                  : append_xml_charref(s, w[i]);
      }
      out.bytes(s);
      return end;
    }
    case ErrorHandler::surrogateescape:
      // Escape what can be escaped; the general handler reports the rest of the run.
      for (; start < end && w[start] >= 0xDC80 && w[start] <= 0xDCFF; ++start) {
        out.byte(w[start] - 0xDC00);
      }
      if (start == end) return end;
      break;
    default:
      break;
  }
  EncodeReplacement r =
      handle_encode_error(errors, kEncoding, text, start, end, kSurrogatesNotAllowed);
  out.bytes(r.data);  // text replacements of the built-in handlers are ASCII
  return r.resume;
}

Bytes encode_wide_with_surrogates(const Str& text, std::string_view errors, std::size_t size) {
  std::u32string_view w = text.wide();
  Utf8Writer out(size);
  ErrorHandler handler = error_handler_kind(errors);
  std::size_t i = 0;
  while (i < w.size()) {
    std::size_t j = i;
    while (j < w.size() && !is_surrogate(w[j])) ++j;
    out.wide(w.data() + i, j - i);
    if (j == w.size()) break;
    std::size_t end = j + 1;
    while (end < w.size() && is_surrogate(w[end])) ++end;
    i = encode_surrogates(text, j, end, errors, handler, out);
  }
  return out.finish();
}

Bytes bom_then(Bytes rest) {
  buffer::ByteVector out(kBom.size() + rest.size());
  std::memcpy(out.data(), kBom.data(), kBom.size());
  if (!rest.empty()) std::memcpy(out.data() + kBom.size(), rest.span().data(), rest.size());
  return Bytes(std::move(out));
}

std::string_view chars(ByteSpan data) {
  return {reinterpret_cast<const char*>(data.data()), data.size()};
}

bool starts_with_bom(ByteSpan data) { return chars(data).substr(0, kBom.size()) == kBom; }

// encodings.utf_8.IncrementalDecoder.
class Utf8Decoder : public BufferedDecoder {
 public:
  using BufferedDecoder::BufferedDecoder;

 protected:
  DecodeResult buffer_decode(ByteSpan data, bool final) override {
    return utf8_decode(data, errors(), final);
  }
};

// encodings.utf_8_sig.IncrementalDecoder: `first_` is true until it has decided whether the
// input starts with a BOM (getstate()'s flags). It gives up deciding as soon as it has seen
// three bytes or a byte that is not the BOM's, before decoding them.
class Utf8SigDecoder : public BufferedDecoder {
 public:
  using BufferedDecoder::BufferedDecoder;
  void reset() override {
    BufferedDecoder::reset();
    first_ = 1;
  }
  DecoderState getstate() const override { return {buffer(), first_}; }
  void setstate(const DecoderState& state) override {
    BufferedDecoder::setstate(state);
    first_ = state.flags;
  }

 protected:
  DecodeResult buffer_decode(ByteSpan data, bool final) override {
    if (first_) {
      if (data.size() < kBom.size()) {
        // Too short to tell: wait for more, even when final (as CPython does).
        if (kBom.substr(0, data.size()) == chars(data)) return {Str(), 0};
        first_ = 0;
      } else {
        first_ = 0;
        if (starts_with_bom(data)) {
          DecodeResult r = utf8_decode(data.subspan(kBom.size()), errors(), final);
          r.consumed += kBom.size();
          return r;
        }
      }
    }
    return utf8_decode(data, errors(), final);
  }

 private:
  std::int64_t first_ = 1;
};

// encodings.utf_8_sig.IncrementalEncoder: the BOM before the first output.
class Utf8SigEncoder : public IncrementalEncoder {
 public:
  explicit Utf8SigEncoder(std::string errors) : errors_(std::move(errors)) {}
  Bytes encode(const Str& input, bool /*final*/) override {
    if (first_) {
      first_ = 0;  // even when encoding fails, as in CPython
      return bom_then(utf8_encode(input, errors_));
    }
    return utf8_encode(input, errors_);
  }
  void reset() override { first_ = 1; }
  std::int64_t getstate() const override { return first_; }
  void setstate(std::int64_t state) override { first_ = state; }

 private:
  std::string errors_;
  std::int64_t first_ = 1;
};

Str utf8_decode_all(ByteSpan data, std::string_view errors) {
  return utf8_decode(data, errors, true).text;
}

Bytes utf8_sig_encode(const Str& text, std::string_view errors) {
  return bom_then(utf8_encode(text, errors));
}

// Positions in errors are relative to the input after the BOM, as in CPython.
Str utf8_sig_decode(ByteSpan data, std::string_view errors) {
  if (starts_with_bom(data)) data = data.subspan(kBom.size());
  return utf8_decode(data, errors, true).text;
}

}  // namespace

DecodeResult utf8_decode(ByteSpan data, std::string_view errors, bool final) {
  const std::uint8_t* p = bytes_of(data);
  std::size_t n = data.size();
  // ASCII first, checked and copied in one pass: all of most text, the start of the rest.
  Str text = Str::narrow_of_size(n);
  const std::size_t ascii = utf8::copy_ascii(p, n, text.narrow_data());
  if (ascii == n) return {std::move(text), n};
  utf8::Validation rest = utf8::validate(p + ascii, n - ascii);
  utf8::Validation v{.valid = ascii + rest.valid,
                     .code_points = ascii + rest.code_points,
                     .ascii = rest.ascii,
                     .narrow = rest.narrow};
  if (v.valid == n && v.narrow) {
    utf8::decode_narrow(p + ascii, rest.valid, text.narrow_data() + ascii);
    text.resize(v.code_points);
    return {std::move(text), n};
  }
  if (v.valid == n) return {decode_valid(p, n, v), n};
  Sequence s = examine(p + v.valid, n - v.valid);
  if (!final && s.fault != Fault::none && held_back(s, p + v.valid, n - v.valid)) {
    return {decode_valid(p, v.valid, v), v.valid};
  }
  return decode_with_errors(data, errors, final, v);
}

Bytes utf8_encode(const Str& text, std::string_view errors) {
  if (text.is_narrow()) {
    const auto* s = reinterpret_cast<const std::uint8_t*>(text.narrow().data());
    std::size_t n = text.size();
    buffer::ByteVector ascii_out(n);
    std::size_t ascii = utf8::copy_ascii(s, n, reinterpret_cast<char*>(ascii_out.data()));
    if (ascii == n) return Bytes(std::move(ascii_out));
    buffer::ByteVector out(ascii + narrow_utf8_size(s + ascii, n - ascii));
    auto* o = reinterpret_cast<std::uint8_t*>(out.data());
    std::memcpy(o, ascii_out.data(), ascii);
    utf8::encode_narrow(text.narrow().data() + ascii, n - ascii, o + ascii);
    return Bytes(std::move(out));
  }
  bool has_surrogate = false;
  std::size_t size = wide_utf8_size(text.wide(), has_surrogate);
  if (has_surrogate) return encode_wide_with_surrogates(text, errors, size);
  buffer::ByteVector out(size);
  utf8::encode_wide(text.wide().data(), text.size(), reinterpret_cast<std::uint8_t*>(out.data()));
  return Bytes(std::move(out));
}

const CodecInfo kUtf8Codec{
    .name = "utf-8",
    .encode = utf8_encode,
    .decode = utf8_decode_all,
    .incremental_encoder = [](std::string errors) -> std::unique_ptr<IncrementalEncoder> {
      return std::make_unique<StatelessEncoder>(utf8_encode, std::move(errors));
    },
    .incremental_decoder = [](std::string errors) -> std::unique_ptr<IncrementalDecoder> {
      return std::make_unique<Utf8Decoder>(std::move(errors));
    },
};

const CodecInfo kUtf8SigCodec{
    .name = "utf-8-sig",
    .encode = utf8_sig_encode,
    .decode = utf8_sig_decode,
    .incremental_encoder = [](std::string errors) -> std::unique_ptr<IncrementalEncoder> {
      return std::make_unique<Utf8SigEncoder>(std::move(errors));
    },
    .incremental_decoder = [](std::string errors) -> std::unique_ptr<IncrementalDecoder> {
      return std::make_unique<Utf8SigDecoder>(std::move(errors));
    },
};

}  // namespace bl::codecs
