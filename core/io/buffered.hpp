// BufferedReader, BufferedWriter, BufferedRandom and BufferedRWPair with CPython 3.11's
// algorithms (Modules/_io/bufferedio.c): the same raw reads and writes, in the same order and
// with the same sizes, for every sequence of calls.
//
// The three classes share one state machine over one buffer of `buffer_size` bytes:
//
//   0 <= pos <= buffer_size     the logical position inside the buffer
//   read_end                    end of the valid read-ahead bytes, -1 when there are none
//   [write_pos, write_end)      bytes waiting to be written, write_end -1 when none
//   raw_pos                     where the raw stream's position is, relative to the buffer
//   abs_pos                     the raw stream's absolute position if known, else -1
//
// so a BufferedRandom can write into bytes it read ahead and flush them in place. Large reads
// and writes bypass the buffer, rounded to whole buffers for reads (`MINUS_LAST_BLOCK`).
#pragma once

#include <memory>

#include "io/iobase.hpp"

namespace bl::io {

class FileIO;

class Buffered : public BufferedIOBase {
 public:
  std::string repr() const override;

  bool closed() const override;
  void close() override;
  void flush() override;
  bool readable() override;
  bool writable() override;
  bool seekable() override;
  std::int64_t fileno() override;
  bool isatty() override;

  std::optional<Bytes> read(std::int64_t n = -1) override;
  Bytes read1(std::int64_t n = -1) override;
  bool has_peek() const override { return readable_; }
  Bytes peek(std::int64_t n = 0) override;
  IntOrNone readinto(MutableByteSpan buffer) override;
  IntOrNone readinto1(MutableByteSpan buffer) override;
  Bytes readline(std::int64_t limit = -1) override;
  Bytes next() override;
  IntOrNone write(ByteSpan data) override;

  std::int64_t seek(std::int64_t target, int whence = 0) override;
  std::int64_t tell() override;
  std::int64_t truncate(std::optional<std::int64_t> size = std::nullopt) override;
  std::shared_ptr<RawIOBase> detach() override;

  std::optional<Name> name_attribute() const override;
  std::optional<std::string> mode_attribute() const override;
  Name name() const override;
  std::string mode() const override;
  // The `raw` attribute: the raw stream, or null (None) once detached.
  const std::shared_ptr<RawIOBase>& raw() const { return raw_; }
  std::int64_t buffer_size() const { return buffer_size_; }

 protected:
  enum class Kind { reader, writer, random };
  Buffered(std::shared_ptr<RawIOBase> raw, std::int64_t buffer_size, Kind kind);
  // What CPython's finalizer does when the object dies: close(), dropping errors. The final
  // classes call it from their destructors, while their virtual methods still work.
  void finalize() noexcept;

 private:
  // --- the state machine's derived quantities (CPython's macros) ---
  bool valid_read() const { return readable_ && read_end_ != -1; }
  bool valid_write() const { return writable_ && write_end_ != -1; }
  std::int64_t readahead() const { return valid_read() ? read_end_ - pos_ : 0; }
  std::int64_t raw_offset() const {
    return (valid_read() || valid_write()) && raw_pos_ >= 0 ? raw_pos_ - pos_ : 0;
  }
  std::int64_t minus_last_block(std::int64_t n) const;
  void adjust_position(std::int64_t pos);
  void reset_read_buffer() { read_end_ = -1; }
  void reset_write_buffer() {
    write_pos_ = 0;
    write_end_ = -1;
  }
  std::byte* data() { return buffer_.get(); }

  // --- checks, in CPython's order and words ---
  void check_attached() const;
  bool is_closed() const;
  void check_closed(const char* message) const;

  // --- raw stream calls: they keep abs_pos right and validate what the raw returns ---
  std::int64_t raw_tell();
  std::int64_t raw_seek(std::int64_t target, int whence);
  static constexpr std::int64_t kWouldBlock = -2;
  std::int64_t raw_read(std::byte* into, std::int64_t length);  // bytes, 0 at EOF, kWouldBlock
  std::int64_t raw_write(const std::byte* from, std::int64_t length);  // bytes or kWouldBlock
  std::int64_t fill_buffer();

  // --- the algorithms ---
  Bytes take_buffered(std::int64_t n);  // n <= readahead(): from the buffer, no system call
  std::optional<Bytes> read_generic(std::int64_t n);
  std::optional<Bytes> read_all();
  Bytes peek_unlocked();
  IntOrNone readinto_generic(MutableByteSpan buffer, bool readinto1);
  Bytes readline_unchecked(std::int64_t limit);
  [[gnu::noinline]] std::int64_t write_through_raw(ByteSpan data);
  void flush_unlocked();
  void flush_and_rewind();

  std::shared_ptr<RawIOBase> raw_;    // null once detached
  const FileIO* file_raw_ = nullptr;  // raw_, when it is a FileIO
  bool readable_, writable_;
  std::unique_ptr<std::byte[]> buffer_;  // freed by close()
  std::int64_t buffer_size_, buffer_mask_ = 0;
  std::int64_t abs_pos_ = -1, pos_ = 0, raw_pos_ = 0, read_end_ = -1;
  std::int64_t write_pos_ = 0, write_end_ = -1;
};

// io.BufferedReader(raw, buffer_size=DEFAULT_BUFFER_SIZE)
class BufferedReader final : public Buffered {
 public:
  explicit BufferedReader(std::shared_ptr<RawIOBase> raw,
                          std::int64_t buffer_size = DEFAULT_BUFFER_SIZE);
  ~BufferedReader() override { finalize(); }
  std::string_view type_name() const override { return "_io.BufferedReader"; }
};

// io.BufferedWriter(raw, buffer_size=DEFAULT_BUFFER_SIZE)
class BufferedWriter final : public Buffered {
 public:
  explicit BufferedWriter(std::shared_ptr<RawIOBase> raw,
                          std::int64_t buffer_size = DEFAULT_BUFFER_SIZE);
  ~BufferedWriter() override { finalize(); }
  std::string_view type_name() const override { return "_io.BufferedWriter"; }
};

// io.BufferedRandom(raw, buffer_size=DEFAULT_BUFFER_SIZE): one buffer for reads and writes.
class BufferedRandom final : public Buffered {
 public:
  explicit BufferedRandom(std::shared_ptr<RawIOBase> raw,
                          std::int64_t buffer_size = DEFAULT_BUFFER_SIZE);
  ~BufferedRandom() override { finalize(); }
  std::string_view type_name() const override { return "_io.BufferedRandom"; }
};

// io.BufferedRWPair(reader, writer, buffer_size): a BufferedReader and a BufferedWriter over
// two raw streams (a socket or a pair of pipes), used as one sequential stream.
class BufferedRWPair final : public BufferedIOBase {
 public:
  BufferedRWPair(std::shared_ptr<RawIOBase> reader, std::shared_ptr<RawIOBase> writer,
                 std::int64_t buffer_size = DEFAULT_BUFFER_SIZE);
  std::string_view type_name() const override { return "_io.BufferedRWPair"; }

  bool closed() const override { return writer_->closed(); }
  void close() override;
  void flush() override { writer_->flush(); }
  bool readable() override { return reader_->readable(); }
  bool writable() override { return writer_->writable(); }
  bool isatty() override { return writer_->isatty() || reader_->isatty(); }

  std::optional<Bytes> read(std::int64_t n = -1) override { return reader_->read(n); }
  Bytes read1(std::int64_t n = -1) override { return reader_->read1(n); }
  bool has_peek() const override { return true; }
  Bytes peek(std::int64_t n = 0) override { return reader_->peek(n); }
  IntOrNone readinto(MutableByteSpan b) override { return reader_->readinto(b); }
  IntOrNone readinto1(MutableByteSpan b) override { return reader_->readinto1(b); }
  IntOrNone write(ByteSpan data) override { return writer_->write(data); }

 private:
  std::unique_ptr<BufferedReader> reader_;
  std::unique_ptr<BufferedWriter> writer_;
};

}  // namespace bl::io
