// The inner loops of UTF-8 decoding and encoding, for well-formed input.
//
// The utf-8 codec (utf8.cpp) runs these over the longest well-formed stretch of its input and
// handles errors, error handlers and chunk boundaries itself. Natively they are vectorized
// (SSE2/AVX2: ASCII skipping a vector at a time and range-based validation as in simdutf,
// Keiser & Lemire 2021); the wasm build uses the portable word-at-a-time path.
#pragma once

#include <cstddef>
#include <cstdint>

namespace bl::codecs::utf8 {

// Bytes at the start of data[0, n) that are ASCII (< 0x80).
std::size_t ascii_prefix(const std::uint8_t* data, std::size_t n);

// ascii_prefix() and a copy of it in one pass: copies data[0, n) to out (room for n bytes) as
// far as it is ASCII and returns that length. Bytes after it may have been written to out too.
// Decoding text that is all ASCII, the common case, then reads its input once.
std::size_t copy_ascii(const std::uint8_t* data, std::size_t n, char* out);

// The longest prefix of data[0, n) that is complete, well-formed UTF-8 as Python's strict
// decoder accepts it: no overlong forms, no surrogates (ED A0..BF), nothing above U+10FFFF,
// no sequence cut off at the end.
struct Validation {
  std::size_t valid = 0;        // length of that prefix in bytes
  std::size_t code_points = 0;  // code points in it
  bool ascii = true;            // all of them < 0x80
  bool narrow = true;           // all of them < 0x100 (lead bytes up to 0xC3)
};
Validation validate(const std::uint8_t* data, std::size_t n);

// Decoders of well-formed UTF-8 (a prefix validate() accepted); `out` has room for its
// code points. decode_narrow requires `narrow`: every code point is stored as one byte.
void decode_narrow(const std::uint8_t* data, std::size_t n, char* out);
void decode_wide(const std::uint8_t* data, std::size_t n, char32_t* out);

// Encoders. encode_narrow writes 1 or 2 bytes per code point (out has room for 2n) and
// returns the bytes written. encode_wide writes code points that are not surrogates (the
// caller checks) and returns the bytes written (out has room for 4n).
std::size_t encode_narrow(const char* text, std::size_t n, std::uint8_t* out);
std::size_t encode_wide(const char32_t* text, std::size_t n, std::uint8_t* out);

}  // namespace bl::codecs::utf8
