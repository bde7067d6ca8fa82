#include "codecs/error_handlers.hpp"

#include <algorithm>
#include <cstdint>
#include <iterator>

namespace bl::codecs {
namespace {

constexpr char kHex[] = "0123456789abcdef";

void append_hex(std::string& out, char32_t c, int digits) {
  for (int shift = 4 * (digits - 1); shift >= 0; shift -= 4) out += kHex[(c >> shift) & 0xF];
}

std::uint8_t byte_at(ByteSpan data, std::size_t i) {
  return std::to_integer<std::uint8_t>(data[i]);
}

// The encodings surrogatepass knows, recognized from the name in the exception as CPython
// does: 'utf-8', 'utf-16' (native order, little-endian here), 'utf-16-le', 'utf_32be', ...
enum class Standard { unknown, utf8, utf16le, utf16be, utf32le, utf32be };

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// After 'utf-16' / 'utf-32': nothing (native), or '-le'/'_be' and the like.
Standard byte_order_suffix(std::string_view rest, Standard le, Standard be) {
  if (rest.empty()) return le;
  if (rest[0] == '-' || rest[0] == '_') rest.remove_prefix(1);
  if (rest.size() == 2 && lower(rest[1]) == 'e') {
    if (lower(rest[0]) == 'b') return be;
    if (lower(rest[0]) == 'l') return le;
  }
  return Standard::unknown;
}

Standard standard_encoding(std::string_view name) {
  if (name == "CP_UTF8") return Standard::utf8;
  if (name.size() < 3 || lower(name[0]) != 'u' || lower(name[1]) != 't' || lower(name[2]) != 'f')
    return Standard::unknown;
  name.remove_prefix(3);
  if (!name.empty() && (name[0] == '-' || name[0] == '_')) name.remove_prefix(1);
  if (name == "8") return Standard::utf8;
  if (name.substr(0, 2) == "16") {
    return byte_order_suffix(name.substr(2), Standard::utf16le, Standard::utf16be);
  }
  if (name.substr(0, 2) == "32") {
    return byte_order_suffix(name.substr(2), Standard::utf32le, Standard::utf32be);
  }
  return Standard::unknown;
}

std::size_t unit_size(Standard s) {
  switch (s) {
    case Standard::utf8:
      return 3;
    case Standard::utf16le:
    case Standard::utf16be:
      return 2;
    default:
      return 4;
  }
}

// The code unit at data[0..unit_size) as surrogatepass reads it (0 when utf-8 bytes are not a
// three-byte sequence).
char32_t read_unit(Standard s, const std::uint8_t* p) {
  switch (s) {
    case Standard::utf8:
      if ((p[0] & 0xF0) == 0xE0 && (p[1] & 0xC0) == 0x80 && (p[2] & 0xC0) == 0x80) {
        return ((p[0] & 0x0Fu) << 12) | ((p[1] & 0x3Fu) << 6) | (p[2] & 0x3Fu);
      }
      return 0;
    case Standard::utf16le:
      return p[0] | (p[1] << 8);
    case Standard::utf16be:
      return (p[0] << 8) | p[1];
    case Standard::utf32le:
      return p[0] | (p[1] << 8) | (p[2] << 16) | (static_cast<char32_t>(p[3]) << 24);
    default:
      return (static_cast<char32_t>(p[0]) << 24) | (p[1] << 16) | (p[2] << 8) | p[3];
  }
}

void write_unit(Standard s, char32_t c, std::string& out) {
  auto put = [&](unsigned v) { out += static_cast<char>(v & 0xFF); };
  switch (s) {
    case Standard::utf8:
      put(0xE0 | (c >> 12));
      put(0x80 | ((c >> 6) & 0x3F));
      put(0x80 | (c & 0x3F));
      break;
    case Standard::utf16le:
      put(c), put(c >> 8);
      break;
    case Standard::utf16be:
      put(c >> 8), put(c);
      break;
    case Standard::utf32le:
      put(c), put(c >> 8), put(c >> 16), put(c >> 24);
      break;
    default:
      put(c >> 24), put(c >> 16), put(c >> 8), put(c);
      break;
  }
}

[[noreturn]] void raise_unknown_handler(std::string_view errors) {
  throw LookupError("unknown error handler name '" + message_name(errors) + "'");
}

[[noreturn]] void raise_cannot_decode() {
  throw TypeError("don't know how to handle UnicodeDecodeError in error callback");
}

struct CodePointRange {
  char32_t first, last;
};
constexpr CodePointRange kNamed[] = {
#include "codecs/named_table.inc"
};

// Whether the code point has a Unicode name (which namereplace would write as \N{NAME}).
bool has_name(char32_t c) {
  auto it =
      std::upper_bound(std::begin(kNamed), std::end(kNamed), c,
                       [](char32_t value, const CodePointRange& r) { return value < r.first; });
  return it != std::begin(kNamed) && c <= std::prev(it)->last;
}

DecodeReplacement surrogateescape_decode(std::string_view encoding, ByteSpan data,
                                         std::size_t start, std::size_t end,
                                         std::string_view reason) {
  // At most four bytes, and never an ASCII byte: that would not round-trip.
  DecodeReplacement r{{}, start};
  while (r.resume < end && r.resume - start < 4 && byte_at(data, r.resume) >= 0x80) {
    r.text += static_cast<char32_t>(0xDC00 + byte_at(data, r.resume));
    ++r.resume;
  }
  if (r.text.empty()) raise_decode_error(encoding, data, start, end, reason);
  return r;
}

DecodeReplacement surrogatepass_decode(std::string_view encoding, ByteSpan data, std::size_t start,
                                       std::size_t end, std::string_view reason) {
  Standard s = standard_encoding(encoding);
  if (s == Standard::unknown || data.size() - start < unit_size(s)) {
    raise_decode_error(encoding, data, start, end, reason);
  }
  char32_t c = read_unit(s, reinterpret_cast<const std::uint8_t*>(data.data()) + start);
  if (!is_surrogate(c)) raise_decode_error(encoding, data, start, end, reason);
  return {std::u32string(1, c), start + unit_size(s)};
}

EncodeReplacement surrogateescape_encode(std::string_view encoding, const Str& text,
                                         std::size_t start, std::size_t end,
                                         std::string_view reason) {
  EncodeReplacement r{false, {}, end};
  for (std::size_t i = start; i < end; ++i) {
    char32_t c = text[i];
    if (c < 0xDC80 || c > 0xDCFF) raise_encode_error(encoding, text, start, end, reason);
    r.data += static_cast<char>(c - 0xDC00);
  }
  return r;
}

EncodeReplacement surrogatepass_encode(std::string_view encoding, const Str& text,
                                       std::size_t start, std::size_t end,
                                       std::string_view reason) {
  Standard s = standard_encoding(encoding);
  if (s == Standard::unknown) raise_encode_error(encoding, text, start, end, reason);
  EncodeReplacement r{false, {}, end};
  for (std::size_t i = start; i < end; ++i) {
    if (!is_surrogate(text[i])) raise_encode_error(encoding, text, start, end, reason);
    write_unit(s, text[i], r.data);
  }
  return r;
}

}  // namespace

ErrorHandler error_handler_kind(std::string_view errors) {
  if (errors == "strict") return ErrorHandler::strict;
  if (errors == "surrogateescape") return ErrorHandler::surrogateescape;
  if (errors == "replace") return ErrorHandler::replace;
  if (errors == "ignore") return ErrorHandler::ignore;
  if (errors == "backslashreplace") return ErrorHandler::backslashreplace;
  if (errors == "surrogatepass") return ErrorHandler::surrogatepass;
  if (errors == "xmlcharrefreplace") return ErrorHandler::xmlcharrefreplace;
  if (errors == "namereplace") return ErrorHandler::namereplace;
  return ErrorHandler::other;
}

DecodeReplacement handle_decode_error(std::string_view errors, std::string_view encoding,
                                      ByteSpan data, std::size_t start, std::size_t end,
                                      std::string_view reason) {
  switch (error_handler_kind(errors)) {
    case ErrorHandler::strict:
      raise_decode_error(encoding, data, start, end, reason);
    case ErrorHandler::ignore:
      return {{}, end};
    case ErrorHandler::replace:
      return {U"\uFFFD", end};
    case ErrorHandler::backslashreplace: {
      DecodeReplacement r{{}, end};
      for (std::size_t i = start; i < end; ++i) {
        std::uint8_t b = byte_at(data, i);
        r.text += U"\\x";
        r.text += static_cast<char32_t>(kHex[b >> 4]);
        r.text += static_cast<char32_t>(kHex[b & 0xF]);
      }
      return r;
    }
    case ErrorHandler::surrogateescape:
      return surrogateescape_decode(encoding, data, start, end, reason);
    case ErrorHandler::surrogatepass:
      return surrogatepass_decode(encoding, data, start, end, reason);
    case ErrorHandler::xmlcharrefreplace:
    case ErrorHandler::namereplace:
      raise_cannot_decode();
    case ErrorHandler::other:
      break;
  }
  raise_unknown_handler(errors);
}

EncodeReplacement handle_encode_error(std::string_view errors, std::string_view encoding,
                                      const Str& text, std::size_t start, std::size_t end,
                                      std::string_view reason) {
  EncodeReplacement r{true, {}, end};
  switch (error_handler_kind(errors)) {
    case ErrorHandler::strict:
      raise_encode_error(encoding, text, start, end, reason);
    case ErrorHandler::ignore:
      return r;
    case ErrorHandler::replace:
      r.data.assign(end - start, '?');
      return r;
    case ErrorHandler::backslashreplace:
      for (std::size_t i = start; i < end; ++i) append_backslash_escape(r.data, text[i]);
      return r;
    case ErrorHandler::xmlcharrefreplace:
      for (std::size_t i = start; i < end; ++i) append_xml_charref(r.data, text[i]);
      return r;
    case ErrorHandler::namereplace:
      for (std::size_t i = start; i < end; ++i) {
        if (has_name(text[i])) {
          throw NotImplementedError(
              "errors='namereplace' needs Unicode character names, which bufferlab does not "
              "have (" +
              escape_code_point(text[i]) + ")");
        }
        append_backslash_escape(r.data, text[i]);
      }
      return r;
    case ErrorHandler::surrogateescape:
      return surrogateescape_encode(encoding, text, start, end, reason);
    case ErrorHandler::surrogatepass:
      return surrogatepass_encode(encoding, text, start, end, reason);
    case ErrorHandler::other:
      break;
  }
  raise_unknown_handler(errors);
}

void raise_decode_error(std::string_view encoding, ByteSpan data, std::size_t start,
                        std::size_t end, std::string_view reason) {
  throw UnicodeDecodeError(std::string(encoding), Bytes(data), start, end, std::string(reason));
}

void raise_encode_error(std::string_view encoding, const Str& text, std::size_t start,
                        std::size_t end, std::string_view reason) {
  throw UnicodeEncodeError(std::string(encoding), text, start, end, std::string(reason));
}

void append_backslash_escape(std::string& out, char32_t c) {
  if (c < 0x100) {
    out += "\\x";
    append_hex(out, c, 2);
  } else if (c < 0x10000) {
    out += "\\u";
    append_hex(out, c, 4);
  } else {
    out += "\\U";
    append_hex(out, c, 8);
  }
}

void append_xml_charref(std::string& out, char32_t c) {
  out += "&#";
  out += std::to_string(static_cast<std::uint32_t>(c));
  out += ';';
}

std::string message_name(std::string_view name) {
  constexpr std::size_t kLimit = 400;
  if (name.size() <= kLimit) return std::string(name);
  std::string out(name.substr(0, kLimit));
  // Drop a trailing sequence that the cut left incomplete and mark it as 'replace' would.
  std::size_t lead = out.size();
  while (lead > 0 && (static_cast<unsigned char>(out[lead - 1]) & 0xC0) == 0x80) --lead;
  if (lead == 0) return out;
  unsigned char b = static_cast<unsigned char>(out[lead - 1]);
  std::size_t length = b < 0x80 ? 1 : b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
  if (out.size() - (lead - 1) < length) {
    out.resize(lead - 1);
    out += "\xEF\xBF\xBD";
  }
  return out;
}

}  // namespace bl::codecs
