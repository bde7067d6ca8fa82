// The error handlers Python registers by name in the `codecs` module: strict, ignore, replace,
// backslashreplace, surrogateescape, surrogatepass, xmlcharrefreplace and namereplace.
//
// Each codec tells these functions about one error: the range [start, end) of its input that
// it cannot convert, its name and the reason. The handler either raises or returns a
// replacement and the position where the codec resumes, which may lie before `end`
// (surrogateescape stops at the first ASCII byte and leaves the rest to the codec).
//
// The codecs handle the common handlers inline where CPython has a fast path, and only there:
// the fast paths differ from the general handler in the range they report (the utf-8 and
// latin-1 encoders escape what surrogateescape can before handing on the rest).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "codecs/codec.hpp"

namespace bl::codecs {

// The handlers a codec recognizes by name before asking the registry; `other` is any other
// name, which the registry resolves (or rejects) when the first error happens.
enum class ErrorHandler {
  strict,
  ignore,
  replace,
  backslashreplace,
  surrogateescape,
  surrogatepass,
  xmlcharrefreplace,
  namereplace,
  other,
};
ErrorHandler error_handler_kind(std::string_view errors);

// What a handler gives a decoder: text to append, and where to go on decoding.
struct DecodeReplacement {
  std::u32string text;
  std::size_t resume;
};

// Calls the handler `errors` for UnicodeDecodeError(encoding, data, start, end, reason).
DecodeReplacement handle_decode_error(std::string_view errors, std::string_view encoding,
                                      ByteSpan data, std::size_t start, std::size_t end,
                                      std::string_view reason);

// What a handler gives an encoder: bytes to copy as they are, or (text) ASCII characters the
// codec encodes itself (utf-16 writes each as a code unit). `resume` is the next character.
struct EncodeReplacement {
  bool is_text = false;
  std::string data;
  std::size_t resume = 0;
};

// Calls the handler `errors` for UnicodeEncodeError(encoding, text, start, end, reason).
EncodeReplacement handle_encode_error(std::string_view errors, std::string_view encoding,
                                      const Str& text, std::size_t start, std::size_t end,
                                      std::string_view reason);

[[noreturn]] void raise_decode_error(std::string_view encoding, ByteSpan data, std::size_t start,
                                     std::size_t end, std::string_view reason);
[[noreturn]] void raise_encode_error(std::string_view encoding, const Str& text, std::size_t start,
                                     std::size_t end, std::string_view reason);

// The replacements of backslashreplace ('\xe9', '\u20ac', '\U0001f600') and
// xmlcharrefreplace ('&#233;') for one code point, appended to `out`.
void append_backslash_escape(std::string& out, char32_t c);
void append_xml_charref(std::string& out, char32_t c);

// A name as CPython's '%.400s' puts it in a message: at most 400 bytes, a UTF-8 sequence cut
// in two shown as U+FFFD.
std::string message_name(std::string_view name);

inline bool is_surrogate(char32_t c) { return c >= 0xD800 && c <= 0xDFFF; }

}  // namespace bl::codecs
