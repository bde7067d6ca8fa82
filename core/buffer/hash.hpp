// Python's hash() of bytes: `_Py_HashBytes`, SipHash-1-3 (3.11's default) keyed by the
// process's hash secret, 0 for b'' and never -1 (-1 becomes -2).
//
// CPython draws the secret at random per process unless PYTHONHASHSEED is set: seed 0 means
// an all-zero key, seed N fills the secret from a linear congruential generator seeded with N.
// `HashKey::from_seed` reproduces both, so hash(memoryview(b'abc')) here can equal
// `PYTHONHASHSEED=N python3 -c 'print(hash(b"abc"))'`.
#pragma once

#include <cstdint>

#include "buffer/bytes.hpp"

namespace bl::buffer {

struct HashKey {
  std::uint64_t k0 = 0;
  std::uint64_t k1 = 0;

  // The key CPython uses under PYTHONHASHSEED=seed (0: no randomization).
  static HashKey from_seed(std::uint32_t seed);
};

// The key hash_bytes() uses by default: from_seed(0) until set.
HashKey hash_key();
void set_hash_key(HashKey key);

std::uint64_t siphash13(HashKey key, ByteSpan data);
// hash(bytes(data)) under `key`.
std::int64_t hash_bytes(ByteSpan data, HashKey key);
std::int64_t hash_bytes(ByteSpan data);

}  // namespace bl::buffer
