// io.IOBase, io.RawIOBase and io.BufferedIOBase: the abstract stream classes and the default
// methods CPython 3.11 gives every stream (Modules/_io/iobase.c, bufferedio.c).
//
// A C++ virtual method stands for a Python method; its default body is what CPython's base
// class does, including the error it raises. A method a Python class does not have at all
// raises AttributeError with Python's message (`'_io.BufferedWriter' object has no attribute
// 'peek'`). Arguments that Python spells `None` are `-1` (sizes) or `std::nullopt`.
//
// Streams hold each other through shared_ptr, as Python objects hold references.
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "buffer/bytes.hpp"
#include "os/errors.hpp"

namespace bl::io {

using buffer::Bytes;
using buffer::ByteSpan;
using buffer::MutableByteSpan;

// io.UnsupportedOperation. In Python it derives from both OSError and ValueError; str(e) is
// the bare message ('seek', 'File not open for reading').
BL_PY_EXCEPTION(UnsupportedOperation, Exception)

// The result of readinto() and write(): a byte count, or Python's None when a non-blocking
// stream would block. It reads like std::optional<std::int64_t> but lives in one register:
// g++ 12 returns a std::optional through a store-forwarding stall that cost a buffered
// 16-byte write a quarter of its time.
class IntOrNone {
 public:
  constexpr IntOrNone(std::int64_t value) : value_(value) {}  // NOLINT: implicit, like `return n`
  constexpr IntOrNone(std::nullopt_t) : value_(kNone) {}      // NOLINT: `return std::nullopt`
  constexpr bool has_value() const { return value_ != kNone; }
  constexpr explicit operator bool() const { return has_value(); }
  constexpr std::int64_t operator*() const { return value_; }
  std::int64_t value() const {
    if (!has_value()) throw std::bad_optional_access();
    return value_;
  }
  constexpr std::int64_t value_or(std::int64_t fallback) const {
    return has_value() ? value_ : fallback;
  }
  operator std::optional<std::int64_t>() const {  // NOLINT: interoperates with std::optional
    if (!has_value()) return std::nullopt;
    return value_;
  }
  friend constexpr bool operator==(IntOrNone a, std::nullopt_t) { return !a.has_value(); }
  friend constexpr bool operator==(IntOrNone a, IntOrNone b) { return a.value_ == b.value_; }

 private:
  static constexpr std::int64_t kNone = std::numeric_limits<std::int64_t>::min();
  std::int64_t value_;
};

// io.DEFAULT_BUFFER_SIZE.
inline constexpr std::int64_t DEFAULT_BUFFER_SIZE = 8192;

// A stream's `name` attribute: a path (str) or a file descriptor (int).
using Name = std::variant<std::int64_t, std::string>;
std::string repr(const Name& name);

class IOBase {
 public:
  virtual ~IOBase() = default;

  // The Python type name used in reprs and messages, e.g. "_io.FileIO".
  virtual std::string_view type_name() const = 0;
  virtual std::string repr() const;

  // --- state and capabilities ---
  virtual bool closed() const { return closed_; }
  // IOBase.close(): flush() once, then closed; later calls do nothing.
  virtual void close();
  // IOBase.flush(): only checks that the stream is open.
  virtual void flush();
  virtual bool readable() { return false; }
  virtual bool writable() { return false; }
  virtual bool seekable() { return false; }
  virtual std::int64_t fileno();
  virtual bool isatty();

  // --- positioning (UnsupportedOperation unless overridden) ---
  virtual std::int64_t seek(std::int64_t offset, int whence = 0);
  virtual std::int64_t tell() { return seek(0, 1); }
  virtual std::int64_t truncate(std::optional<std::int64_t> size = std::nullopt);

  // iter(f): checks that the stream is open (next() is the data class's).
  virtual void iter();

  // with-statement protocol: __enter__ checks that the stream is open; __exit__ closes.
  void enter();
  void exit() { close(); }

  // --- attributes that only some classes have (nullopt: AttributeError in Python) ---
  virtual std::optional<Name> name_attribute() const { return std::nullopt; }
  virtual std::optional<std::string> mode_attribute() const { return std::nullopt; }
  virtual Name name() const;
  virtual std::string mode() const;

 protected:
  // ValueError "I/O operation on closed file." (IOBase's wording, with the period).
  void check_closed() const;
  [[noreturn]] void raise_no_attribute(std::string_view attribute) const;
  void mark_closed() { closed_ = true; }

 private:
  bool closed_ = false;
};

// IOBase.readlines(hint) of a binary or text stream: its lines by iteration, stopping once
// their total length exceeds a positive hint.
template <class Stream>
auto read_lines(Stream& stream, std::int64_t hint) {
  std::vector<decltype(stream.next())> lines;
  stream.iter();
  std::int64_t total = 0;
  for (;;) {
    try {
      lines.push_back(stream.next());
    } catch (const StopIteration&) {
      break;
    }
    auto length = static_cast<std::int64_t>(lines.back().size());
    if (hint > 0) {
      if (length > hint - total) break;
      total += length;
    }
  }
  return lines;
}

// Not a Python class: the byte-level half of Python's IOBase, shared by RawIOBase and
// BufferedIOBase: read/write/peek as attributes that may be missing, and IOBase's default
// readline (by read(1) or peek), readlines, writelines and iteration over bytes. TextIOBase
// (textio.hpp) has the same methods over str.
class BinaryIOBase : public IOBase {
 public:
  // --- reading and writing: AttributeError here, as IOBase itself has no read/write ---
  // read(n): n < 0 reads to the end; nullopt is Python's None (non-blocking, no data).
  virtual std::optional<Bytes> read(std::int64_t n = -1);
  virtual IntOrNone write(ByteSpan data);
  // The Python `peek` method if the class has one (IOBase.readline sizes reads with it).
  virtual bool has_peek() const { return false; }
  virtual Bytes peek(std::int64_t n = 0);

  // --- lines and iteration ---
  virtual Bytes readline(std::int64_t limit = -1);
  virtual std::vector<Bytes> readlines(std::int64_t hint = -1);
  virtual void writelines(const std::vector<Bytes>& lines);
  // next(f): the next line; StopIteration at the end.
  virtual Bytes next();
};

// io.RawIOBase: unbuffered byte streams. readinto and write return nullopt for "would block"
// (Python's None); their results are signed because a misbehaving raw stream may return any
// number, which the buffered layer checks.
class RawIOBase : public BinaryIOBase {
 public:
  virtual IntOrNone readinto(MutableByteSpan buffer);
  IntOrNone write(ByteSpan data) override;
  // RawIOBase.read(n): one readinto of n bytes; n < 0 means readall().
  std::optional<Bytes> read(std::int64_t n = -1) override;
  // RawIOBase.readall(): read(DEFAULT_BUFFER_SIZE) until b''.
  virtual std::optional<Bytes> readall();
};

// io.BufferedIOBase: buffered streams. read/read1/write/detach are UnsupportedOperation here;
// readinto/readinto1 are built on read/read1, as in CPython.
class BufferedIOBase : public BinaryIOBase {
 public:
  std::optional<Bytes> read(std::int64_t n = -1) override;
  virtual Bytes read1(std::int64_t n = -1);
  // nullopt: the raw stream would block and nothing was read (Python's None).
  virtual IntOrNone readinto(MutableByteSpan buffer);
  virtual IntOrNone readinto1(MutableByteSpan buffer);
  IntOrNone write(ByteSpan data) override;
  virtual std::shared_ptr<RawIOBase> detach();
};

}  // namespace bl::io
