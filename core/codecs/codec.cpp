// The registry (names and aliases as `codecs.lookup` resolves them), the Unicode exceptions'
// messages, str.encode / bytes.decode, and the pieces the codecs share.
#include <algorithm>
#include <cstring>

#include "codecs/codec_impl.hpp"
#include "codecs/error_handlers.hpp"

namespace bl::codecs {
namespace {

// --- exceptions ---

std::string position_range(std::size_t start, std::size_t end) {
  // end - 1 as a signed number, as CPython prints an empty range ("5-4").
  return std::to_string(start) + "-" + std::to_string(static_cast<std::int64_t>(end) - 1);
}

std::string decode_message(const std::string& encoding, const Bytes& object, std::size_t start,
                           std::size_t end, const std::string& reason) {
  std::string head = "'" + encoding + "' codec can't decode ";
  if (start < object.size() && end == start + 1) {
    constexpr char kHex[] = "0123456789abcdef";
    std::uint8_t b = object[start];
    return head + "byte 0x" + kHex[b >> 4] + kHex[b & 0xF] + " in position " +
           std::to_string(start) + ": " + reason;
  }
  return head + "bytes in position " + position_range(start, end) + ": " + reason;
}

std::string encode_message(const std::string& encoding, const Str& object, std::size_t start,
                           std::size_t end, const std::string& reason) {
  std::string head = "'" + encoding + "' codec can't encode ";
  if (start < object.size() && end == start + 1) {
    return head + "character '" + escape_code_point(object[start]) + "' in position " +
           std::to_string(start) + ": " + reason;
  }
  return head + "characters in position " + position_range(start, end) + ": " + reason;
}

// --- the registry ---

// Bytes-to-bytes codecs: known by name so that open() can refuse them as CPython does.
constexpr CodecInfo kRot13Codec{.name = "rot-13", .is_text_encoding = false};
constexpr CodecInfo kHexCodec{.name = "hex", .is_text_encoding = false};
constexpr CodecInfo kBase64Codec{.name = "base64", .is_text_encoding = false};
constexpr CodecInfo kBz2Codec{.name = "bz2", .is_text_encoding = false};
constexpr CodecInfo kZlibCodec{.name = "zlib", .is_text_encoding = false};
constexpr CodecInfo kQuopriCodec{.name = "quopri", .is_text_encoding = false};
constexpr CodecInfo kUuCodec{.name = "uu", .is_text_encoding = false};

// The codecs by module name, as the `encodings` package finds them (encodings/utf_8.py, ...).
struct Module {
  std::string_view name;
  const CodecInfo* codec;
};
const Module kModules[] = {
    {"utf_8", &kUtf8Codec},        {"utf_8_sig", &kUtf8SigCodec},   {"utf_16", &kUtf16Codec},
    {"utf_16_le", &kUtf16LeCodec}, {"utf_16_be", &kUtf16BeCodec},   {"utf_32", &kUtf32Codec},
    {"utf_32_le", &kUtf32LeCodec}, {"utf_32_be", &kUtf32BeCodec},   {"latin_1", &kLatin1Codec},
    {"ascii", &kAsciiCodec},       {"cp1252", &kCp1252Codec},       {"rot_13", &kRot13Codec},
    {"hex_codec", &kHexCodec},     {"base64_codec", &kBase64Codec}, {"bz2_codec", &kBz2Codec},
    {"zlib_codec", &kZlibCodec},   {"quopri_codec", &kQuopriCodec}, {"uu_codec", &kUuCodec},
};

// encodings.aliases, for the modules above.
struct Alias {
  std::string_view alias, module;
};
constexpr Alias kAliases[] = {
    {"cp65001", "utf_8"},
    {"u8", "utf_8"},
    {"utf", "utf_8"},
    {"utf8", "utf_8"},
    {"utf8_ucs2", "utf_8"},
    {"utf8_ucs4", "utf_8"},
    {"u16", "utf_16"},
    {"utf16", "utf_16"},
    {"unicodelittleunmarked", "utf_16_le"},
    {"utf_16le", "utf_16_le"},
    {"unicodebigunmarked", "utf_16_be"},
    {"utf_16be", "utf_16_be"},
    {"u32", "utf_32"},
    {"utf32", "utf_32"},
    {"utf_32le", "utf_32_le"},
    {"utf_32be", "utf_32_be"},
    {"8859", "latin_1"},
    {"cp819", "latin_1"},
    {"csisolatin1", "latin_1"},
    {"ibm819", "latin_1"},
    {"iso8859", "latin_1"},
    {"iso8859_1", "latin_1"},
    {"iso_8859_1", "latin_1"},
    {"iso_8859_1_1987", "latin_1"},
    {"iso_ir_100", "latin_1"},
    {"l1", "latin_1"},
    {"latin", "latin_1"},
    {"latin1", "latin_1"},
    {"646", "ascii"},
    {"ansi_x3.4_1968", "ascii"},
    {"ansi_x3.4_1986", "ascii"},
    {"ansi_x3_4_1968", "ascii"},
    {"cp367", "ascii"},
    {"csascii", "ascii"},
    {"ibm367", "ascii"},
    {"iso646_us", "ascii"},
    {"iso_646.irv_1991", "ascii"},
    {"iso_ir_6", "ascii"},
    {"us", "ascii"},
    {"us_ascii", "ascii"},
    {"1252", "cp1252"},
    {"windows_1252", "cp1252"},
    {"rot13", "rot_13"},
    {"hex", "hex_codec"},
    {"base64", "base64_codec"},
    {"base_64", "base64_codec"},
    {"bz2", "bz2_codec"},
    {"zip", "zlib_codec"},
    {"zlib", "zlib_codec"},
    {"quopri", "quopri_codec"},
    {"quoted_printable", "quopri_codec"},
    {"quotedprintable", "quopri_codec"},
    {"uu", "uu_codec"},
};

bool is_ascii_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// The name codecs.lookup searches for: ASCII letters and digits in lower case and dots; every
// run of other bytes between them becomes one '_' (so ' UTF-8 ' is 'utf_8', 'utf\xc3\xa98'
// is 'utf_8').
std::string normalize(std::string_view name) {
  std::string out;
  bool punct = false;
  for (char c : name) {
    if (is_ascii_alnum(c) || c == '.') {
      if (punct && !out.empty()) out += '_';
      out += c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
      punct = false;
    } else {
      punct = true;
    }
  }
  return out;
}

std::string_view find_alias(std::string_view name) {
  for (const Alias& a : kAliases) {
    if (a.alias == name) return a.module;
  }
  return {};
}

const CodecInfo* find_module(std::string_view name) {
  // A dotted name is never a module of the encodings package.
  if (name.empty() || name.find('.') != std::string_view::npos) return nullptr;
  for (const Module& m : kModules) {
    if (m.name == name) return m.codec;
  }
  return nullptr;
}

// The alias of the name, else the alias with its dots made underscores; then the module the
// alias names, else the module of the name itself.
const CodecInfo* search(std::string_view encoding) {
  std::string name = normalize(encoding);
  std::string_view module = find_alias(name);
  if (module.empty()) {
    std::string undotted = name;
    std::replace(undotted.begin(), undotted.end(), '.', '_');
    module = find_alias(undotted);
  }
  if (const CodecInfo* codec = find_module(module)) return codec;
  return find_module(name);
}

// Whether str.encode and bytes.decode call the codec directly for this spelling, as CPython
// does for the names that normalize to 'utf_8', 'latin1', 'us_ascii', ... (10 characters at
// most), instead of through the registry.
bool is_builtin_spelling(std::string_view encoding) {
  static constexpr std::string_view kNames[] = {
      "utf8",  "utf_8",    "utf16",  "utf_16",  "utf32",      "utf_32",
      "ascii", "us_ascii", "latin1", "latin_1", "iso_8859_1", "iso8859_1",
  };
  std::string name = normalize(encoding);
  if (name.size() > 10) return false;
  return std::find(std::begin(kNames), std::end(kNames), name) != std::end(kNames);
}

// Calls a codec as the registry path of str.encode / bytes.decode does: an exception that
// carries nothing but its message comes out as the same type with the codec named,
// "decoding with 'cp1252' codec failed (LookupError: unknown error handler name 'x')".
template <class F>
auto call_wrapped(std::string_view operation, std::string_view encoding, F call) {
  auto wrapped = [&](const Exception& e) {
    return std::string(operation) + " with '" + std::string(encoding) + "' codec failed (" +
           std::string(e.type_name()) + ": " + e.what() + ")";
  };
  try {
    return call();
  } catch (const LookupError& e) {
    throw LookupError(wrapped(e));
  } catch (const TypeError& e) {
    throw TypeError(wrapped(e));
  } catch (const NotImplementedError& e) {
    throw NotImplementedError(wrapped(e));
  }
}

std::string& locale_encoding_storage() {
  static std::string encoding = "UTF-8";
  return encoding;
}

}  // namespace

UnicodeDecodeError::UnicodeDecodeError(std::string encoding, Bytes object, std::size_t start,
                                       std::size_t end, std::string reason)
    : UnicodeError(decode_message(encoding, object, start, end, reason)),
      encoding_(std::move(encoding)),
      object_(std::move(object)),
      start_(start),
      end_(end),
      reason_(std::move(reason)) {}

UnicodeEncodeError::UnicodeEncodeError(std::string encoding, Str object, std::size_t start,
                                       std::size_t end, std::string reason)
    : UnicodeError(encode_message(encoding, object, start, end, reason)),
      encoding_(std::move(encoding)),
      object_(std::move(object)),
      start_(start),
      end_(end),
      reason_(std::move(reason)) {}

void TextBuilder::widen() {
  if (wide_) return;
  wide_ = true;
  wide_text_.reserve(narrow_.capacity());
  wide_text_.resize(narrow_.size());
  for (std::size_t i = 0; i < narrow_.size(); ++i) {
    wide_text_[i] = static_cast<unsigned char>(narrow_[i]);
  }
  narrow_ = Str::NarrowText();
}

Str BufferedDecoder::decode(ByteSpan input, bool final) {
  if (buffer_.empty()) {
    DecodeResult r = buffer_decode(input, final);
    buffer_ = r.consumed < input.size() ? Bytes(input.subspan(r.consumed)) : Bytes();
    return std::move(r.text);
  }
  buffer::ByteVector data(buffer_.size() + input.size());
  std::memcpy(data.data(), buffer_.span().data(), buffer_.size());
  if (!input.empty()) std::memcpy(data.data() + buffer_.size(), input.data(), input.size());
  ByteSpan all(data);
  DecodeResult r = buffer_decode(all, final);
  buffer_ = r.consumed < all.size() ? Bytes(all.subspan(r.consumed)) : Bytes();
  return std::move(r.text);
}

const CodecInfo& lookup(std::string_view encoding) {
  if (encoding == "utf-8") return kUtf8Codec;
  if (encoding.find('\0') != std::string_view::npos) throw ValueError("embedded null character");
  if (const CodecInfo* codec = search(encoding)) return *codec;
  throw LookupError("unknown encoding: " + std::string(encoding));
}

const CodecInfo& lookup_text_encoding(std::string_view encoding,
                                      std::string_view alternate_command) {
  const CodecInfo& codec = lookup(encoding);
  if (!codec.is_text_encoding) {
    throw LookupError("'" + message_name(encoding) + "' is not a text encoding; use " +
                      std::string(alternate_command) + " to handle arbitrary codecs");
  }
  return codec;
}

Bytes encode(const Str& text, std::string_view encoding, std::string_view errors) {
  const CodecInfo& codec = lookup_text_encoding(encoding, "codecs.encode()");
  if (is_builtin_spelling(encoding)) return codec.encode(text, errors);
  return call_wrapped("encoding", encoding, [&] { return codec.encode(text, errors); });
}

Str decode(ByteSpan data, std::string_view encoding, std::string_view errors) {
  const CodecInfo& codec = lookup_text_encoding(encoding, "codecs.decode()");
  if (is_builtin_spelling(encoding)) return codec.decode(data, errors);
  return call_wrapped("decoding", encoding, [&] { return codec.decode(data, errors); });
}

std::string_view locale_encoding() { return locale_encoding_storage(); }

void set_locale_encoding(std::string encoding) { locale_encoding_storage() = std::move(encoding); }

}  // namespace bl::codecs
