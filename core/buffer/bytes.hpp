// Python's bytes and bytearray, as far as I/O needs them: contiguous byte strings.
//
// Both keep their bytes in a shared `Storage`, the exporter side of the buffer protocol: a
// MemoryView (memoryview.hpp) holds the same Storage and counts itself in `exports`, and while
// any export is alive a bytearray cannot change size (BufferError), exactly as CPython's
// `bytearray` refuses `append` while a memoryview of it exists.
//
// `Bytes` is immutable and cheap to copy (copies share the storage, as Python references do).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "buffer/meter.hpp"

namespace bl::buffer {

using ByteSpan = std::span<const std::byte>;
using MutableByteSpan = std::span<std::byte>;

// An allocator that leaves new bytes uninitialized: a read's result is about to be overwritten
// by read(2), and zero-filling it first costs a tenth of a large read (CPython allocates its
// bytes uninitialized too). Code that must zero-fill, as `bytearray(n)` does, says so with
// resize(n, std::byte{0}). Every allocation is reported to the allocation meter (meter.hpp).
template <class T>
struct UninitializedAllocator : std::allocator<T> {
  template <class U>
  struct rebind {
    using other = UninitializedAllocator<U>;
  };
  UninitializedAllocator() = default;
  template <class U>
  UninitializedAllocator(const UninitializedAllocator<U>&) noexcept {}  // NOLINT: rebinding
  T* allocate(std::size_t n) {
    T* p = std::allocator<T>::allocate(n);
    Meter::current().on_allocate(n * sizeof(T));
    return p;
  }
  void deallocate(T* p, std::size_t n) noexcept {
    Meter::current().on_release(n * sizeof(T));
    std::allocator<T>::deallocate(p, n);
  }
  template <class U>
  void construct(U* p) noexcept {
    ::new (static_cast<void*>(p)) U;
  }
  template <class U, class... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
};
using ByteVector = std::vector<std::byte, UninitializedAllocator<std::byte>>;

// The memory of an exporter and the number of buffer views currently holding it.
//
// Most exporters own their bytes in `data`. An exporter whose memory lives elsewhere (an
// mmap's pages) sets `external` to it and `keeper` to what keeps it alive, so that a view
// outliving the exporter object still points at mapped memory.
//
// A Storage stands for its exporter object (memoryview.obj): `type_name` is that object's
// type (`bytes`, `bytearray`, `mmap.mmap`, `_io._BytesIOBuffer`, `array.array`), `hashable`
// whether hash(obj) works (hash(memoryview) hashes its obj first), and `format` the item
// format its views start with (a native struct character: array.array('h') exports 'h').
struct Storage {
  ByteVector data;
  std::size_t exports = 0;
  std::optional<MutableByteSpan> external;
  std::shared_ptr<void> keeper;
  std::string_view type_name = "bytes";
  bool hashable = true;
  char format = 'B';

  MutableByteSpan bytes() { return external ? *external : MutableByteSpan(data); }
};

// Python `bytes`.
class Bytes {
 public:
  Bytes() = default;
  explicit Bytes(ByteSpan data);
  explicit Bytes(ByteVector&& data);
  static Bytes from(std::string_view text) {
    return Bytes(ByteSpan(reinterpret_cast<const std::byte*>(text.data()), text.size()));
  }

  std::size_t size() const { return storage_ ? storage_->data.size() : 0; }
  bool empty() const { return size() == 0; }
  ByteSpan span() const { return storage_ ? ByteSpan(storage_->data) : ByteSpan(); }
  std::string_view view() const;  // the bytes as chars, for tests and messages
  std::uint8_t operator[](std::size_t i) const { return std::to_integer<std::uint8_t>(span()[i]); }
  // bytes[start:stop] with Python's clamping (a copy, as in Python).
  Bytes slice(std::int64_t start, std::int64_t stop) const;

  // repr(): b'ab\n\x00' with Python's choice of quotes.
  std::string repr() const;

  friend bool operator==(const Bytes& a, const Bytes& b);

  // The storage, shared with memoryviews made from this object.
  const std::shared_ptr<Storage>& storage() const { return storage_; }

 private:
  std::shared_ptr<Storage> storage_;  // null for b''
};

// Python `bytearray`: mutable, resizable while nothing exports it.
class ByteArray {
 public:
  ByteArray();
  explicit ByteArray(std::size_t size);  // bytearray(n): n zero bytes
  explicit ByteArray(ByteSpan data);

  std::size_t size() const { return storage_->data.size(); }
  ByteSpan span() const { return storage_->data; }
  MutableByteSpan span() { return storage_->data; }
  std::string_view view() const;

  // Size-changing operations; each raises BufferError while exported.
  void resize(std::size_t size);
  void append(std::byte b);
  void extend(ByteSpan data);
  void clear() { resize(0); }
  // del self[start:stop] (clamped).
  void erase(std::size_t start, std::size_t stop);
  // self[start:stop] = data (clamped): allowed while exported when it keeps the size.
  void assign_slice(std::size_t start, std::size_t stop, ByteSpan data);

  Bytes to_bytes() const { return Bytes(span()); }
  std::string repr() const;  // bytearray(b'...')

  const std::shared_ptr<Storage>& storage() const { return storage_; }

 private:
  void check_resizable() const;
  std::shared_ptr<Storage> storage_;
};

// repr() of a bytes value's content: b'...' quoting and escapes as CPython's bytes_repr.
std::string bytes_repr(ByteSpan data);

// The BufferError message every exporter uses for a resize while exported.
inline constexpr std::string_view kExportedResizeMessage =
    "Existing exports of data: object cannot be re-sized";

}  // namespace bl::buffer
