#include "buffer/hash.hpp"

#include <cstring>

namespace bl::buffer {

namespace {

HashKey& global_key() {
  static HashKey key;
  return key;
}

std::uint64_t rotl(std::uint64_t x, int b) { return (x << b) | (x >> (64 - b)); }

struct SipState {
  std::uint64_t v0, v1, v2, v3;

  void round() {
    v0 += v1;
    v1 = rotl(v1, 13);
    v1 ^= v0;
    v0 = rotl(v0, 32);
    v2 += v3;
    v3 = rotl(v3, 16);
    v3 ^= v2;
    v0 += v3;
    v3 = rotl(v3, 21);
    v3 ^= v0;
    v2 += v1;
    v1 = rotl(v1, 17);
    v1 ^= v2;
    v2 = rotl(v2, 32);
  }
  // One compression round per 8-byte word (the "1" of SipHash-1-3).
  void absorb(std::uint64_t m) {
    v3 ^= m;
    round();
    v0 ^= m;
  }
};

std::uint64_t load_le(const std::byte* p, std::size_t n) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < n; ++i) v |= std::uint64_t{std::to_integer<std::uint8_t>(p[i])} << (8 * i);
  return v;
}

}  // namespace

HashKey HashKey::from_seed(std::uint32_t seed) {
  if (seed == 0) return {};
  // CPython's lcg_urandom: one byte per step, from bits 16..23 of the 32-bit state.
  unsigned char secret[16];
  std::uint32_t x = seed;
  for (unsigned char& byte : secret) {
    x = x * 214013u + 2531011u;
    byte = static_cast<unsigned char>((x >> 16) & 0xff);
  }
  HashKey key;
  std::memcpy(&key.k0, secret, 8);  // x86-64 is little-endian, as the secret's union is
  std::memcpy(&key.k1, secret + 8, 8);
  return key;
}

HashKey hash_key() { return global_key(); }
void set_hash_key(HashKey key) { global_key() = key; }

std::uint64_t siphash13(HashKey key, ByteSpan data) {
  SipState s{key.k0 ^ 0x736f6d6570736575ULL, key.k1 ^ 0x646f72616e646f6dULL,
             key.k0 ^ 0x6c7967656e657261ULL, key.k1 ^ 0x7465646279746573ULL};
  std::size_t words = data.size() / 8;
  for (std::size_t i = 0; i < words; ++i) s.absorb(load_le(data.data() + 8 * i, 8));
  std::uint64_t last = static_cast<std::uint64_t>(data.size()) << 56;
  last |= load_le(data.data() + 8 * words, data.size() % 8);
  s.absorb(last);
  s.v2 ^= 0xff;
  s.round();
  s.round();
  s.round();
  return (s.v0 ^ s.v1) ^ (s.v2 ^ s.v3);
}

std::int64_t hash_bytes(ByteSpan data, HashKey key) {
  if (data.empty()) return 0;
  auto h = static_cast<std::int64_t>(siphash13(key, data));
  return h == -1 ? -2 : h;
}

std::int64_t hash_bytes(ByteSpan data) { return hash_bytes(data, global_key()); }

}  // namespace bl::buffer
