// libFuzzer target: every vectorized UTF-8 kernel this CPU runs against the portable one, on
// arbitrary bytes and on well-formed text with one byte changed. They must agree on the valid
// prefix and its account (code points, ascii, narrow), decode it to the same code points, and
// encode those back to the same bytes, without reading or writing outside the buffers (the
// inputs and outputs are exact-size copies, under AddressSanitizer).
#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "codecs/utf8_kernels_impl.hpp"

namespace {

namespace utf8 = bl::codecs::utf8;
using Bytes = std::vector<std::uint8_t>;

// Fails the run (abort is what libFuzzer reports) when two kernels disagree.
void expect(bool condition) {
  if (!condition) std::abort();
}

// Well-formed text from the fuzzer's bytes (three per code point, surrogates skipped), with the
// byte at a fuzzer-chosen position then replaced: mostly-valid input reaches the vector paths.
Bytes text_with_one_change(FuzzedDataProvider& in) {
  const auto position = in.ConsumeIntegral<std::uint16_t>();
  const auto replacement = in.ConsumeIntegral<std::uint8_t>();
  const bool change = in.ConsumeBool();
  std::u32string code_points;
  while (in.remaining_bytes() >= 3) {
    // Favour the ranges of text: ASCII, Latin-1, the BMP, the rest.
    const auto kind = in.ConsumeIntegralInRange(0, 3);
    const char32_t limits[] = {0x80, 0x100, 0x10000, 0x110000};
    auto c = static_cast<char32_t>(in.ConsumeIntegral<std::uint16_t>() % limits[kind]);
    if (kind == 3)
      c = 0x10000 + (c + (char32_t{in.ConsumeIntegral<std::uint8_t>()} << 16)) % 0x100000;
    if (c >= 0xD800 && c <= 0xDFFF) continue;
    code_points.push_back(c);
  }
  Bytes text(4 * code_points.size());
  text.resize(utf8::portable::encode_wide(code_points.data(), code_points.size(), text.data()));
  if (change && !text.empty()) text[position % text.size()] = replacement;
  return text;
}

void same_validation(const utf8::Validation& a, const utf8::Validation& b) {
  expect(a.valid == b.valid && a.code_points == b.code_points && a.ascii == b.ascii &&
         a.narrow == b.narrow);
}

// One kernel against the portable one on `data`.
void compare(const utf8::Kernels& k, const Bytes& data, const utf8::Validation& expected,
             const std::u32string& decoded) {
  const Bytes input(data);  // its own exact-size copy
  expect(k.ascii_prefix(input.data(), input.size()) ==
         utf8::portable::ascii_prefix(data.data(), data.size()));
  std::string copy(input.size(), '\0');
  const std::size_t ascii = k.copy_ascii(input.data(), input.size(), copy.data());
  expect(ascii == utf8::portable::ascii_prefix(data.data(), data.size()) &&
         std::equal(copy.begin(), copy.begin() + static_cast<std::ptrdiff_t>(ascii), data.begin()));
  same_validation(k.validate(input.data(), input.size()), expected);
  std::u32string wide(expected.code_points, U'\0');
  k.decode_wide(input.data(), expected.valid, wide.data());
  expect(wide == decoded);
  Bytes encoded(4 * wide.size());
  encoded.resize(k.encode_wide(wide.data(), wide.size(), encoded.data()));
  expect(encoded.size() == expected.valid &&
         std::equal(encoded.begin(), encoded.end(), data.begin()));
  if (!expected.narrow) return;
  std::string narrow(expected.code_points, '\0');
  k.decode_narrow(input.data(), expected.valid, narrow.data());
  expect(std::equal(narrow.begin(), narrow.end(), decoded.begin(), decoded.end(),
                    [](char a, char32_t b) { return static_cast<unsigned char>(a) == b; }));
  Bytes narrow_encoded(2 * narrow.size());
  narrow_encoded.resize(k.encode_narrow(narrow.data(), narrow.size(), narrow_encoded.data()));
  expect(narrow_encoded.size() == expected.valid &&
         std::equal(narrow_encoded.begin(), narrow_encoded.end(), data.begin()));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  const Bytes input =
      in.ConsumeBool() ? text_with_one_change(in) : in.ConsumeRemainingBytes<std::uint8_t>();
  const utf8::Validation expected = utf8::portable::validate(input.data(), input.size());
  expect(expected.valid <= input.size() && expected.code_points <= expected.valid);
  std::u32string decoded(expected.code_points, U'\0');
  utf8::portable::decode_wide(input.data(), expected.valid, decoded.data());
  for (const utf8::Kernels* k : utf8::supported_kernels()) compare(*k, input, expected, decoded);
  return 0;
}
