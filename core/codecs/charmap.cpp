// The one-byte codecs: latin-1 (every byte is the code point of the same number), ascii
// (bytes below 128) and cp1252 (Windows' Western European code page, a character map with
// five undefined bytes: 0x81, 0x8D, 0x8F, 0x90, 0x9D). Errors of cp1252 name the codec
// 'charmap', as CPython's character-map machinery does.

#include "codecs/codec_impl.hpp"
#include "codecs/error_handlers.hpp"
#include "codecs/utf8_kernels.hpp"

namespace bl::codecs {
namespace {

constexpr std::string_view kCharmap = "charmap";
constexpr std::string_view kUndefined = "character maps to <undefined>";
constexpr char16_t kNoChar = 0xFFFE;

// cp1252's bytes 0x80..0x9F (0xA0..0xFF are Latin-1's). From CPython's encodings/cp1252.py,
// which has it from Microsoft's table at unicode.org.
constexpr char16_t kCp1252High[32] = {
    0x20AC,  kNoChar, 0x201A, 0x0192, 0x201E, 0x2026,  0x2020, 0x2021,   //
    0x02C6,  0x2030,  0x0160, 0x2039, 0x0152, kNoChar, 0x017D, kNoChar,  //
    kNoChar, 0x2018,  0x2019, 0x201C, 0x201D, 0x2022,  0x2013, 0x2014,   //
    0x02DC,  0x2122,  0x0161, 0x203A, 0x0153, kNoChar, 0x017E, 0x0178,   //
};

char16_t cp1252_char(std::uint8_t b) { return b >= 0x80 && b < 0xA0 ? kCp1252High[b - 0x80] : b; }

// The byte cp1252 encodes `c` as, or -1.
int cp1252_byte(char32_t c) {
  if (c < 0x80 || (c >= 0xA0 && c < 0x100)) return static_cast<int>(c);
  for (int i = 0; i < 32; ++i) {
    if (kCp1252High[i] == c && c != kNoChar) return 0x80 + i;
  }
  return -1;
}

const std::uint8_t* bytes_of(ByteSpan data) {
  return reinterpret_cast<const std::uint8_t*>(data.data());
}

Str latin1_text(const std::uint8_t* p, std::size_t n) {
  return Str::from_latin1(std::string_view(reinterpret_cast<const char*>(p), n));
}

Bytes copy_narrow(const Str& text) {
  std::string_view s = text.narrow();
  return Bytes(ByteSpan(reinterpret_cast<const std::byte*>(s.data()), s.size()));
}

// --- decoding ---

Str latin1_decode(ByteSpan data, std::string_view /*errors*/) {
  return latin1_text(bytes_of(data), data.size());
}

Str ascii_decode(ByteSpan data, std::string_view errors) {
  const std::uint8_t* p = bytes_of(data);
  std::size_t n = data.size();
  std::size_t pos = utf8::ascii_prefix(p, n);
  if (pos == n) return latin1_text(p, n);
  TextBuilder out(n);
  for (std::size_t i = 0; i < pos; ++i) out.push(p[i]);
  ErrorHandler handler = error_handler_kind(errors);
  while (pos < n) {
    std::uint8_t b = p[pos];
    if (b < 0x80) {
      out.push(b);
      ++pos;
      continue;
    }
    switch (handler) {
      case ErrorHandler::replace:
        out.push(0xFFFD);
        ++pos;
        break;
      case ErrorHandler::surrogateescape:
        out.push(0xDC00 + b);
        ++pos;
        break;
      case ErrorHandler::ignore:
        ++pos;
        break;
      default: {
        DecodeReplacement r =
            handle_decode_error(errors, "ascii", data, pos, pos + 1, "ordinal not in range(128)");
        out.append(r.text);
        pos = r.resume;
      }
    }
  }
  return out.finish();
}

Str cp1252_decode(ByteSpan data, std::string_view errors) {
  const std::uint8_t* p = bytes_of(data);
  std::size_t n = data.size();
  bool high = false, undefined = false;
  for (std::size_t i = 0; i < n; ++i) {
    if (p[i] >= 0x80 && p[i] < 0xA0) {
      high = true;
      undefined |= cp1252_char(p[i]) == kNoChar;
    }
  }
  if (!high) return latin1_text(p, n);
  if (!undefined) {
    Str text = Str::wide_of_size(n);
    char32_t* w = text.wide_data();
    for (std::size_t i = 0; i < n; ++i) w[i] = cp1252_char(p[i]);
    return text;
  }
  TextBuilder out(n);
  std::size_t pos = 0;
  while (pos < n) {
    char16_t c = cp1252_char(p[pos]);
    if (c != kNoChar) {
      out.push(c);
      ++pos;
      continue;
    }
    DecodeReplacement r = handle_decode_error(errors, kCharmap, data, pos, pos + 1, kUndefined);
    out.append(r.text);
    pos = r.resume;
  }
  return out.finish();
}

// --- encoding ---

// latin-1 (limit 256) and ascii (limit 128): a run of characters at or above the limit is one
// error.
Bytes encode_below(const Str& text, std::string_view errors, char32_t limit) {
  std::string_view encoding = limit == 256 ? "latin-1" : "ascii";
  std::string_view reason =
      limit == 256 ? "ordinal not in range(256)" : "ordinal not in range(128)";
  ErrorHandler handler = error_handler_kind(errors);
  std::string out;
  out.reserve(text.size());
  std::size_t n = text.size();
  std::size_t pos = 0;
  while (pos < n) {
    char32_t c = text[pos];
    if (c < limit) {
      out += static_cast<char>(c);
      ++pos;
      continue;
    }
    std::size_t start = pos, end = pos + 1;
    while (end < n && text[end] >= limit) ++end;
    switch (handler) {
      case ErrorHandler::strict:
        raise_encode_error(encoding, text, start, end, reason);
      case ErrorHandler::replace:
        out.append(end - start, '?');
        pos = end;
        continue;
      case ErrorHandler::ignore:
        pos = end;
        continue;
      case ErrorHandler::backslashreplace:
        for (; pos < end; ++pos) append_backslash_escape(out, text[pos]);
        continue;
      case ErrorHandler::xmlcharrefreplace:
        for (; pos < end; ++pos) append_xml_charref(out, text[pos]);
        continue;
      case ErrorHandler::surrogateescape:
        // Escape what can be escaped; the general handler reports the rest of the run.
        for (; pos < end && text[pos] >= 0xDC80 && text[pos] <= 0xDCFF; ++pos) {
          out += static_cast<char>(text[pos] - 0xDC00);
        }
        if (pos == end) continue;
        start = pos;
        break;
      default:
        break;
    }
    EncodeReplacement r = handle_encode_error(errors, encoding, text, start, end, reason);
    out += r.data;  // text replacements of the built-in handlers are ASCII
    pos = r.resume;
  }
  return Bytes::from(out);
}

Bytes latin1_encode(const Str& text, std::string_view errors) {
  if (text.is_narrow()) return copy_narrow(text);
  return encode_below(text, errors, 256);
}

Bytes ascii_encode(const Str& text, std::string_view errors) {
  if (text.is_narrow()) {
    std::string_view s = text.narrow();
    buffer::ByteVector out(s.size());
    const auto* p = reinterpret_cast<const std::uint8_t*>(s.data());
    if (utf8::copy_ascii(p, s.size(), reinterpret_cast<char*>(out.data())) == s.size()) {
      return Bytes(std::move(out));
    }
  }
  return encode_below(text, errors, 128);
}

// Appends the cp1252 bytes of ASCII replacement text; false if one has none.
bool append_mapped(std::string& out, std::string_view replacement) {
  for (char a : replacement) {
    int b = cp1252_byte(static_cast<unsigned char>(a));
    if (b < 0) return false;
    out += static_cast<char>(b);
  }
  return true;
}

Bytes cp1252_encode(const Str& text, std::string_view errors) {
  ErrorHandler handler = error_handler_kind(errors);
  std::string out;
  out.reserve(text.size());
  std::size_t n = text.size();
  std::size_t pos = 0;
  while (pos < n) {
    int b = cp1252_byte(text[pos]);
    if (b >= 0) {
      out += static_cast<char>(b);
      ++pos;
      continue;
    }
    std::size_t start = pos, end = pos + 1;
    while (end < n && cp1252_byte(text[end]) < 0) ++end;
    if (handler == ErrorHandler::strict) raise_encode_error(kCharmap, text, start, end, kUndefined);
    EncodeReplacement r = handle_encode_error(errors, kCharmap, text, start, end, kUndefined);
    // Bytes are copied as they are; text goes through the map like the input.
    if (!r.is_text) {
      out += r.data;
    } else if (!append_mapped(out, r.data)) {
      raise_encode_error(kCharmap, text, start, end, kUndefined);
    }
    pos = r.resume;
  }
  return Bytes::from(out);
}

template <Str (*kDecode)(ByteSpan, std::string_view),
          Bytes (*kEncode)(const Str&, std::string_view)>
constexpr CodecInfo one_byte_codec(std::string_view name) {
  return {
      .name = name,
      .encode = kEncode,
      .decode = kDecode,
      .incremental_encoder = [](std::string errors) -> std::unique_ptr<IncrementalEncoder> {
        return std::make_unique<StatelessEncoder>(kEncode, std::move(errors));
      },
      .incremental_decoder = [](std::string errors) -> std::unique_ptr<IncrementalDecoder> {
        return std::make_unique<StatelessDecoder>(kDecode, std::move(errors));
      },
  };
}

}  // namespace

const CodecInfo kLatin1Codec = one_byte_codec<latin1_decode, latin1_encode>("iso8859-1");
const CodecInfo kAsciiCodec = one_byte_codec<ascii_decode, ascii_encode>("ascii");
const CodecInfo kCp1252Codec = one_byte_codec<cp1252_decode, cp1252_encode>("cp1252");

}  // namespace bl::codecs
