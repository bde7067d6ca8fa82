// The implementations behind utf8_kernels.hpp: one table of functions per instruction set.
//
// The functions of utf8_kernels.hpp call the best table this CPU supports, chosen once at the
// first call. Tests and the fuzzer reach every table through this header, so that each
// vectorized kernel is checked against the portable one on the same input.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "codecs/utf8_kernels.hpp"

namespace bl::codecs::utf8 {

struct Kernels {
  const char* name;  // "portable", "sse2", "avx2", "avx512"
  std::size_t (*ascii_prefix)(const std::uint8_t* data, std::size_t n);
  std::size_t (*copy_ascii)(const std::uint8_t* data, std::size_t n, char* out);
  Validation (*validate)(const std::uint8_t* data, std::size_t n);
  void (*decode_narrow)(const std::uint8_t* data, std::size_t n, char* out);
  void (*decode_wide)(const std::uint8_t* data, std::size_t n, char32_t* out);
  std::size_t (*encode_narrow)(const char* text, std::size_t n, std::uint8_t* out);
  std::size_t (*encode_wide)(const char32_t* text, std::size_t n, std::uint8_t* out);
};

// Word-at-a-time C++ with no intrinsics: the wasm build's kernels and everyone's reference.
extern const Kernels kPortableKernels;

// The x86-64 tables, or null where the build or the CPU lacks the instructions.
const Kernels* sse2_kernels();
const Kernels* avx2_kernels();
const Kernels* avx512_kernels();  // F, BW, VL, VBMI, VBMI2

// Every table this CPU can run, the portable one first and the fastest last.
std::vector<const Kernels*> supported_kernels();

// The table the functions of utf8_kernels.hpp call: the fastest, unless the environment
// variable BL_UTF8_KERNELS names another supported one.
const Kernels& active_kernels();

namespace portable {

std::size_t ascii_prefix(const std::uint8_t* data, std::size_t n);
std::size_t copy_ascii(const std::uint8_t* data, std::size_t n, char* out);
Validation validate(const std::uint8_t* data, std::size_t n);
// validate() of data[0, n) appended to `before`, the account of the complete UTF-8 just before
// data: how vectorized validators hand over their tail, or the block where they saw an error,
// to have the error located exactly. `ascii_prefix` skips ASCII runs.
using AsciiPrefix = std::size_t (*)(const std::uint8_t* data, std::size_t n);
Validation validate_after(const Validation& before, const std::uint8_t* data, std::size_t n,
                          AsciiPrefix ascii_prefix = portable::ascii_prefix);

void decode_narrow(const std::uint8_t* data, std::size_t n, char* out);
void decode_wide(const std::uint8_t* data, std::size_t n, char32_t* out);
std::size_t encode_narrow(const char* text, std::size_t n, std::uint8_t* out);
std::size_t encode_wide(const char32_t* text, std::size_t n, std::uint8_t* out);

}  // namespace portable

// Helpers every implementation shares.
constexpr bool is_continuation(std::uint8_t byte) { return (byte & 0xC0) == 0x80; }

// The code point of the well-formed sequence at s, and its length.
struct Decoded {
  char32_t code_point;
  std::size_t length;
};

inline Decoded decode_one(const std::uint8_t* s) {
  const std::uint32_t lead = s[0];
  if (lead < 0x80) return {lead, 1};
  if (lead < 0xE0) return {((lead & 0x1F) << 6) | (s[1] & 0x3Fu), 2};
  if (lead < 0xF0) return {((lead & 0x0F) << 12) | ((s[1] & 0x3Fu) << 6) | (s[2] & 0x3Fu), 3};
  return {((lead & 0x07) << 18) | ((s[1] & 0x3Fu) << 12) | ((s[2] & 0x3Fu) << 6) | (s[3] & 0x3Fu),
          4};
}

}  // namespace bl::codecs::utf8
