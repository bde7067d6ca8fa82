// The x86-64 UTF-8 kernels: SSE2, which every x86-64 CPU has, and AVX2, used when the CPU
// has it (the build has no -march flag, so the AVX2 functions carry a target attribute).
// utf8_kernels_avx512.cpp follows the same plans 64 bytes at a time.
//
// SSE2 has no byte shuffle, so its kernels only move ASCII a vector at a time and hand every
// other byte to the portable code. The AVX2 kernels do all the work in vectors:
//
// - validate: the range check of Keiser & Lemire (2021). Every byte is checked against the
//   byte before it with three 16-entry tables, indexed by the high and the low nibble of the
//   previous byte and the high nibble of this one, whose AND is the set of rules the pair
//   breaks (utf8_kernels_x86.hpp); whether a continuation byte is required comes from the two
//   and three bytes before. On an error, the portable validator re-checks from the sequence
//   the vector loop stopped in, so the valid prefix is exact.
// - decode_narrow: each C2/C3 lead is dropped and its continuation fixed up, then the kept
//   bytes are packed with a byte shuffle looked up from the lead bytes' mask.
// - decode_wide: the code point of the sequence that would end at each byte is computed from
//   it and the two bytes before (16 bits: no four-byte sequence in the block), then the
//   positions where a sequence ends are packed with shuffles looked up from their mask. Runs of
//   eight three-byte sequences (CJK text) take a shorter path, blocks with a four-byte sequence
//   a longer one.
//
// Both loops tell ASCII stretches from mixed ones rather than test every block: in text with a
// non-ASCII character every few dozen bytes, a per-block test is mispredicted half the time.
#include "codecs/utf8_kernels_x86.hpp"
#include "codecs/utf8_kernels_impl.hpp"

#if defined(__x86_64__)

#include <immintrin.h>

#include <algorithm>
#include <array>
#include <bit>

namespace bl::codecs::utf8 {

namespace {

using namespace x86;

// --- SSE2 ---------------------------------------------------------------------------------

__m128i load128(const std::uint8_t* p) {
  return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
}

int high_bits(__m128i v) { return _mm_movemask_epi8(v); }

std::size_t sse2_ascii_prefix(const std::uint8_t* data, std::size_t n) {
  std::size_t i = 0;
  for (; i + 64 <= n; i += 64) {
    const __m128i any = _mm_or_si128(_mm_or_si128(load128(data + i), load128(data + i + 16)),
                                     _mm_or_si128(load128(data + i + 32), load128(data + i + 48)));
    if (high_bits(any) != 0) break;
  }
  for (; i + 16 <= n; i += 16) {
    const int high = high_bits(load128(data + i));
    if (high != 0) return i + static_cast<std::size_t>(std::countr_zero(unsigned(high)));
  }
  return i + portable::ascii_prefix(data + i, n - i);
}

std::size_t sse2_copy_ascii(const std::uint8_t* data, std::size_t n, char* out) {
  std::size_t i = 0;
  for (; n - i >= 16; i += 16) {
    const __m128i bytes = load128(data + i);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i), bytes);
    if (const int high = high_bits(bytes); high != 0)
      return i + static_cast<std::size_t>(std::countr_zero(unsigned(high)));
  }
  return i + portable::copy_ascii(data + i, n - i, out + i);
}

Validation sse2_validate(const std::uint8_t* data, std::size_t n) {
  return portable::validate_after(Validation{}, data, n, sse2_ascii_prefix);
}

// One step of the SSE2 decoders: the ASCII bytes in front of the first non-ASCII one, among
// the 16 at data (all 16 when there is none).
std::size_t leading_ascii16(const std::uint8_t* data) {
  const int high = high_bits(load128(data));
  return high == 0 ? 16 : static_cast<std::size_t>(std::countr_zero(unsigned(high)));
}

void sse2_decode_narrow(const std::uint8_t* data, std::size_t n, char* out) {
  std::size_t i = 0;
  // At least 32 bytes left means at least 16 code points left: room for a whole store, of
  // which only the ASCII part is kept.
  while (n - i >= 32) {
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out), load128(data + i));
    const std::size_t ascii = leading_ascii16(data + i);
    i += ascii;
    out += ascii;
    if (ascii < 16) {
      *out++ = static_cast<char>(((data[i] & 0x03) << 6) | (data[i + 1] & 0x3F));
      i += 2;
    }
  }
  portable::decode_narrow(data + i, n - i, out);
}

void store_widened16(const std::uint8_t* data, char32_t* out) {
  const __m128i zero = _mm_setzero_si128(), bytes = load128(data);
  const __m128i low = _mm_unpacklo_epi8(bytes, zero), high = _mm_unpackhi_epi8(bytes, zero);
  auto* to = reinterpret_cast<__m128i*>(out);
  _mm_storeu_si128(to, _mm_unpacklo_epi16(low, zero));
  _mm_storeu_si128(to + 1, _mm_unpackhi_epi16(low, zero));
  _mm_storeu_si128(to + 2, _mm_unpacklo_epi16(high, zero));
  _mm_storeu_si128(to + 3, _mm_unpackhi_epi16(high, zero));
}

void sse2_decode_wide(const std::uint8_t* data, std::size_t n, char32_t* out) {
  std::size_t i = 0;
  // At least 64 bytes left means at least 16 code points left.
  while (n - i >= 64) {
    const std::size_t ascii = leading_ascii16(data + i);
    if (ascii > 0) {  // text without ASCII (CJK) would pay four stores per code point
      store_widened16(data + i, out);
      i += ascii;
      out += ascii;
    }
    if (ascii < 16) {
      const Decoded one = decode_one(data + i);
      *out++ = one.code_point;
      i += one.length;
    }
  }
  portable::decode_wide(data + i, n - i, out);
}

std::size_t sse2_encode_narrow(const char* text, std::size_t n, std::uint8_t* out) {
  const auto* in = reinterpret_cast<const std::uint8_t*>(text);
  std::size_t i = 0, written = 0;
  while (n - i >= 16) {
    const std::size_t ascii = leading_ascii16(in + i);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + written), load128(in + i));
    i += ascii;
    written += ascii;
    if (ascii < 16) {
      out[written++] = static_cast<std::uint8_t>(0xC0 | (in[i] >> 6));
      out[written++] = static_cast<std::uint8_t>(0x80 | (in[i] & 0x3F));
      ++i;
    }
  }
  return written + portable::encode_narrow(text + i, n - i, out + written);
}

const Kernels kSse2Kernels = {
    .name = "sse2",
    .ascii_prefix = sse2_ascii_prefix,
    .copy_ascii = sse2_copy_ascii,
    .validate = sse2_validate,
    .decode_narrow = sse2_decode_narrow,
    .decode_wide = sse2_decode_wide,
    .encode_narrow = sse2_encode_narrow,
    .encode_wide = portable::encode_wide,
};

// --- AVX2 ---------------------------------------------------------------------------------

// The kernels, and their helpers, forced inline so that the loops keep their state in registers.
#define BL_AVX2 __attribute__((target("avx2,popcnt")))
#define BL_AVX2_INLINE inline __attribute__((target("avx2,popcnt"), always_inline))

BL_AVX2_INLINE __m256i load256(const std::uint8_t* p) {
  return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
}

BL_AVX2_INLINE void store256(void* p, __m256i v) {
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(p), v);
}

BL_AVX2_INLINE unsigned high_bits(__m256i v) {
  return static_cast<unsigned>(_mm256_movemask_epi8(v));
}

BL_AVX2_INLINE bool all_zero(__m256i v) { return _mm256_testz_si256(v, v) != 0; }

BL_AVX2_INLINE unsigned count(unsigned mask) { return static_cast<unsigned>(_mm_popcnt_u32(mask)); }

// A 16-entry table in both 128-bit lanes, for _mm256_shuffle_epi8 lookups by nibble.
BL_AVX2_INLINE __m256i nibble_table(const std::array<std::uint8_t, 16>& t) {
  const __m128i lane = _mm_loadu_si128(reinterpret_cast<const __m128i*>(t.data()));
  return _mm256_broadcastsi128_si256(lane);
}

BL_AVX2_INLINE __m256i splat(std::uint8_t byte) {
  return _mm256_set1_epi8(static_cast<char>(byte));
}

BL_AVX2_INLINE __m256i high_nibbles(__m256i v) {
  return _mm256_and_si256(_mm256_srli_epi16(v, 4), splat(0x0F));
}

// Bytes that start a sequence (ASCII and leads), as a mask: everything but 80..BF, which are
// exactly the bytes below -64 when read as signed.
BL_AVX2_INLINE unsigned sequence_starts(__m256i v) {
  return high_bits(_mm256_cmpgt_epi8(v, splat(0xBF)));
}

BL_AVX2 std::size_t avx2_ascii_prefix(const std::uint8_t* data, std::size_t n) {
  std::size_t i = 0;
  for (; i + 128 <= n; i += 128) {
    const __m256i any =
        _mm256_or_si256(_mm256_or_si256(load256(data + i), load256(data + i + 32)),
                        _mm256_or_si256(load256(data + i + 64), load256(data + i + 96)));
    if (high_bits(any) != 0) break;
  }
  for (; i + 32 <= n; i += 32) {
    const unsigned high = high_bits(load256(data + i));
    if (high != 0) return i + static_cast<std::size_t>(std::countr_zero(high));
  }
  return i + portable::ascii_prefix(data + i, n - i);
}

BL_AVX2 std::size_t avx2_copy_ascii(const std::uint8_t* data, std::size_t n, char* out) {
  std::size_t i = 0;
  for (; n - i >= 64; i += 64) {
    const __m256i first = load256(data + i), second = load256(data + i + 32);
    store256(out + i, first);
    store256(out + i + 32, second);
    if (high_bits(_mm256_or_si256(first, second)) != 0) break;
  }
  for (; n - i >= 32; i += 32) {
    const __m256i bytes = load256(data + i);
    store256(out + i, bytes);
    if (const unsigned high = high_bits(bytes); high != 0)
      return i + static_cast<std::size_t>(std::countr_zero(high));
  }
  return i + sse2_copy_ascii(data + i, n - i, out + i);
}

// --- AVX2 validation ------------------------------------------------------------------------

// The 32 bytes that precede each byte of `block` by N positions, taking the first N from the
// end of `previous` (the block before).
template <int N>
BL_AVX2_INLINE __m256i preceding(__m256i block, __m256i previous) {
  // alignr shifts within 128-bit lanes: pair each lane with the one that precedes it.
  const __m256i before = _mm256_permute2x128_si256(previous, block, 0x21);
  return _mm256_alignr_epi8(block, before, 16 - N);
}

// Nonzero bytes where `block` breaks a rule, given the block before it. (Bytes F5..FF are left
// to the caller, which tests the largest byte of a block.)
BL_AVX2_INLINE __m256i range_errors(__m256i block, __m256i previous) {
  const __m256i previous1 = preceding<1>(block, previous);
  const __m256i broken = _mm256_and_si256(
      _mm256_and_si256(
          _mm256_shuffle_epi8(nibble_table(kPreviousHighRules), high_nibbles(previous1)),
          _mm256_shuffle_epi8(nibble_table(kPreviousLowRules),
                              _mm256_and_si256(previous1, splat(0x0F)))),
      _mm256_shuffle_epi8(nibble_table(kCurrentHighRules), high_nibbles(block)));
  // A continuation after a continuation is required as the third byte of a three- or
  // four-byte sequence (E0..FF two bytes before) and as the fourth of a four-byte one (F0..FF
  // three bytes before): then kTwoContinuations must be set, and the XOR clears it. Subtracting
  // (threshold - 0x80) with saturation sets bit 7 exactly for the bytes at or above threshold.
  const __m256i third = _mm256_subs_epu8(preceding<2>(block, previous), splat(0xE0 - 0x80));
  const __m256i fourth = _mm256_subs_epu8(preceding<3>(block, previous), splat(0xF0 - 0x80));
  const __m256i required =
      _mm256_and_si256(_mm256_or_si256(third, fourth), splat(kTwoContinuations));
  return _mm256_xor_si256(broken, required);
}

// Nonzero bytes where a block's largest bytes include F5..FF, which never appear in UTF-8.
BL_AVX2_INLINE __m256i too_large(__m256i block_max) {
  return _mm256_subs_epu8(block_max, splat(0xF4));
}

// Nonzero bytes when `block` ends inside a sequence: a lead among its last three bytes that
// needs more bytes than remain.
BL_AVX2_INLINE __m256i ends_incomplete(__m256i block) {
  const __m256i last_allowed =
      _mm256_setr_epi8(-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
                       -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, static_cast<char>(0xF0 - 1),
                       static_cast<char>(0xE0 - 1), static_cast<char>(0xC0 - 1));
  return _mm256_subs_epu8(block, last_allowed);
}

// The vector loop's account of data[0, position): all of it passed the range check, except
// that the sequence it ends in may be cut off (then `incomplete` is nonzero).
struct Avx2Scan {
  std::size_t position = 0;
  std::size_t code_points = 0;
  std::size_t committed = 0;  // max_before is the largest byte of data[0, committed)
  __m256i previous, incomplete, max_before, max_last;  // max_last: of [committed, position)
};

// Accounts for the `length` bytes at scan.position, whose largest byte is block_max.
BL_AVX2_INLINE void advance(Avx2Scan& scan, std::size_t length, __m256i block_max) {
  scan.max_before = _mm256_max_epu8(scan.max_before, scan.max_last);
  scan.committed = scan.position;
  scan.max_last = block_max;
  scan.position += length;
}

// Checks and accounts for the 32 bytes at scan.position; false (and nothing changed) when they
// hold an error.
BL_AVX2_INLINE bool scan32(Avx2Scan& scan, __m256i block) {
  if (!all_zero(_mm256_or_si256(range_errors(block, scan.previous), too_large(block))))
    return false;
  scan.code_points += count(sequence_starts(block));
  advance(scan, 32, block);
  scan.incomplete = ends_incomplete(block);
  scan.previous = block;
  return true;
}

// The same for 64 bytes; also tells whether they were all ASCII.
BL_AVX2_INLINE bool scan64(Avx2Scan& scan, const std::uint8_t* data, bool& ascii) {
  const __m256i first = load256(data), second = load256(data + 32);
  const __m256i block_max = _mm256_max_epu8(first, second);
  const __m256i errors = _mm256_or_si256(
      _mm256_or_si256(range_errors(first, scan.previous), range_errors(second, first)),
      too_large(block_max));
  if (!all_zero(errors)) return false;
  const std::uint64_t starts = sequence_starts(first) | std::uint64_t{sequence_starts(second)}
                                                            << 32;
  scan.code_points += static_cast<std::size_t>(_mm_popcnt_u64(starts));
  advance(scan, 64, block_max);
  scan.incomplete = ends_incomplete(second);
  scan.previous = second;
  ascii = high_bits(block_max) == 0;
  return true;
}

// Skips the 64-byte ASCII blocks at scan.position, if the text before ends complete.
BL_AVX2_INLINE void skip_ascii(Avx2Scan& scan, const std::uint8_t* data, std::size_t n) {
  if (!all_zero(scan.incomplete)) return;
  const std::size_t start = scan.position;
  std::size_t i = start;
  while (n - i >= 64 && high_bits(_mm256_or_si256(load256(data + i), load256(data + i + 32))) == 0)
    i += 64;
  if (i == start) return;
  // ASCII changes no maximum, so the largest byte before i is already known.
  scan.max_before = _mm256_max_epu8(scan.max_before, scan.max_last);
  scan.max_last = _mm256_setzero_si256();
  scan.committed = i;
  scan.code_points += i - start;
  scan.position = i;
  scan.previous = _mm256_setzero_si256();  // ASCII as far as the rules go
}

// The exact result: the portable validator goes on from the start of the sequence that
// contains the last byte the vector loop accepted (it may be cut off or be where the error is).
BL_AVX2 Validation finish_scan(Avx2Scan scan, const std::uint8_t* data, std::size_t n) {
  const auto [start, code_points, largest] =
      hand_over(data, scan.position, scan.committed, scan.code_points);
  const Validation before = {
      .valid = start,
      .code_points = code_points,
      .ascii = high_bits(scan.max_before) == 0 && largest < 0x80,
      .narrow = all_zero(_mm256_subs_epu8(scan.max_before, splat(0xC3))) && largest < 0xC4,
  };
  return portable::validate_after(before, data + start, n - start);
}

// Text alternates between stretches of ASCII, skipped 64 bytes per test, and mixed stretches,
// where every block gets the full check: a test per block of which kind it is would be
// mispredicted about every other block of mostly-ASCII text. Four ASCII blocks in a row end a
// mixed stretch.
BL_AVX2 Validation avx2_validate(const std::uint8_t* data, std::size_t n) {
  const __m256i zero = _mm256_setzero_si256();
  Avx2Scan scan = {.previous = zero, .incomplete = zero, .max_before = zero, .max_last = zero};
  while (n - scan.position >= 64) {
    skip_ascii(scan, data, n);
    for (unsigned ascii_blocks = 0; ascii_blocks < 4 && n - scan.position >= 64;) {
      bool ascii = false;
      if (!scan64(scan, data + scan.position, ascii)) return finish_scan(scan, data, n);
      ascii_blocks = ascii ? ascii_blocks + 1 : 0;
    }
  }
  if (n - scan.position >= 32) scan32(scan, load256(data + scan.position));
  return finish_scan(scan, data, n);
}

// --- AVX2 decoding --------------------------------------------------------------------------

BL_AVX2_INLINE __m128i positions_of(unsigned mask8) {
  return _mm_loadl_epi64(reinterpret_cast<const __m128i*>(kSetBitPositions[mask8].data()));
}

// 16 bytes at data that begin at a sequence boundary, decoded to out; returns how many bytes
// were consumed (15 when the last one is a lead whose continuation lies beyond) and how many
// code points were written.
struct Step {
  std::size_t consumed, written;
};

BL_AVX2_INLINE Step decode_narrow16(const std::uint8_t* data, char* out) {
  const __m128i bytes = load128(data);
  // A continuation of C2 is already the code point; one of C3 lacks bit 0x40.
  const __m128i after_c3 = _mm_cmpeq_epi8(_mm_slli_si128(bytes, 1), _mm_set1_epi8(char(0xC3)));
  const __m128i values = _mm_or_si128(bytes, _mm_and_si128(after_c3, _mm_set1_epi8(0x40)));
  // Leads are the bytes that start a sequence (not 80..BF) and are not ASCII.
  const unsigned starts = high_bits(_mm_cmpgt_epi8(bytes, _mm_set1_epi8(char(0xBF))));
  const unsigned lead_mask = starts & static_cast<unsigned>(high_bits(bytes));
  const unsigned keep = ~lead_mask & 0xFFFF;
  const __m128i low = _mm_shuffle_epi8(values, positions_of(keep & 0xFF));
  const __m128i high =
      _mm_shuffle_epi8(values, _mm_add_epi8(positions_of(keep >> 8), _mm_set1_epi8(8)));
  const unsigned low_count = count(keep & 0xFF);
  _mm_storel_epi64(reinterpret_cast<__m128i*>(out), low);
  _mm_storel_epi64(reinterpret_cast<__m128i*>(out + low_count), high);
  return {(lead_mask & 0x8000) ? 15u : 16u, low_count + count(keep >> 8)};
}

BL_AVX2 void avx2_decode_narrow(const std::uint8_t* data, std::size_t n, char* out) {
  std::size_t i = 0;
  // At least 32 bytes left means at least 16 code points left: room for every store here.
  while (n - i >= 32) {
    const __m256i block = load256(data + i);
    if (high_bits(block) == 0) {
      store256(out, block);
      i += 32;
      out += 32;
      continue;
    }
    const Step step = decode_narrow16(data + i, out);
    i += step.consumed;
    out += step.written;
  }
  portable::decode_narrow(data + i, n - i, out);
}

BL_AVX2_INLINE void store_widened(const std::uint8_t* data, char32_t* out, int eights) {
  for (int k = 0; k < eights; ++k) {
    const __m128i bytes = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(data + 8 * k));
    store256(out + 8 * k, _mm256_cvtepu8_epi32(bytes));
  }
}

// Eight three-byte sequences (24 bytes) to eight code points.
BL_AVX2_INLINE void decode_three_byte8(const std::uint8_t* data, char32_t* out) {
  const __m256i bytes =
      _mm256_inserti128_si256(_mm256_castsi128_si256(load128(data)), load128(data + 12), 1);
  // Each 32-bit lane gets its sequence's bytes as the big-endian number lead:second:third.
  const __m256i gather = _mm256_setr_epi8(2, 1, 0, -1, 5, 4, 3, -1, 8, 7, 6, -1, 11, 10, 9, -1, 2,
                                          1, 0, -1, 5, 4, 3, -1, 8, 7, 6, -1, 11, 10, 9, -1);
  const __m256i x = _mm256_shuffle_epi8(bytes, gather);
  const __m256i lead = _mm256_srli_epi32(_mm256_and_si256(x, _mm256_set1_epi32(0x0F0000)), 4);
  const __m256i second = _mm256_srli_epi32(_mm256_and_si256(x, _mm256_set1_epi32(0x3F00)), 2);
  const __m256i third = _mm256_and_si256(x, _mm256_set1_epi32(0x3F));
  store256(out, _mm256_or_si256(_mm256_or_si256(lead, second), third));
}

// The code point each of the eight positions at data would start, as if each were a lead.
BL_AVX2_INLINE __m256i code_points_at8(const std::uint8_t* data) {
  const __m256i bytes = _mm256_broadcastsi128_si256(load128(data));
  // Lane k holds bytes k..k+3, the first in its low byte.
  const __m256i words =
      _mm256_shuffle_epi8(bytes, _mm256_setr_epi8(0, 1, 2, 3, 1, 2, 3, 4, 2, 3, 4, 5, 3, 4, 5, 6, 4,
                                                  5, 6, 7, 5, 6, 7, 8, 6, 7, 8, 9, 7, 8, 9, 10));
  // Index the tables by the lead's high nibble; the index's other bytes (0x80) look up zero.
  const __m256i nibble =
      _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi32(words, 4), _mm256_set1_epi32(0x0F)),
                      _mm256_set1_epi32(static_cast<int>(0x80808000u)));
  const __m256i payload = _mm256_shuffle_epi8(nibble_table(kLeadPayload), nibble);
  const __m256i shift = _mm256_shuffle_epi8(nibble_table(kLengthShift), nibble);
  // As a four-byte sequence: lead payload, then three continuations of six bits each.
  const __m256i lead = _mm256_slli_epi32(_mm256_and_si256(words, payload), 18);
  const __m256i second = _mm256_slli_epi32(_mm256_and_si256(words, _mm256_set1_epi32(0x3F00)), 4);
  const __m256i third = _mm256_srli_epi32(_mm256_and_si256(words, _mm256_set1_epi32(0x3F0000)), 10);
  const __m256i fourth = _mm256_and_si256(_mm256_srli_epi32(words, 24), _mm256_set1_epi32(0x3F));
  const __m256i assembled =
      _mm256_or_si256(_mm256_or_si256(lead, second), _mm256_or_si256(third, fourth));
  return _mm256_srlv_epi32(assembled, shift);
}

// The code points of the sequences that start among the eight positions at data (`starts`,
// one bit each), packed to out; returns how many.
BL_AVX2_INLINE unsigned decode_starts8(const std::uint8_t* data, unsigned starts, char32_t* out) {
  const __m256i packed = _mm256_permutevar8x32_epi32(code_points_at8(data),
                                                     _mm256_cvtepu8_epi32(positions_of(starts)));
  store256(out, packed);
  return count(starts);
}

// For an 8-bit mask, the byte shuffle that packs the 16-bit lanes of the set bits to the front.
using LanePairs = std::array<std::uint8_t, 16>;
constexpr std::array<LanePairs, 256> make_set_lane_pairs() {
  std::array<LanePairs, 256> table{};
  for (unsigned mask = 0; mask < 256; ++mask) {
    unsigned count = 0;
    for (unsigned bit = 0; bit < 8; ++bit) {
      if (!(mask & (1u << bit))) continue;
      table[mask][count++] = static_cast<std::uint8_t>(2 * bit);
      table[mask][count++] = static_cast<std::uint8_t>(2 * bit + 1);
    }
    for (; count < 16; ++count) table[mask][count] = 0x80;
  }
  return table;
}
constexpr std::array<LanePairs, 256> kSetLanePairs = make_set_lane_pairs();

// Packs the 16-bit code points of eight positions whose bits are set in `ends`, widened to 32
// bits, to out; returns how many.
BL_AVX2_INLINE unsigned store_ends8(__m128i code_points16, unsigned ends, char32_t* out) {
  const __m128i order =
      _mm_loadu_si128(reinterpret_cast<const __m128i*>(kSetLanePairs[ends].data()));
  store256(out, _mm256_cvtepu16_epi32(_mm_shuffle_epi8(code_points16, order)));
  return count(ends);
}

// The 32 bytes at data begin at a sequence boundary and hold no four-byte sequence (so every
// code point fits in 16 bits). Decodes the sequences that end among them, computing at every
// byte the code point of the sequence that would end there from it and the two bytes before.
BL_AVX2_INLINE Step decode_bmp32(const std::uint8_t* data, char32_t* out) {
  const __m256i zero = _mm256_setzero_si256();
  const __m256i block = load256(data);
  const __m256i previous1 = preceding<1>(block, zero), previous2 = preceding<2>(block, zero);
  const __m256i ascii = _mm256_cmpgt_epi8(block, splat(0xFF));
  // Where this byte is a continuation: is the byte before the lead (two bytes), or another
  // continuation (three bytes)?
  const __m256i after_lead = _mm256_cmpgt_epi8(previous1, splat(0xBF));
  // Low byte: six bits from here, two from the byte before; ASCII is its own code point.
  const __m256i low = _mm256_blendv_epi8(
      _mm256_or_si256(_mm256_and_si256(block, splat(0x3F)),
                      _mm256_and_si256(_mm256_slli_epi16(previous1, 6), splat(0xC0))),
      block, ascii);
  // High byte: three (after a lead) or four bits of the byte before, and the four payload bits
  // of a three-byte lead two bytes before.
  const __m256i from_previous1 =
      _mm256_and_si256(_mm256_srli_epi16(previous1, 2),
                       _mm256_xor_si256(splat(0x0F), _mm256_and_si256(after_lead, splat(0x08))));
  const __m256i from_previous2 = _mm256_andnot_si256(
      after_lead, _mm256_and_si256(_mm256_slli_epi16(previous2, 4), splat(0xF0)));
  const __m256i high = _mm256_andnot_si256(ascii, _mm256_or_si256(from_previous1, from_previous2));
  // A sequence ends where the next byte starts one.
  const unsigned ends = sequence_starts(load256(data + 1));
  const __m256i first = _mm256_unpacklo_epi8(low, high);   // positions 0..7, 16..23
  const __m256i second = _mm256_unpackhi_epi8(low, high);  // positions 8..15, 24..31
  char32_t* const begin = out;
  out += store_ends8(_mm256_castsi256_si128(first), ends & 0xFF, out);
  out += store_ends8(_mm256_castsi256_si128(second), (ends >> 8) & 0xFF, out);
  out += store_ends8(_mm256_extracti128_si256(first, 1), (ends >> 16) & 0xFF, out);
  out += store_ends8(_mm256_extracti128_si256(second, 1), ends >> 24, out);
  return {32u - static_cast<unsigned>(std::countl_zero(ends)),
          static_cast<std::size_t>(out - begin)};
}

// Decodes the sequences that start among the 16 bytes at data, which begin at a sequence
// boundary; consumes up to the first boundary at or after 16.
BL_AVX2_INLINE Step decode_any16(const std::uint8_t* data, char32_t* out) {
  const unsigned starts = sequence_starts(load256(data));
  const unsigned first = decode_starts8(data, starts & 0xFF, out);
  const unsigned second = decode_starts8(data + 8, (starts >> 8) & 0xFF, out + first);
  // The continuations before the next boundary belong to sequences decoded here.
  return {16u + static_cast<unsigned>(std::countr_zero((starts >> 16) | 0x8)), first + second};
}

BL_AVX2_INLINE std::size_t widen_ascii(const std::uint8_t* data, std::size_t n, char32_t* out) {
  std::size_t i = 0;
  for (; n - i >= 32 && high_bits(load256(data + i)) == 0; i += 32)
    store_widened(data + i, out + i, 4);
  return i;
}

// As validation does, decoding alternates between ASCII stretches, widened 32 bytes per test,
// and mixed stretches, whose steps are chosen by what the text is made of, not by each block
// (which mostly-ASCII text would make unpredictable): eight three-byte sequences in a row (CJK),
// then no four-byte sequence (decode_bmp32, whatever the mix of ASCII and two or three bytes),
// else decode_any16. Four ASCII blocks in a row end a mixed stretch.
BL_AVX2 void avx2_decode_wide(const std::uint8_t* data, std::size_t n, char32_t* out) {
  constexpr unsigned kEightThreeByte = 0b1001001001001001001001001;  // and a start after them
  std::size_t i = 0;
  unsigned ascii_blocks = 0;
  // At least 128 bytes left means at least 32 code points left: room for every store here.
  while (n - i >= 128) {
    if (ascii_blocks >= 4) {
      const std::size_t ascii = widen_ascii(data + i, n - i, out);
      i += ascii;
      out += ascii;
      ascii_blocks = 0;
      continue;
    }
    const __m256i block = load256(data + i);
    const unsigned starts = sequence_starts(block);
    Step step;
    if ((starts & 0x1FFFFFF) == kEightThreeByte) {
      decode_three_byte8(data + i, out);
      step = {24, 8};
    } else if (!all_zero(_mm256_subs_epu8(block, splat(0xEF)))) {  // a four-byte lead
      step = decode_any16(data + i, out);
    } else {
      step = decode_bmp32(data + i, out);
    }
    ascii_blocks = high_bits(block) == 0 ? ascii_blocks + 1 : 0;
    i += step.consumed;
    out += step.written;
  }
  // At least 64 bytes left: at least 16 code points.
  while (n - i >= 64) {
    const Step step = decode_any16(data + i, out);
    i += step.consumed;
    out += step.written;
  }
  portable::decode_wide(data + i, n - i, out);
}

const Kernels kAvx2Kernels = {
    .name = "avx2",
    .ascii_prefix = avx2_ascii_prefix,
    .copy_ascii = avx2_copy_ascii,
    .validate = avx2_validate,
    .decode_narrow = avx2_decode_narrow,
    .decode_wide = avx2_decode_wide,
    .encode_narrow = sse2_encode_narrow,
    .encode_wide = portable::encode_wide,
};

}  // namespace

const Kernels* sse2_kernels() { return &kSse2Kernels; }

const Kernels* avx2_kernels() {
  static const bool supported = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("popcnt");
  }();
  return supported ? &kAvx2Kernels : nullptr;
}

}  // namespace bl::codecs::utf8

#else  // not x86-64: the portable kernels only

namespace bl::codecs::utf8 {

const Kernels* sse2_kernels() { return nullptr; }
const Kernels* avx2_kernels() { return nullptr; }

}  // namespace bl::codecs::utf8

#endif
