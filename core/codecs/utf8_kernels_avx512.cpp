// The AVX-512 UTF-8 kernels (F, BW, VBMI, VBMI2: Intel since Ice Lake, AMD since Zen 4), chosen
// at run time like the AVX2 ones. They follow the same plans (utf8_kernels_x86.cpp) 64 bytes at
// a time, with what AVX-512 adds: the bytes before a block are loaded from memory instead of
// being shifted in, masks are registers, and vpcompressb/vpcompressd pack the code points
// that a lookup table had to order before. Masked loads and stores handle the last, partial
// block, so nothing is written past what the caller provided.
#include "codecs/utf8_kernels_impl.hpp"
#include "codecs/utf8_kernels_x86.hpp"

#if defined(__x86_64__)

// GCC 12 reports the _mm512_undefined_*() vectors inside its AVX-512 intrinsics as used
// uninitialized (GCC bug 105593, fixed in GCC 13).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <immintrin.h>
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

#include <algorithm>
#include <bit>
#include <cstring>

namespace bl::codecs::utf8 {

namespace {

using namespace x86;

#define BL_AVX512_TARGET "avx512f,avx512bw,avx512vl,avx512vbmi,avx512vbmi2,popcnt,bmi,bmi2"
// The kernels, and their helpers, forced inline so that the loops keep their state in registers.
#define BL_AVX512 __attribute__((target(BL_AVX512_TARGET)))
#define BL_AVX512_INLINE inline __attribute__((target(BL_AVX512_TARGET), always_inline))

using Mask = std::uint64_t;  // one bit per byte of a 64-byte block

BL_AVX512_INLINE __m512i load(const std::uint8_t* p) { return _mm512_loadu_si512(p); }

// The first n (< 64) bytes at p, then zeros: read without touching memory past p + n.
BL_AVX512_INLINE __m512i load_first(const std::uint8_t* p, std::size_t n) {
  return _mm512_maskz_loadu_epi8((Mask{1} << n) - 1, p);
}

BL_AVX512_INLINE __m512i splat(std::uint8_t byte) {
  return _mm512_set1_epi8(static_cast<char>(byte));
}

BL_AVX512_INLINE __m512i nibble_table(const std::array<std::uint8_t, 16>& t) {
  return _mm512_broadcast_i32x4(_mm_loadu_si128(reinterpret_cast<const __m128i*>(t.data())));
}

BL_AVX512_INLINE __m512i high_nibbles(__m512i v) {
  return _mm512_and_si512(_mm512_srli_epi16(v, 4), splat(0x0F));
}

BL_AVX512_INLINE Mask non_ascii(__m512i v) { return _mm512_movepi8_mask(v); }

// Bytes that start a sequence: all but 80..BF, the bytes below -64 read as signed.
BL_AVX512_INLINE Mask sequence_starts(__m512i v) { return _mm512_cmpgt_epi8_mask(v, splat(0xBF)); }

BL_AVX512_INLINE unsigned count(Mask m) { return static_cast<unsigned>(_mm_popcnt_u64(m)); }

BL_AVX512 std::size_t avx512_ascii_prefix(const std::uint8_t* data, std::size_t n) {
  std::size_t i = 0;
  for (; n - i >= 64; i += 64) {
    const Mask high = non_ascii(load(data + i));
    if (high != 0) return i + static_cast<std::size_t>(std::countr_zero(high));
  }
  if (i == n) return n;
  const Mask high = non_ascii(load_first(data + i, n - i));
  return high != 0 ? i + static_cast<std::size_t>(std::countr_zero(high)) : n;
}

BL_AVX512 std::size_t avx512_copy_ascii(const std::uint8_t* data, std::size_t n, char* out) {
  std::size_t i = 0;
  for (; n - i >= 64; i += 64) {
    const __m512i bytes = load(data + i);
    _mm512_storeu_si512(out + i, bytes);
    if (const Mask high = non_ascii(bytes); high != 0)
      return i + static_cast<std::size_t>(std::countr_zero(high));
  }
  if (i == n) return n;
  const Mask rest = (Mask{1} << (n - i)) - 1;
  const __m512i bytes = _mm512_maskz_loadu_epi8(rest, data + i);
  _mm512_mask_storeu_epi8(out + i, rest, bytes);
  const Mask high = non_ascii(bytes);
  return high != 0 ? i + static_cast<std::size_t>(std::countr_zero(high)) : n;
}

// --- validation --------------------------------------------------------------------------------

// The 64 bytes of a block and the three bytes before each of them.
struct Block {
  __m512i bytes, previous1, previous2, previous3;
};

BL_AVX512_INLINE Block block_at(const std::uint8_t* p) {
  return {load(p), load(p - 1), load(p - 2), load(p - 3)};
}

// Nonzero bytes where the block breaks a rule of the range check (utf8_kernels_x86.hpp), or
// holds F5..FF.
BL_AVX512_INLINE __m512i range_errors(const Block& b) {
  const __m512i broken = _mm512_ternarylogic_epi32(
      _mm512_shuffle_epi8(nibble_table(kPreviousHighRules), high_nibbles(b.previous1)),
      _mm512_shuffle_epi8(nibble_table(kPreviousLowRules),
                          _mm512_and_si512(b.previous1, splat(0x0F))),
      _mm512_shuffle_epi8(nibble_table(kCurrentHighRules), high_nibbles(b.bytes)),
      0x80);  // a & b & c
  // Bit 7 where a continuation is required (a three- or four-byte lead two or three back).
  const __m512i required = _mm512_ternarylogic_epi32(
      _mm512_subs_epu8(b.previous2, splat(0xE0 - 0x80)),
      _mm512_subs_epu8(b.previous3, splat(0xF0 - 0x80)), splat(kTwoContinuations),
      0xA8);  // (a | b) & c
  return _mm512_ternarylogic_epi32(broken, required, _mm512_subs_epu8(b.bytes, splat(0xF4)),
                                   0xBE);  // (a ^ b) | c
}

// Whether the block ends inside a sequence: a lead among its last three bytes that needs more.
BL_AVX512_INLINE bool ends_incomplete(__m512i bytes) {
  constexpr Mask kLastThree = Mask{7} << 61;
  const __m512i last_allowed = _mm512_mask_blend_epi8(
      kLastThree, splat(0xFF),
      _mm512_set_epi8(static_cast<char>(0xC0 - 1), static_cast<char>(0xE0 - 1),
                      static_cast<char>(0xF0 - 1), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                      0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                      0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0));
  return _mm512_mask_cmpgt_epu8_mask(kLastThree, bytes, last_allowed) != 0;
}

struct Scan512 {
  std::size_t position = 0;
  std::size_t code_points = 0;
  std::size_t committed = 0;  // max_before is the largest byte of data[0, committed)
  bool incomplete = false;    // data[0, position) ends inside a sequence
  __m512i max_before, max_last;
};

BL_AVX512_INLINE void advance(Scan512& scan, std::size_t length, __m512i block_max) {
  scan.max_before = _mm512_max_epu8(scan.max_before, scan.max_last);
  scan.committed = scan.position;
  scan.max_last = block_max;
  scan.position += length;
}

// Checks and accounts for the 64 bytes of b, at scan.position; false when they hold an error.
BL_AVX512_INLINE bool scan_block(Scan512& scan, const Block& b, bool& ascii) {
  const __m512i errors = range_errors(b);
  if (_mm512_test_epi8_mask(errors, errors) != 0) return false;
  scan.code_points += count(sequence_starts(b.bytes));
  advance(scan, 64, b.bytes);
  scan.incomplete = ends_incomplete(b.bytes);
  ascii = non_ascii(b.bytes) == 0;
  return true;
}

// A block with the text's first bytes: the three bytes before it are zeros (ASCII to the rules),
// and after the text's `n` bytes too, so a sequence cut off by the end is an error here.
BL_AVX512_INLINE Block padded_block(const std::uint8_t* data, std::size_t position, std::size_t n) {
  alignas(64) std::uint8_t padded[64 + 3 + 61] = {};
  const std::size_t before = std::min<std::size_t>(position, 3);
  std::memcpy(padded + 3 - before, data + position - before, before + n);
  return block_at(padded + 3);
}

BL_AVX512_INLINE void skip_ascii(Scan512& scan, const std::uint8_t* data, std::size_t n) {
  if (scan.incomplete) return;
  std::size_t i = scan.position;
  while (n - i >= 64 && non_ascii(load(data + i)) == 0) i += 64;
  if (i == scan.position) return;
  scan.max_before = _mm512_max_epu8(scan.max_before, scan.max_last);
  scan.max_last = _mm512_setzero_si512();
  scan.code_points += i - scan.position;
  scan.position = scan.committed = i;
}

BL_AVX512_INLINE Validation summary(const Scan512& scan) {
  const __m512i largest = _mm512_max_epu8(scan.max_before, scan.max_last);
  return {.valid = scan.position,
          .code_points = scan.code_points,
          .ascii = non_ascii(largest) == 0,
          .narrow = _mm512_test_epi8_mask(_mm512_subs_epu8(largest, splat(0xC3)),
                                          _mm512_subs_epu8(largest, splat(0xC3))) == 0};
}

// As the AVX2 validator does: the portable one goes on from the start of the sequence that
// contains the last accepted byte.
BL_AVX512 Validation finish_scan(Scan512 scan, const std::uint8_t* data, std::size_t n) {
  const auto [start, code_points, largest] =
      hand_over(data, scan.position, scan.committed, scan.code_points);
  const Validation before = {
      .valid = start,
      .code_points = code_points,
      .ascii = non_ascii(scan.max_before) == 0 && largest < 0x80,
      .narrow = _mm512_test_epi8_mask(_mm512_subs_epu8(scan.max_before, splat(0xC3)),
                                      _mm512_subs_epu8(scan.max_before, splat(0xC3))) == 0 &&
                largest < 0xC4,
  };
  return portable::validate_after(before, data + start, n - start);
}

// ASCII stretches and mixed stretches, as avx2_validate; the last partial block is checked
// zero-padded, so that only an error costs a scalar pass.
BL_AVX512 Validation avx512_validate(const std::uint8_t* data, std::size_t n) {
  Scan512 scan = {.max_before = _mm512_setzero_si512(), .max_last = _mm512_setzero_si512()};
  bool ascii = false;
  if (n >= 64) {
    if (!scan_block(scan, padded_block(data, 0, 64), ascii)) return finish_scan(scan, data, n);
  }
  while (n - scan.position >= 64) {
    skip_ascii(scan, data, n);
    for (unsigned ascii_blocks = 0; ascii_blocks < 4 && n - scan.position >= 64;) {
      if (!scan_block(scan, block_at(data + scan.position), ascii))
        return finish_scan(scan, data, n);
      ascii_blocks = ascii ? ascii_blocks + 1 : 0;
    }
  }
  const std::size_t rest = n - scan.position;
  if (rest == 0) return scan.incomplete ? finish_scan(scan, data, n) : summary(scan);
  const Block last = padded_block(data, scan.position, rest);
  const __m512i errors = range_errors(last);
  if (_mm512_test_epi8_mask(errors, errors) != 0) return finish_scan(scan, data, n);
  scan.code_points += count(sequence_starts(last.bytes) & ((Mask{1} << rest) - 1));
  advance(scan, rest, last.bytes);
  return summary(scan);
}

// --- decoding ------------------------------------------------------------------------------------

BL_AVX512_INLINE void store_first(char32_t* out, unsigned n, __m512i code_points) {
  _mm512_mask_storeu_epi32(out, static_cast<__mmask16>((1u << n) - 1), code_points);
}

// Decodes the narrow text among the `valid` bytes of a step: a continuation of C3 gains bit
// 0x40 (one of C2 already is the code point), then vpcompressb drops the leads.
BL_AVX512_INLINE std::size_t decode_narrow64(__m512i bytes, Mask valid, char* out) {
  const Mask leads = sequence_starts(bytes) & non_ascii(bytes);
  const Mask after_c3 = _mm512_cmpeq_epi8_mask(bytes, splat(0xC3)) << 1;
  const __m512i decoded =
      _mm512_mask_mov_epi8(bytes, after_c3, _mm512_or_si512(bytes, splat(0x40)));
  const Mask keep = ~leads & valid;
  const unsigned kept = count(keep);
  _mm512_mask_storeu_epi8(out, kept == 64 ? ~Mask{0} : (Mask{1} << kept) - 1,
                          _mm512_maskz_compress_epi8(keep, decoded));
  return kept;
}

BL_AVX512 void avx512_decode_narrow(const std::uint8_t* data, std::size_t n, char* out) {
  std::size_t i = 0;
  while (n - i >= 64) {
    const __m512i bytes = load(data + i);
    // A lead in the last byte waits for the next step, with its continuation.
    const bool lead_last = (sequence_starts(bytes) & non_ascii(bytes)) >> 63;
    const std::size_t consumed = lead_last ? 63 : 64;
    out += decode_narrow64(bytes, lead_last ? ~Mask{0} >> 1 : ~Mask{0}, out);
    i += consumed;
  }
  if (i < n) decode_narrow64(load_first(data + i, n - i), (Mask{1} << (n - i)) - 1, out);
}

// 16 three-byte sequences (48 bytes) to 16 code points: each lane gathers lead:second:third.
BL_AVX512_INLINE __m512i three_byte16(__m512i bytes) {
  alignas(64) static constexpr auto kGather = [] {
    std::array<std::uint8_t, 64> gather{};
    for (unsigned k = 0; k < 16; ++k) {
      gather[4 * k] = static_cast<std::uint8_t>(3 * k + 2);
      gather[4 * k + 1] = static_cast<std::uint8_t>(3 * k + 1);
      gather[4 * k + 2] = static_cast<std::uint8_t>(3 * k);
    }
    return gather;
  }();
  const __m512i x = _mm512_permutexvar_epi8(_mm512_load_si512(kGather.data()), bytes);
  return _mm512_ternarylogic_epi32(
      _mm512_srli_epi32(_mm512_and_si512(x, _mm512_set1_epi32(0x0F0000)), 4),
      _mm512_srli_epi32(_mm512_and_si512(x, _mm512_set1_epi32(0x3F00)), 2),
      _mm512_and_si512(x, _mm512_set1_epi32(0x3F)), 0xFE);  // a | b | c
}

// The code point each of the 16 positions 16 * group.. of `bytes` would start, as a lead.
BL_AVX512_INLINE __m512i code_points_at16(__m512i bytes, unsigned group) {
  alignas(64) static constexpr auto kWords = [] {
    std::array<std::array<std::uint8_t, 64>, 4> words{};
    for (unsigned g = 0; g < 4; ++g)
      for (unsigned k = 0; k < 16; ++k)
        for (unsigned b = 0; b < 4; ++b)
          words[g][4 * k + b] = static_cast<std::uint8_t>((16 * g + k + b) % 64);
    return words;
  }();
  // Tables of 64 entries, the 16 of a nibble table repeated: vpermb reads six index bits.
  alignas(64) static constexpr auto kPayload64 = [] {
    std::array<std::uint8_t, 64> t{};
    for (unsigned k = 0; k < 64; ++k) t[k] = kLeadPayload[k % 16];
    return t;
  }();
  alignas(64) static constexpr auto kShift64 = [] {
    std::array<std::uint8_t, 64> t{};
    for (unsigned k = 0; k < 64; ++k) t[k] = kLengthShift[k % 16];
    return t;
  }();
  const __m512i words = _mm512_permutexvar_epi8(_mm512_load_si512(kWords[group].data()), bytes);
  constexpr Mask kLowBytes = 0x1111111111111111;  // byte 0 of every 32-bit lane
  const __m512i nibble = _mm512_srli_epi32(words, 4);
  const __m512i payload =
      _mm512_maskz_permutexvar_epi8(kLowBytes, nibble, _mm512_load_si512(kPayload64.data()));
  const __m512i shift =
      _mm512_maskz_permutexvar_epi8(kLowBytes, nibble, _mm512_load_si512(kShift64.data()));
  const __m512i assembled = _mm512_ternarylogic_epi32(
      _mm512_slli_epi32(_mm512_and_si512(words, payload), 18),
      _mm512_slli_epi32(_mm512_and_si512(words, _mm512_set1_epi32(0x3F00)), 4),
      _mm512_srli_epi32(_mm512_and_si512(words, _mm512_set1_epi32(0x3F0000)), 10), 0xFE);
  return _mm512_srlv_epi32(_mm512_or_si512(assembled, _mm512_and_si512(_mm512_srli_epi32(words, 24),
                                                                       _mm512_set1_epi32(0x3F))),
                           shift);
}

// Decodes the sequences that start among positions 16 * first_group .. 16 * groups of
// `bytes` (bit set in `starts`); returns how many.
BL_AVX512_INLINE unsigned decode_starts(__m512i bytes, Mask starts, unsigned groups,
                                        char32_t* out) {
  unsigned written = 0;
  for (unsigned g = 0; g < groups; ++g) {
    const auto group_starts = static_cast<__mmask16>(starts >> (16 * g));
    const unsigned k = count(group_starts);
    store_first(out + written, k,
                _mm512_maskz_compress_epi32(group_starts, code_points_at16(bytes, g)));
    written += k;
  }
  return written;
}

BL_AVX512_INLINE void widen64(const std::uint8_t* data, char32_t* out) {
  for (int k = 0; k < 4; ++k) {
    const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + 16 * k));
    _mm512_storeu_si512(out + 16 * k, _mm512_cvtepu8_epi32(bytes));
  }
}

// ASCII stretches widened 64 bytes per test; mixed stretches step by what the text is made of:
// sixteen three-byte sequences in a row (CJK), else the 48 bytes' sequences decoded at every
// position and compressed. Four ASCII blocks in a row end a mixed stretch.
BL_AVX512 void avx512_decode_wide(const std::uint8_t* data, std::size_t n, char32_t* out) {
  constexpr Mask kSixteenThreeByte = 0x1249249249249;  // bits 0, 3, ..., 45, and 48
  constexpr Mask kFortyNine = (Mask{1} << 49) - 1;
  std::size_t i = 0;
  unsigned ascii_blocks = 0;
  while (n - i >= 64) {
    if (ascii_blocks >= 4) {
      for (; n - i >= 64 && non_ascii(load(data + i)) == 0; i += 64, out += 64)
        widen64(data + i, out);
      ascii_blocks = 0;
      continue;
    }
    const __m512i bytes = load(data + i);
    const Mask starts = sequence_starts(bytes);
    if ((starts & kFortyNine) == kSixteenThreeByte) {
      _mm512_storeu_si512(out, three_byte16(bytes));
      i += 48;
      out += 16;
    } else {
      out += decode_starts(bytes, starts, 3, out);
      // The continuations before the next boundary belong to sequences decoded here.
      i += 48 + static_cast<std::size_t>(std::countr_zero((starts >> 48) | 0x8));
    }
    ascii_blocks = non_ascii(bytes) == 0 ? ascii_blocks + 1 : 0;
  }
  if (i < n) {
    const std::size_t rest = n - i;
    decode_starts(load_first(data + i, rest),
                  sequence_starts(load_first(data + i, rest)) & ((Mask{1} << rest) - 1), 4, out);
  }
}

const Kernels kAvx512Kernels = {
    .name = "avx512",
    .ascii_prefix = avx512_ascii_prefix,
    .copy_ascii = avx512_copy_ascii,
    .validate = avx512_validate,
    .decode_narrow = avx512_decode_narrow,
    .decode_wide = avx512_decode_wide,
    .encode_narrow = portable::encode_narrow,
    .encode_wide = portable::encode_wide,
};

}  // namespace

const Kernels* avx512_kernels() {
  static const bool supported = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
           __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512vbmi") &&
           __builtin_cpu_supports("avx512vbmi2") && __builtin_cpu_supports("popcnt") &&
           __builtin_cpu_supports("bmi") && __builtin_cpu_supports("bmi2");
  }();
  return supported ? &kAvx512Kernels : nullptr;
}

}  // namespace bl::codecs::utf8

#else  // not x86-64

namespace bl::codecs::utf8 {

const Kernels* avx512_kernels() { return nullptr; }

}  // namespace bl::codecs::utf8

#endif
