// The portable UTF-8 kernels: plain C++ that reads ASCII eight bytes at a time (one 64-bit
// word whose high bits are all clear) and everything else one sequence at a time. This is
// what the wasm build runs, and the reference every vectorized kernel is tested against.
#include <bit>
#include <cstring>

#include "codecs/utf8_kernels_impl.hpp"

namespace bl::codecs::utf8 {

namespace {

constexpr std::uint64_t kHighBits = 0x8080808080808080;

std::uint64_t load_word(const std::uint8_t* p) {
  std::uint64_t word;
  std::memcpy(&word, p, sizeof word);
  return word;
}

// The index of the first byte of a word whose high bit is set, given `high` = word & kHighBits
// (nonzero): the lowest-addressed byte is the least significant one on little-endian targets.
std::size_t first_high_byte(std::uint64_t high) {
  if constexpr (std::endian::native == std::endian::little)
    return static_cast<std::size_t>(std::countr_zero(high)) / 8;
  else
    return static_cast<std::size_t>(std::countl_zero(high)) / 8;
}

// The length of the well-formed sequence that starts data[0, n) with a lead byte >= 0x80, or 0
// when it is ill-formed or cut off by the end of the data.
std::size_t sequence_length(const std::uint8_t* s, std::size_t n) {
  const std::uint8_t lead = s[0];
  if (lead < 0xC2 || lead > 0xF4 || n < 2) return 0;  // C0, C1: overlong; F5..FF: > U+10FFFF
  if (lead < 0xE0) return is_continuation(s[1]) ? 2 : 0;
  // The second byte's range is where overlongs (E0, F0), surrogates (ED) and code points
  // above U+10FFFF (F4) are told apart.
  const std::uint8_t low = lead == 0xE0 ? 0xA0 : lead == 0xF0 ? 0x90 : 0x80;
  const std::uint8_t high = lead == 0xED ? 0x9F : lead == 0xF4 ? 0x8F : 0xBF;
  if (s[1] < low || s[1] > high || n < 3 || !is_continuation(s[2])) return 0;
  if (lead < 0xF0) return 3;
  return n >= 4 && is_continuation(s[3]) ? 4 : 0;
}

bool ascii_word_at(const std::uint8_t* data, std::size_t i, std::size_t n) {
  return i + 8 <= n && (load_word(data + i) & kHighBits) == 0;
}

}  // namespace

namespace portable {

std::size_t ascii_prefix(const std::uint8_t* data, std::size_t n) {
  std::size_t i = 0;
  // Four words per test keep the loop's one branch off the critical path of long ASCII runs.
  for (; i + 32 <= n; i += 32) {
    const std::uint64_t any = load_word(data + i) | load_word(data + i + 8) |
                              load_word(data + i + 16) | load_word(data + i + 24);
    if ((any & kHighBits) != 0) break;
  }
  for (; i + 8 <= n; i += 8) {
    const std::uint64_t high = load_word(data + i) & kHighBits;
    if (high != 0) return i + first_high_byte(high);
  }
  while (i < n && data[i] < 0x80) ++i;
  return i;
}

std::size_t copy_ascii(const std::uint8_t* data, std::size_t n, char* out) {
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const std::uint64_t word = load_word(data + i);
    std::memcpy(out + i, &word, sizeof word);
    if ((word & kHighBits) != 0) return i + first_high_byte(word & kHighBits);
  }
  for (; i < n && data[i] < 0x80; ++i) out[i] = static_cast<char>(data[i]);
  return i;
}

Validation validate_after(const Validation& before, const std::uint8_t* data, std::size_t n,
                          AsciiPrefix ascii_prefix) {
  std::size_t i = 0, code_points = 0;
  std::uint8_t max_lead = 0;
  while (i < n) {
    if (data[i] < 0x80) {
      const std::size_t run = ascii_prefix(data + i, n - i);
      i += run;
      code_points += run;
      continue;
    }
    const std::size_t length = sequence_length(data + i, n - i);
    if (length == 0) break;
    if (data[i] > max_lead) max_lead = data[i];
    i += length;
    ++code_points;
  }
  return {.valid = before.valid + i,
          .code_points = before.code_points + code_points,
          .ascii = before.ascii && max_lead == 0,
          .narrow = before.narrow && max_lead < 0xC4};
}

Validation validate(const std::uint8_t* data, std::size_t n) {
  return validate_after(Validation{}, data, n, ascii_prefix);
}

void decode_narrow(const std::uint8_t* data, std::size_t n, char* out) {
  std::size_t i = 0;
  while (i < n) {
    if (ascii_word_at(data, i, n)) {
      std::memcpy(out, data + i, 8);
      out += 8;
      i += 8;
    } else if (data[i] < 0x80) {
      *out++ = static_cast<char>(data[i++]);
    } else {
      // Lead C2 or C3: the code point is its two low bits over the continuation's six.
      *out++ = static_cast<char>(((data[i] & 0x03) << 6) | (data[i + 1] & 0x3F));
      i += 2;
    }
  }
}

void decode_wide(const std::uint8_t* data, std::size_t n, char32_t* out) {
  std::size_t i = 0;
  while (i < n) {
    if (ascii_word_at(data, i, n)) {
      for (std::size_t k = 0; k < 8; ++k) out[k] = data[i + k];
      out += 8;
      i += 8;
    } else {
      const Decoded one = decode_one(data + i);
      *out++ = one.code_point;
      i += one.length;
    }
  }
}

std::size_t encode_narrow(const char* text, std::size_t n, std::uint8_t* out) {
  const auto* in = reinterpret_cast<const std::uint8_t*>(text);
  std::uint8_t* const begin = out;
  std::size_t i = 0;
  while (i < n) {
    if (ascii_word_at(in, i, n)) {
      std::memcpy(out, in + i, 8);
      out += 8;
      i += 8;
      continue;
    }
    const std::uint8_t c = in[i++];
    if (c < 0x80) {
      *out++ = c;
    } else {
      *out++ = static_cast<std::uint8_t>(0xC0 | (c >> 6));
      *out++ = static_cast<std::uint8_t>(0x80 | (c & 0x3F));
    }
  }
  return static_cast<std::size_t>(out - begin);
}

std::size_t encode_wide(const char32_t* text, std::size_t n, std::uint8_t* out) {
  std::uint8_t* const begin = out;
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint32_t c = text[i];
    if (c < 0x80) {
      *out++ = static_cast<std::uint8_t>(c);
    } else if (c < 0x800) {
      *out++ = static_cast<std::uint8_t>(0xC0 | (c >> 6));
      *out++ = static_cast<std::uint8_t>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
      *out++ = static_cast<std::uint8_t>(0xE0 | (c >> 12));
      *out++ = static_cast<std::uint8_t>(0x80 | ((c >> 6) & 0x3F));
      *out++ = static_cast<std::uint8_t>(0x80 | (c & 0x3F));
    } else {
      *out++ = static_cast<std::uint8_t>(0xF0 | (c >> 18));
      *out++ = static_cast<std::uint8_t>(0x80 | ((c >> 12) & 0x3F));
      *out++ = static_cast<std::uint8_t>(0x80 | ((c >> 6) & 0x3F));
      *out++ = static_cast<std::uint8_t>(0x80 | (c & 0x3F));
    }
  }
  return static_cast<std::size_t>(out - begin);
}

}  // namespace portable

const Kernels kPortableKernels = {
    .name = "portable",
    .ascii_prefix = portable::ascii_prefix,
    .copy_ascii = portable::copy_ascii,
    .validate = portable::validate,
    .decode_narrow = portable::decode_narrow,
    .decode_wide = portable::decode_wide,
    .encode_narrow = portable::encode_narrow,
    .encode_wide = portable::encode_wide,
};

}  // namespace bl::codecs::utf8
