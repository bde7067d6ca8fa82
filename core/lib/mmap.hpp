// bl::lib::Mmap — Python's mmap.mmap, the Unix flavour of CPython 3.11 (Modules/mmapmodule.c),
// over an os::Kernel.
//
// A mapping of a file (or of anonymous memory when fileno is -1) that is at once a mutable
// byte sequence (m[i], m[i:j] = b'..', len(m)) and a file-like object with a position (read,
// write, seek, find, readline). Stores go straight into the mapped pages: with ACCESS_WRITE or
// ACCESS_DEFAULT (MAP_SHARED) they are the page cache, visible to every reader of the file at
// once and dirty until written back; flush() is msync(MS_SYNC), which writes them to storage.
// ACCESS_COPY (MAP_PRIVATE) stores never reach the file; ACCESS_READ refuses them.
//
// Like CPython, the object keeps its own dup (fcntl F_DUPFD_CLOEXEC) of the descriptor, for
// size() (fstat) and resize() (ftruncate, then mremap MREMAP_MAYMOVE); close() closes the dup,
// then munmaps. memoryview() exports the mapped memory itself: while a view is alive, close()
// and resize() raise BufferError, and a view that outlives the Mmap object keeps the mapping
// (it is unmapped when the last of them goes). The kernel must outlive both.
//
// Errors are CPython's, message for message; every method of a closed map raises
// `ValueError: mmap closed or invalid`.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "buffer/bytes.hpp"
#include "buffer/memoryview.hpp"
#include "os/kernel.hpp"

namespace bl::lib {

// The mmap module's constants (mmap.PROT_* and mmap.MAP_* are os::PROT and os::MAP).
inline constexpr int ACCESS_DEFAULT = 0;
inline constexpr int ACCESS_READ = 1;
inline constexpr int ACCESS_WRITE = 2;
inline constexpr int ACCESS_COPY = 3;
inline constexpr std::int64_t ALLOCATIONGRANULARITY = os::PAGESIZE;

// mmap.mmap's keyword arguments after fileno and length.
struct MmapOptions {
  int flags = os::MAP::SHARED;
  int prot = os::PROT::READ | os::PROT::WRITE;
  int access = ACCESS_DEFAULT;
  std::int64_t offset = 0;
};

// A Python slice object, slice(start, stop, step); nullopt is None.
struct Slice {
  std::optional<std::int64_t> start, stop, step;
};

// A slice applied to a sequence (slice.indices() plus the item count): items start,
// start + step, ... (length of them). ValueError "slice step cannot be zero".
struct SliceRange {
  std::int64_t start = 0, step = 1, length = 0;
};
SliceRange adjust_slice(const Slice& slice, std::int64_t size);

class Mmap {
 public:
  // mmap.mmap(fileno, length, flags, prot, access, offset). length 0 maps the whole file
  // from offset. Checks in CPython's order; then fstat, F_DUPFD_CLOEXEC and mmap.
  Mmap(os::Kernel& kernel, int fileno, std::int64_t length, MmapOptions options = {});
  ~Mmap();
  Mmap(const Mmap&) = delete;
  Mmap& operator=(const Mmap&) = delete;

  // --- the sequence --------------------------------------------------------------------
  std::int64_t len() const;  // len(m): the mapping's length
  // m[i] (negative counts from the end): IndexError "mmap index out of range".
  std::uint8_t getitem(std::int64_t index) const;
  buffer::Bytes getitem(const Slice& slice) const;  // a copy, as bytes
  // m[i] = value (value in range(0, 256)), m[slice] = data (of the slice's length).
  void setitem(std::int64_t index, std::int64_t value);
  void setitem(const Slice& slice, buffer::ByteSpan data);
  // The checks m[key] = value makes before it looks at the value (closed, read-only, key),
  // for callers that convert the value themselves: the item's index, the slice's range.
  std::size_t index_for_store(std::int64_t index) const;
  SliceRange slice_for_store(const Slice& slice) const;

  // --- the file-like side --------------------------------------------------------------
  // At most n bytes from the position (all the rest when n is nullopt or negative).
  buffer::Bytes read(std::optional<std::int64_t> n = std::nullopt);
  std::uint8_t read_byte();
  buffer::Bytes readline();
  // Stores data at the position; never grows the map. Returns len(data).
  std::int64_t write(buffer::ByteSpan data);
  // Stores one byte (Python's "b" conversion: 0..255, else OverflowError).
  void write_byte(std::int64_t value);
  void seek(std::int64_t pos, int whence = 0);  // returns None in 3.11
  std::int64_t tell() const;
  // The lowest (rfind: highest) index of sub in m[start:end], or -1; start defaults to the
  // position, end to len(m); negative values count from the end.
  std::int64_t find(buffer::ByteSpan sub, std::optional<std::int64_t> start = std::nullopt,
                    std::optional<std::int64_t> end = std::nullopt) const;
  std::int64_t rfind(buffer::ByteSpan sub, std::optional<std::int64_t> start = std::nullopt,
                     std::optional<std::int64_t> end = std::nullopt) const;
  // memmove(m + dest, m + src, count).
  void move(std::int64_t dest, std::int64_t src, std::int64_t count);

  // --- the mapping -----------------------------------------------------------------------
  std::int64_t size() const;  // the file's size (fstat of the dup); anonymous: OSError EBADF
  // ftruncate(dup, offset + newsize) (files only), then mremap(MREMAP_MAYMOVE).
  void resize(std::int64_t newsize);
  // msync(m + offset, size, MS_SYNC); size defaults to len(m). Nothing for READ and COPY.
  void flush(std::int64_t offset = 0, std::optional<std::int64_t> size = std::nullopt);
  void close();  // idempotent; BufferError while exported
  bool closed() const;
  Mmap& enter();  // with mmap.mmap(...) as m:
  void exit() { close(); }
  // memoryview(m): zero-copy, read-only for ACCESS_READ.
  buffer::MemoryView memoryview();
  std::string repr() const;  // <mmap.mmap closed=False, access=ACCESS_DEFAULT, length=10, ...>

  // The checks CPython makes before it converts a method's arguments (every method but
  // close) and before a store looks at its key, for callers that convert arguments themselves.
  void check_valid() const;     // ValueError "mmap closed or invalid"
  void check_writable() const;  // TypeError "mmap can't modify a readonly memory map."

  int access() const { return access_; }
  std::int64_t offset() const { return offset_; }

 private:
  struct Region;
  buffer::MutableByteSpan bytes() const;
  void check_resizable() const;
  std::size_t item_index(std::int64_t index) const;
  std::int64_t find_in(buffer::ByteSpan sub, std::optional<std::int64_t> start,
                       std::optional<std::int64_t> end, bool reverse) const;

  std::shared_ptr<Region> region_;            // the mapping and the dup'd descriptor
  std::shared_ptr<buffer::Storage> storage_;  // what views export: the mapped bytes
  std::size_t pos_ = 0;                       // may pass len(m) after a shrinking resize
  std::int64_t offset_ = 0;
  int access_ = ACCESS_DEFAULT;
};

}  // namespace bl::lib
