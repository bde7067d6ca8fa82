// The functions of utf8_kernels.hpp: each calls the fastest implementation this CPU runs,
// chosen once, at the first call.
#include "codecs/utf8_kernels.hpp"

#include <cstdlib>
#include <cstring>

#include "codecs/utf8_kernels_impl.hpp"

namespace bl::codecs::utf8 {

std::vector<const Kernels*> supported_kernels() {
  std::vector<const Kernels*> kernels = {&kPortableKernels};
  for (const Kernels* simd : {sse2_kernels(), avx2_kernels(), avx512_kernels()})
    if (simd != nullptr) kernels.push_back(simd);
  return kernels;
}

// The last supported table, or the one named by $BL_UTF8_KERNELS ("portable", "sse2", "avx2",
// "avx512") when this CPU supports it: benchmarks compare the levels on one machine.
const Kernels& choose_kernels() {
  const std::vector<const Kernels*> kernels = supported_kernels();
  if (const char* wanted = std::getenv("BL_UTF8_KERNELS"))
    for (const Kernels* k : kernels)
      if (std::strcmp(k->name, wanted) == 0) return *k;
  return *kernels.back();
}

const Kernels& active_kernels() {
  static const Kernels& active = choose_kernels();
  return active;
}

std::size_t ascii_prefix(const std::uint8_t* data, std::size_t n) {
  return active_kernels().ascii_prefix(data, n);
}

std::size_t copy_ascii(const std::uint8_t* data, std::size_t n, char* out) {
  return active_kernels().copy_ascii(data, n, out);
}

Validation validate(const std::uint8_t* data, std::size_t n) {
  return active_kernels().validate(data, n);
}

void decode_narrow(const std::uint8_t* data, std::size_t n, char* out) {
  active_kernels().decode_narrow(data, n, out);
}

void decode_wide(const std::uint8_t* data, std::size_t n, char32_t* out) {
  active_kernels().decode_wide(data, n, out);
}

std::size_t encode_narrow(const char* text, std::size_t n, std::uint8_t* out) {
  return active_kernels().encode_narrow(text, n, out);
}

std::size_t encode_wide(const char32_t* text, std::size_t n, std::uint8_t* out) {
  return active_kernels().encode_wide(text, n, out);
}

}  // namespace bl::codecs::utf8
