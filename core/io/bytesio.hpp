// io.BytesIO(initial_bytes=b''): a binary stream over memory, as CPython 3.11's
// Modules/_io/bytesio.c.
//
// The content is one buffer::Storage, exactly the bytes getvalue() returns. getbuffer() exports
// it as a writable memoryview over the same memory; while any export is alive, every write (even
// of b''), truncate and close raises `BufferError: Existing exports of data: object cannot be
// re-sized`, so a view never sees its memory move. Reads, seeks and getvalue() still work.
//
// The position may lie past the end: reads there give b'', truncate leaves it there, and a
// write first fills the gap with zero bytes. After close() every method raises `ValueError: I/O
// operation on closed file.` except close() itself, closed(), exit(), iter(), fileno() and
// detach() (UnsupportedOperation). BytesIO has no `peek`, `name`, `mode` or `raw`.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "buffer/memoryview.hpp"
#include "io/iobase.hpp"

namespace bl::io {

class BytesIO final : public BufferedIOBase {
 public:
  BytesIO();
  // The position starts at 0; the bytes are copied.
  explicit BytesIO(ByteSpan initial_bytes);
  explicit BytesIO(const Bytes& initial_bytes) : BytesIO(initial_bytes.span()) {}

  std::string_view type_name() const override { return "_io.BytesIO"; }

  // Drops the buffer; BufferError while exported. Unlike IOBase.close it does not flush.
  void close() override;
  bool readable() override;
  bool writable() override;
  bool seekable() override;

  // read(n) and read1(n): at most n bytes from the position (n < 0: to the end); never nullopt.
  std::optional<Bytes> read(std::int64_t n = -1) override;
  Bytes read1(std::int64_t n = -1) override;
  // Copies min(len(buffer), bytes left) bytes into `buffer`; 0 at or past the end.
  IntOrNone readinto(MutableByteSpan buffer) override;
  IntOrNone readinto1(MutableByteSpan buffer) override;
  // Up to and including the next b'\n', at most `limit` bytes when limit >= 0.
  Bytes readline(std::int64_t limit = -1) override;
  // BytesIO's own readlines: stops once the lines read total >= hint (hint > 0), one line
  // earlier than IOBase.readlines, which stops only when the total exceeds hint.
  std::vector<Bytes> readlines(std::int64_t hint = -1) override;
  // iter(b) returns b without checking whether it is closed (PyObject_SelfIter); next() checks.
  void iter() override {}
  Bytes next() override;
  // Writes all of `data` at the position and returns its length.
  IntOrNone write(ByteSpan data) override;

  // seek: ValueError for a negative absolute position or a bad whence; for whence 1 and 2 a
  // target before the start is clamped to 0. Seeking is allowed while exported.
  std::int64_t seek(std::int64_t offset, int whence = 0) override;
  std::int64_t tell() override;
  // truncate(None) cuts at the position; the position itself does not move. Returns the size
  // given, even when it is beyond the end (nothing grows then).
  std::int64_t truncate(std::optional<std::int64_t> size = std::nullopt) override;

  // A copy of the whole content.
  Bytes getvalue() const;
  // A writable memoryview of the content, sharing its memory (zero-copy).
  buffer::MemoryView getbuffer();

 private:
  std::int64_t size() const { return static_cast<std::int64_t>(storage_->data.size()); }
  void check_exports() const;
  // The length of the next line from the position, at most `limit` bytes when limit >= 0.
  std::int64_t scan_eol(std::int64_t limit) const;
  // The next n bytes (n <= bytes left); the position moves past them.
  Bytes take(std::int64_t n);
  void grow(std::int64_t size);

  std::shared_ptr<buffer::Storage> storage_;  // null once closed
  std::int64_t pos_ = 0;
  // False while CPython's buffer would still be the shared empty bytes object it starts with:
  // then a failed allocation leaves the stream open; after it has grown, the failure frees
  // the buffer and the stream is closed (_PyBytes_Resize's behaviour on error).
  bool private_buffer_ = false;
};

}  // namespace bl::io
