// Tables the x86-64 UTF-8 kernels share (utf8_kernels_x86.cpp: SSE2 and AVX2;
// utf8_kernels_avx512.cpp), computed at compile time from what they mean.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>

#include "codecs/utf8_kernels_impl.hpp"

namespace bl::codecs::utf8::x86 {

// Where the portable validator takes over from a vector scan that stopped at `position`: the
// start of the sequence holding the last accepted byte (it may be cut off, or be where the
// error is), the code points before that start, and the largest byte of [committed, start),
// the stretch the scan's running maximum does not cover.
struct Handover {
  std::size_t start;
  std::size_t code_points;
  std::uint8_t largest;
};
inline Handover hand_over(const std::uint8_t* data, std::size_t position, std::size_t committed,
                          std::size_t code_points) {
  std::size_t start = position;
  if (start > 0 && data[start - 1] >= 0x80) {
    --start;
    while (start > 0 && is_continuation(data[start])) --start;
  }
  for (std::size_t i = start; i < position; ++i)
    if (!is_continuation(data[i])) --code_points;
  std::uint8_t largest = 0;
  for (std::size_t i = committed; i < start; ++i) largest = std::max(largest, data[i]);
  return {start, code_points, largest};
}

// For an 8-bit mask, the positions of its set bits in ascending order, padded with 0x80 (which
// a byte shuffle turns into a zero byte; a lane permutation only reads the low three bits).
using Positions = std::array<std::uint8_t, 8>;
constexpr std::array<Positions, 256> make_set_bit_positions() {
  std::array<Positions, 256> table{};
  for (unsigned mask = 0; mask < 256; ++mask) {
    unsigned count = 0;
    for (unsigned bit = 0; bit < 8; ++bit)
      if (mask & (1u << bit)) table[mask][count++] = static_cast<std::uint8_t>(bit);
    for (; count < 8; ++count) table[mask][count] = 0x80;
  }
  return table;
}
inline constexpr std::array<Positions, 256> kSetBitPositions = make_set_bit_positions();

// The rules a pair (previous byte, this byte) can break, one bit each, so that the AND of the
// three nibble lookups is exactly the set of rules the pair breaks.
enum Rule : std::uint8_t {
  kTooShort = 1 << 0,          // a lead byte not followed by a continuation
  kTooLong = 1 << 1,           // a continuation after an ASCII byte
  kOverlong2 = 1 << 2,         // C0 or C1 and a continuation
  kOverlong3 = 1 << 3,         // E0 80..9F
  kSurrogate = 1 << 4,         // ED A0..BF
  kOverlong4 = 1 << 5,         // F0 80..8F
  kTooLarge = 1 << 6,          // F4 90..BF
  kTwoContinuations = 1 << 7,  // an error unless the two or three bytes before require it
};

// A set of nibbles, bit k for nibble k.
constexpr std::uint16_t nibbles(unsigned first, unsigned last) {
  std::uint16_t set = 0;
  for (unsigned k = first; k <= last; ++k) set = static_cast<std::uint16_t>(set | (1u << k));
  return set;
}

struct PairRule {
  Rule rule;
  std::uint16_t previous_high, previous_low, current_high;
};

inline constexpr std::uint16_t kAny = nibbles(0, 15), kAscii = nibbles(0, 7),
                               kContinuation = nibbles(8, 11), kLead = nibbles(12, 15);

inline constexpr PairRule kPairRules[] = {
    {kTooShort, kLead, kAny, kAscii | kLead},
    {kTooLong, kAscii, kAny, kContinuation},
    {kOverlong2, nibbles(0xC, 0xC), nibbles(0, 1), kContinuation},
    {kOverlong3, nibbles(0xE, 0xE), nibbles(0, 0), nibbles(8, 9)},
    {kSurrogate, nibbles(0xE, 0xE), nibbles(0xD, 0xD), nibbles(0xA, 0xB)},
    {kOverlong4, nibbles(0xF, 0xF), nibbles(0, 0), nibbles(8, 8)},
    {kTooLarge, nibbles(0xF, 0xF), nibbles(4, 4), nibbles(9, 0xB)},
    {kTwoContinuations, kContinuation, kAny, kContinuation},
};

// The lookup table for one nibble of the pair: entry k holds the rules whose set contains k.
constexpr std::array<std::uint8_t, 16> rule_table(std::uint16_t PairRule::*nibble_set) {
  std::array<std::uint8_t, 16> table{};
  for (unsigned k = 0; k < 16; ++k)
    for (const PairRule& rule : kPairRules)
      if ((rule.*nibble_set >> k) & 1) table[k] = static_cast<std::uint8_t>(table[k] | rule.rule);
  return table;
}

inline constexpr auto kPreviousHighRules = rule_table(&PairRule::previous_high);
inline constexpr auto kPreviousLowRules = rule_table(&PairRule::previous_low);
inline constexpr auto kCurrentHighRules = rule_table(&PairRule::current_high);

// Per lead's high nibble: the mask of its payload bits, and how far right the four-byte
// assembly must shift to fit the sequence's length (continuation nibbles: unused).
inline constexpr std::array<std::uint8_t, 16> kLeadPayload = {
    0x7F, 0x7F, 0x7F, 0x7F, 0x7F, 0x7F, 0x7F, 0x7F, 0, 0, 0, 0, 0x1F, 0x1F, 0x0F, 0x07};
inline constexpr std::array<std::uint8_t, 16> kLengthShift = {18, 18, 18, 18, 18, 18, 18, 18,
                                                              0,  0,  0,  0,  12, 12, 6,  0};

}  // namespace bl::codecs::utf8::x86
