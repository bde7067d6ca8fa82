// Python's memoryview over a contiguous 1-D byte buffer (format 'B').
//
// A MemoryView is an export of its object's Storage: while it is alive and not released, the
// exporter cannot change size. Slicing is zero-copy and each slice is an export of its own,
// so releasing the parent leaves slices valid, as in CPython. Copies count as exports too;
// the destructor releases. After `release()`, every use raises
// `ValueError: operation forbidden on released memoryview object`.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "buffer/bytes.hpp"

namespace bl::buffer {

class MemoryView {
 public:
  MemoryView(const Bytes& bytes);      // NOLINT: memoryview(b), read-only
  MemoryView(const ByteArray& array);  // NOLINT: memoryview(ba), writable
  // A view of `storage` (an exporter's memory): used by BytesIO.getbuffer and mmap.
  MemoryView(std::shared_ptr<Storage> storage, bool readonly);
  MemoryView(const MemoryView& other);
  MemoryView& operator=(const MemoryView& other);
  MemoryView(MemoryView&& other) noexcept;
  MemoryView& operator=(MemoryView&& other) noexcept;
  ~MemoryView() { release(); }

  // memoryview.release(): idempotent.
  void release();
  bool released() const { return storage_ == nullptr; }

  std::size_t size() const;  // len(m) == m.nbytes for format 'B'
  bool readonly() const;
  ByteSpan span() const;
  // The writable bytes; TypeError "cannot modify read-only memory" on a read-only view.
  MutableByteSpan mutable_span() const;
  // m[start:stop] (clamped as Python slices are): a view of the same memory.
  MemoryView slice(std::int64_t start, std::int64_t stop) const;
  Bytes tobytes() const { return Bytes(span()); }

 private:
  void check_released() const;
  std::shared_ptr<Storage> storage_;  // null once released
  std::size_t offset_ = 0;
  std::size_t length_ = 0;
  bool readonly_ = false;
};

// Python's slice clamping for a sequence of `size` items: negative indices count from the end.
std::pair<std::size_t, std::size_t> clamp_slice(std::int64_t start, std::int64_t stop,
                                                std::size_t size);

}  // namespace bl::buffer
