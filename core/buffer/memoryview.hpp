// Python's memoryview (PEP 3118, Objects/memoryobject.c): a typed, shaped, strided view of an
// exporter's memory.
//
// A view is `format` items (struct_format.hpp) laid out by `shape` and `strides` (in bytes,
// possibly negative) from a start offset in its exporter's Storage. Slicing, stepping, cast()
// and toreadonly() make new views of the same memory: nothing is copied until tobytes(),
// tolist() or hex().
//
// Every view is an export of its Storage: while one is alive and not released, the exporter
// cannot change size (bytearray's BufferError). memoryview(m) (the copy constructor), m[1:3],
// m.cast() each hold their own registration, so releasing m leaves them valid, as in CPython;
// they are not exports *of m*. What is an export of m is a buffer another consumer obtains
// from m itself (PEP 3118 getbuffer on the view, e.g. pickle.PickleBuffer(m)): export_buffer(),
// and while one lives m.release() raises `BufferError: memoryview has 1 exported buffer`.
//
// After release() every operation raises `ValueError: operation forbidden on released
// memoryview object`, except release() itself, equality with itself and a hash computed before.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "buffer/array.hpp"
#include "buffer/bytes.hpp"
#include "buffer/struct_format.hpp"

namespace bl::buffer {

// A subscript m[key]. A slice's missing bounds are None; ints beyond int64 are the caller's
// to clamp (slice bounds) or to refuse (indices), as Python's __index__ conversion does.
struct Slice {
  std::optional<std::int64_t> start, stop, step;
};
struct Ellipsis {};
struct OtherKey {};  // any other object (a float, a str, a tuple inside the tuple)
using KeyPart = std::variant<std::int64_t, Slice, Ellipsis, OtherKey>;
// m[part] or, with `tuple`, m[part0, part1, ...] (m[()] is an empty tuple).
struct Key {
  std::vector<KeyPart> parts;
  bool tuple = false;

  static Key of(KeyPart part) { return Key{{std::move(part)}, false}; }
  static Key tuple_of(std::vector<KeyPart> parts) { return Key{std::move(parts), true}; }
};

class MemoryView;
// What m[...] returns on a 0-dim view: m itself (the same Python object).
struct Itself {};
// m[key]: an item, a new view (a slice), or m itself.
using Subscripted = std::variant<Item, MemoryView, Itself>;

// m.tolist(): an item for a 0-dim view, else a list per dimension.
struct ItemTree {
  std::variant<Item, std::vector<ItemTree>> value;
};

// cast()'s shape argument: its elements, or `sequence` false for an object that is neither a
// list nor a tuple.
struct Shape {
  std::vector<Value> dims;
  bool sequence = true;
};

// A buffer another consumer obtained from a memoryview (see the header comment).
class ViewExport {
 public:
  ViewExport(ViewExport&& other) noexcept = default;
  ViewExport& operator=(ViewExport&& other) noexcept;
  ~ViewExport() { release(); }
  void release();

 private:
  friend class MemoryView;
  ViewExport(std::shared_ptr<std::size_t> count, std::shared_ptr<Storage> storage);
  std::shared_ptr<std::size_t> count_;
  std::shared_ptr<Storage> storage_;
};

class MemoryView {
 public:
  MemoryView(const Bytes& bytes);      // NOLINT: memoryview(b), read-only
  MemoryView(const ByteArray& array);  // NOLINT: memoryview(ba), writable
  MemoryView(const Array& array);      // NOLINT: memoryview(array.array(...)), its format
  // A view of `storage` (an exporter's memory, in items of storage->format): used by
  // BytesIO.getbuffer and mmap.
  MemoryView(std::shared_ptr<Storage> storage, bool readonly);
  // memoryview(other): a new view (and registration) of the same memory, shape and format.
  MemoryView(const MemoryView& other);
  MemoryView& operator=(const MemoryView& other);
  MemoryView(MemoryView&& other) noexcept;
  MemoryView& operator=(MemoryView&& other) noexcept;
  ~MemoryView() { drop(); }

  // memoryview.release(): idempotent; BufferError while export_buffer() results live.
  void release();
  bool released() const { return storage_ == nullptr; }
  // with memoryview(...) as m: __enter__ checks, __exit__ releases.
  void enter() const { check_released(); }
  void exit() { release(); }

  // --- attributes (each raises on a released view) ---
  const std::shared_ptr<Storage>& obj() const;  // the exporter (its identity and type)
  std::size_t nbytes() const;
  bool readonly() const;
  std::size_t itemsize() const;
  std::string format() const;
  std::size_t ndim() const;
  std::vector<std::int64_t> shape() const;
  std::vector<std::int64_t> strides() const;
  std::vector<std::int64_t> suboffsets() const;  // always () here: no exporter uses them
  bool c_contiguous() const;
  bool f_contiguous() const;
  bool contiguous() const;
  // len(m): shape[0], 1 for a 0-dim view.
  std::size_t len() const;

  // The bytes of a C-contiguous view (what a consumer asking for a simple buffer gets, e.g.
  // write(m)); BufferError "memoryview: underlying buffer is not C-contiguous" otherwise.
  ByteSpan span() const;
  // The same, writable; TypeError "cannot modify read-only memory" on a read-only view.
  MutableByteSpan mutable_span() const;

  // m[key] and m[key] = value (slice assignment copies from value's buffer, memmove-safe);
  // del m[key] always fails (TypeError "cannot delete memory").
  Subscripted getitem(const Key& key) const;
  void setitem(const Key& key, const Value& value);
  void delitem(const Key& key);
  // m[start:stop], the common case of getitem.
  MemoryView slice(std::int64_t start, std::int64_t stop) const;

  // tobytes(order) with order "C" (also for None), "F" or "A".
  Bytes tobytes(std::string_view order = "C") const;
  ItemTree tolist() const;
  // hex(sep, bytes_per_sep); no sep: no separators.
  std::string hex(const std::optional<Value>& sep = std::nullopt, int bytes_per_sep = 1) const;
  MemoryView cast(std::string_view format, const std::optional<Shape>& shape = std::nullopt) const;
  MemoryView toreadonly() const;

  // m == other (other: any buffer, as a view of it): same shape and equal items by value
  // across formats. A released view equals only itself (the same object).
  bool equals(const MemoryView& other) const;
  // hash(m): read-only byte-format views only, hash(m.tobytes()); computed once and kept.
  std::int64_t hash() const;

  // A buffer obtained from this view by another consumer (see the header comment).
  ViewExport export_buffer() const;

  // repr(m): "<memory at ADDRESS>" / "<released memory at ADDRESS>", the address text given
  // by the caller (the Python object's) or this object's address.
  std::string repr(std::string_view address) const;
  std::string repr() const;

 private:
  void check_released() const;
  void drop() noexcept;
  void register_with(std::shared_ptr<Storage> storage);
  void init_flags();
  std::size_t item_count() const;
  std::byte* base() const;  // the storage's first byte
  MutableByteSpan contiguous_bytes() const;
  std::int64_t offset_of(int dim, std::int64_t index, std::int64_t offset) const;
  // The offset of m[i, j, ...]: a tuple of ints, one per dimension.
  std::int64_t offset_of_indices(const Key& key) const;
  Item item_at(std::int64_t offset) const;
  MemoryView sliced(const Slice& s) const;
  // Byte offsets of every item, in C (or Fortran) order.
  std::vector<std::int64_t> item_offsets(bool fortran) const;
  Bytes copy_out(char order) const;
  void assign_slice(const Slice& s, const Value& value);

  std::shared_ptr<Storage> storage_;  // null once released
  std::shared_ptr<std::size_t> exports_ = std::make_shared<std::size_t>(0);
  std::int64_t offset_ = 0;           // of item [0, ..., 0] in the storage
  Format format_;
  std::vector<std::int64_t> shape_, strides_;
  bool readonly_ = false;
  bool c_contiguous_ = true, f_contiguous_ = true;
  mutable std::optional<std::int64_t> hash_;
};

// Python's slice clamping for a sequence of `size` items: negative indices count from the end.
std::pair<std::size_t, std::size_t> clamp_slice(std::int64_t start, std::int64_t stop,
                                                std::size_t size);

// PySlice_Unpack + PySlice_AdjustIndices: the start, step and length of s over `length` items
// (ValueError "slice step cannot be zero").
struct SliceRange {
  std::int64_t start, step, length;
};
SliceRange adjust_slice(const Slice& s, std::int64_t length);

}  // namespace bl::buffer
