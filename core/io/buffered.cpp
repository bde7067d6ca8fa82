#include "io/buffered.hpp"
#include "io/fileio.hpp"
#include "os/flags.hpp"

#include <algorithm>
#include <cstring>
#include <exception>
#include <new>
#include <vector>

namespace bl::io {

namespace {

constexpr const char* kWouldBlockMessage = "write could not complete without blocking";

Bytes bytes_of(const std::byte* data, std::int64_t n) {
  return Bytes(ByteSpan(data, static_cast<std::size_t>(n)));
}

void copy_bytes(std::byte* to, const std::byte* from, std::int64_t n) {
  if (n > 0) std::memmove(to, from, static_cast<std::size_t>(n));
}

}  // namespace

// --- construction ------------------------------------------------------------------------

Buffered::Buffered(std::shared_ptr<RawIOBase> raw, std::int64_t buffer_size, Kind kind)
    : raw_(std::move(raw)),
      readable_(kind != Kind::writer),
      writable_(kind != Kind::reader),
      buffer_size_(buffer_size) {
  if (kind == Kind::random && !raw_->seekable())
    throw UnsupportedOperation("File or stream is not seekable.");
  if (readable_ && !raw_->readable()) throw UnsupportedOperation("File or stream is not readable.");
  if (writable_ && !raw_->writable()) throw UnsupportedOperation("File or stream is not writable.");
  if (buffer_size_ <= 0) throw ValueError("buffer size must be strictly positive");
  buffer_.reset(new (std::nothrow) std::byte[static_cast<std::size_t>(buffer_size_)]);
  if (!buffer_) throw MemoryError("");
  if ((buffer_size_ & (buffer_size_ - 1)) == 0) buffer_mask_ = buffer_size_ - 1;
  file_raw_ = dynamic_cast<const FileIO*>(raw_.get());
  try {
    raw_tell();
  } catch (const Exception&) {
    // A raw stream that cannot tell (a pipe) leaves the position unknown.
  }
}

void Buffered::finalize() noexcept {
  if (!raw_) return;
  try {
    close();
  } catch (...) {
    // CPython's finalizer swallows errors of the implicit close too.
  }
}

BufferedReader::BufferedReader(std::shared_ptr<RawIOBase> raw, std::int64_t buffer_size)
    : Buffered(std::move(raw), buffer_size, Kind::reader) {}

BufferedWriter::BufferedWriter(std::shared_ptr<RawIOBase> raw, std::int64_t buffer_size)
    : Buffered(std::move(raw), buffer_size, Kind::writer) {}

BufferedRandom::BufferedRandom(std::shared_ptr<RawIOBase> raw, std::int64_t buffer_size)
    : Buffered(std::move(raw), buffer_size, Kind::random) {}

// --- helpers -----------------------------------------------------------------------------

std::int64_t Buffered::minus_last_block(std::int64_t n) const {
  return buffer_mask_ ? n & ~buffer_mask_ : buffer_size_ * (n / buffer_size_);
}

void Buffered::adjust_position(std::int64_t pos) {
  pos_ = pos;
  if (valid_read() && read_end_ < pos_) read_end_ = pos_;
}

void Buffered::check_attached() const {
  if (!raw_) throw ValueError("raw stream has been detached");
}

// For a FileIO (nearly always) the check is inlined, as CPython's fast_closed_checks do.
bool Buffered::is_closed() const {
  return !buffer_ || (file_raw_ ? file_raw_->FileIO::closed() : raw_->closed());
}

// Buffered streams refuse work once closed, except that read-ahead bytes can still be read.
void Buffered::check_closed(const char* message) const {
  if (is_closed() && readahead() == 0) throw ValueError(message);
}

std::int64_t Buffered::raw_tell() {
  std::int64_t n = raw_->tell();
  if (n < 0) throw OSError("Raw stream returned invalid position " + std::to_string(n));
  abs_pos_ = n;
  return n;
}

std::int64_t Buffered::raw_seek(std::int64_t target, int whence) {
  std::int64_t n = raw_->seek(target, whence);
  if (n < 0) throw OSError("Raw stream returned invalid position " + std::to_string(n));
  abs_pos_ = n;
  return n;
}

std::int64_t Buffered::raw_read(std::byte* into, std::int64_t length) {
  IntOrNone n =
      raw_->readinto(MutableByteSpan(into, static_cast<std::size_t>(length)));
  if (!n) return kWouldBlock;
  if (*n < 0 || *n > length)
    throw OSError("raw readinto() returned invalid length " + std::to_string(*n) +
                  " (should have been between 0 and " + std::to_string(length) + ")");
  if (*n > 0 && abs_pos_ != -1) abs_pos_ += *n;
  return *n;
}

std::int64_t Buffered::raw_write(const std::byte* from, std::int64_t length) {
  IntOrNone n = raw_->write(ByteSpan(from, static_cast<std::size_t>(length)));
  if (!n) return kWouldBlock;
  if (*n < 0 || *n > length)
    throw OSError("raw write() returned invalid length " + std::to_string(*n) +
                  " (should have been between 0 and " + std::to_string(length) + ")");
  if (*n > 0 && abs_pos_ != -1) abs_pos_ += *n;
  return *n;
}

// Reads into the free tail of the buffer (all of it when no read-ahead is valid).
std::int64_t Buffered::fill_buffer() {
  std::int64_t start = valid_read() ? read_end_ : 0;
  std::int64_t n = raw_read(data() + start, buffer_size_ - start);
  if (n <= 0) return n;
  read_end_ = start + n;
  raw_pos_ = start + n;
  return n;
}

// Writes out [write_pos, write_end) at the place those bytes belong.
void Buffered::flush_unlocked() {
  if (valid_write() && write_pos_ != write_end_) {
    std::int64_t rewind = raw_offset() + (pos_ - write_pos_);
    if (rewind != 0) {
      raw_seek(-rewind, 1);
      raw_pos_ -= rewind;
    }
    while (write_pos_ < write_end_) {
      std::int64_t n = raw_write(data() + write_pos_, write_end_ - write_pos_);
      if (n == kWouldBlock) throw BlockingIOError(os::Errno::eagain, kWouldBlockMessage, 0);
      write_pos_ += n;
      raw_pos_ = write_pos_;
    }
  }
  reset_write_buffer();
}

// After a flush, a readable stream moves the raw position back to the logical one. This costs
// an lseek(fd, 0, SEEK_CUR) even when nothing moves (CPython keeps it: bpo-30229).
void Buffered::flush_and_rewind() {
  flush_unlocked();
  if (!readable_) return;
  try {
    raw_seek(-raw_offset(), 1);
  } catch (...) {
    reset_read_buffer();
    throw;
  }
  reset_read_buffer();
}

// --- state and forwarding ----------------------------------------------------------------

std::string Buffered::repr() const {
  std::optional<Name> name = name_attribute();
  std::string type(type_name());
  if (!name) return "<" + type + ">";
  return "<" + type + " name=" + io::repr(*name) + ">";
}

std::optional<Name> Buffered::name_attribute() const {
  return raw_ ? raw_->name_attribute() : std::nullopt;
}

std::optional<std::string> Buffered::mode_attribute() const {
  return raw_ ? raw_->mode_attribute() : std::nullopt;
}

Name Buffered::name() const {
  check_attached();
  return raw_->name();
}

std::string Buffered::mode() const {
  check_attached();
  return raw_->mode();
}

bool Buffered::closed() const {
  check_attached();
  return raw_->closed();
}

void Buffered::close() {
  check_attached();
  if (raw_->closed()) return;
  std::exception_ptr flush_error;
  try {
    flush();
  } catch (...) {
    flush_error = std::current_exception();
  }
  // The raw stream's own error wins over the flush's (Python chains the flush's as context).
  raw_->close();
  buffer_.reset();
  read_end_ = 0;
  pos_ = 0;
  if (flush_error) std::rethrow_exception(flush_error);
}

void Buffered::flush() {
  check_attached();
  if (!writable_) {  // BufferedReader.flush is the raw stream's
    raw_->flush();
    return;
  }
  check_closed("flush of closed file");
  flush_and_rewind();
}

bool Buffered::readable() {
  if (!readable_) return BufferedIOBase::readable();
  check_attached();
  return raw_->readable();
}

bool Buffered::writable() {
  if (!writable_) return BufferedIOBase::writable();
  check_attached();
  return raw_->writable();
}

bool Buffered::seekable() {
  check_attached();
  return raw_->seekable();
}

std::int64_t Buffered::fileno() {
  check_attached();
  return raw_->fileno();
}

bool Buffered::isatty() {
  check_attached();
  return raw_->isatty();
}

std::shared_ptr<RawIOBase> Buffered::detach() {
  check_attached();
  flush();
  file_raw_ = nullptr;
  return std::move(raw_);
}

// --- reading -----------------------------------------------------------------------------

Bytes Buffered::take_buffered(std::int64_t n) {
  Bytes result = bytes_of(data() + pos_, n);
  pos_ += n;
  return result;
}

std::optional<Bytes> Buffered::read(std::int64_t n) {
  if (!readable_) return BufferedIOBase::read(n);
  check_attached();
  if (n < -1) throw ValueError("read length must be non-negative or -1");
  check_closed("read of closed file");
  if (n == -1) return read_all();
  if (n <= readahead()) return take_buffered(n);
  return read_generic(n);
}

// read(n) beyond the read-ahead: whole buffers straight into the result, then the last part
// through the buffer; no read once n bytes are in (a socket might block).
std::optional<Bytes> Buffered::read_generic(std::int64_t n) {
  buffer::ByteVector out(static_cast<std::size_t>(n));
  std::int64_t written = readahead();
  copy_bytes(out.data(), data() + pos_, written);
  pos_ += written;
  std::int64_t remaining = n - written;
  if (writable_) flush_and_rewind();
  reset_read_buffer();
  auto finish = [&](std::int64_t last) -> std::optional<Bytes> {
    if (last == kWouldBlock && written == 0) return std::nullopt;
    out.resize(static_cast<std::size_t>(written));
    return Bytes(std::move(out));
  };
  while (remaining > 0) {
    std::int64_t r = minus_last_block(remaining);
    if (r == 0) break;
    r = raw_read(out.data() + written, r);
    if (r == 0 || r == kWouldBlock) return finish(r);
    remaining -= r;
    written += r;
  }
  pos_ = raw_pos_ = read_end_ = 0;
  while (remaining > 0 && read_end_ < buffer_size_) {
    std::int64_t r = fill_buffer();
    if (r == 0 || r == kWouldBlock) return finish(r);
    std::int64_t take = std::min(r, remaining);
    copy_bytes(out.data() + written, data() + pos_, take);
    written += take;
    pos_ += take;
    remaining -= take;
  }
  return Bytes(std::move(out));
}

std::optional<Bytes> Buffered::read_all() {
  std::int64_t have = readahead();
  Bytes buffered = take_buffered(have);
  if (writable_) flush_and_rewind();
  reset_read_buffer();
  std::optional<Bytes> rest = raw_->readall();
  if (have == 0) return rest;
  if (!rest || rest->empty()) return buffered;
  buffer::ByteVector all(buffered.span().begin(), buffered.span().end());
  all.insert(all.end(), rest->span().begin(), rest->span().end());
  return Bytes(std::move(all));
}

Bytes Buffered::read1(std::int64_t n) {
  if (!readable_) return BufferedIOBase::read1(n);
  check_attached();
  if (n < 0) n = buffer_size_;
  check_closed("read of closed file");
  if (n == 0) return Bytes();
  if (std::int64_t have = readahead(); have > 0) return take_buffered(std::min(have, n));
  // CPython 3.11 does not flush pending writes here (gh-115059): a BufferedRandom reads from
  // where the raw stream is and writes the pending bytes later, after what it read.
  buffer::ByteVector out(static_cast<std::size_t>(n));
  reset_read_buffer();
  std::int64_t r = raw_read(out.data(), n);
  out.resize(static_cast<std::size_t>(r == kWouldBlock ? 0 : r));
  return Bytes(std::move(out));
}

Bytes Buffered::peek(std::int64_t n) {
  if (!readable_) return BufferedIOBase::peek(n);
  check_attached();
  check_closed("peek of closed file");
  if (writable_) flush_and_rewind();
  return peek_unlocked();
}

// All the read-ahead bytes, or one buffer's fill when there are none; the position stays.
Bytes Buffered::peek_unlocked() {
  if (std::int64_t have = readahead(); have > 0) return bytes_of(data() + pos_, have);
  reset_read_buffer();
  std::int64_t r = fill_buffer();
  if (r == kWouldBlock) r = 0;
  pos_ = 0;
  return bytes_of(data(), r);
}

IntOrNone Buffered::readinto(MutableByteSpan buffer) {
  if (!readable_) return BufferedIOBase::readinto(buffer);
  return readinto_generic(buffer, false);
}

IntOrNone Buffered::readinto1(MutableByteSpan buffer) {
  if (!readable_) return BufferedIOBase::readinto1(buffer);
  return readinto_generic(buffer, true);
}

// Fills `buffer`: read-ahead first; then remainders larger than the buffer go straight into
// it, smaller ones through the buffer. readinto1 makes at most one raw read.
IntOrNone Buffered::readinto_generic(MutableByteSpan buffer, bool readinto1) {
  check_attached();
  check_closed("readinto of closed file");
  const auto length = static_cast<std::int64_t>(buffer.size());
  std::byte* out = buffer.data();
  std::int64_t written = 0;
  if (std::int64_t have = readahead(); have > 0) {
    if (have >= length) {
      copy_bytes(out, data() + pos_, length);
      pos_ += length;
      return length;
    }
    copy_bytes(out, data() + pos_, have);
    pos_ += have;
    written = have;
  }
  if (writable_) flush_and_rewind();
  reset_read_buffer();
  pos_ = 0;
  for (std::int64_t remaining = length - written; remaining > 0;) {
    std::int64_t n = 0;
    if (remaining > buffer_size_) {
      n = raw_read(out + written, remaining);
    } else if (!(readinto1 && written)) {
      n = fill_buffer();
      if (n > 0) {
        n = std::min(n, remaining);
        copy_bytes(out + written, data() + pos_, n);
        pos_ += n;
        written += n;
        remaining -= n;
        continue;
      }
    }
    if (n == 0 || (n == kWouldBlock && written > 0)) break;
    if (n == kWouldBlock) return std::nullopt;
    written += n;
    remaining -= n;
    if (readinto1) break;
  }
  return written;
}

Bytes Buffered::readline(std::int64_t limit) {
  if (!readable_) return BufferedIOBase::readline(limit);
  check_attached();
  return readline_unchecked(limit);
}

Bytes Buffered::readline_unchecked(std::int64_t limit) {
  check_closed("readline of closed file");
  // A line already in the read-ahead costs no system call.
  std::int64_t n = readahead();
  if (limit >= 0 && n > limit) n = limit;
  const std::byte* start = data() + pos_;
  if (const void* nl = n > 0 ? std::memchr(start, '\n', static_cast<std::size_t>(n)) : nullptr) {
    return take_buffered(static_cast<const std::byte*>(nl) - start + 1);
  }
  if (n == limit) return take_buffered(n);

  buffer::ByteVector line(start, start + n);
  pos_ += n;
  if (limit >= 0) limit -= n;
  if (writable_) flush_and_rewind();
  for (;;) {
    reset_read_buffer();
    n = fill_buffer();
    if (n <= 0) break;
    if (limit >= 0 && n > limit) n = limit;
    const std::byte* chunk = data();
    if (const void* nl = std::memchr(chunk, '\n', static_cast<std::size_t>(n))) {
      std::int64_t through = static_cast<const std::byte*>(nl) - chunk + 1;
      line.insert(line.end(), chunk, chunk + through);
      pos_ = through;
      break;
    }
    line.insert(line.end(), chunk, chunk + n);
    if (n == limit) {
      pos_ = n;
      break;
    }
    if (limit >= 0) limit -= n;
  }
  return Bytes(std::move(line));
}

Bytes Buffered::next() {
  if (!readable_) return BufferedIOBase::next();
  check_attached();
  Bytes line = readline_unchecked(-1);
  if (line.empty()) throw StopIteration("");
  return line;
}

// --- writing -----------------------------------------------------------------------------

IntOrNone Buffered::write(ByteSpan data_in) {
  if (!writable_) return BufferedIOBase::write(data_in);
  check_attached();
  if (is_closed()) throw ValueError("write to closed file");
  const auto length = static_cast<std::int64_t>(data_in.size());
  if (!valid_read() && !valid_write()) pos_ = raw_pos_ = 0;
  // Fast path: it fits (even exactly) behind the position.
  if (length > buffer_size_ - pos_) return write_through_raw(data_in);
  if (length > 0) std::memcpy(data() + pos_, data_in.data(), data_in.size());
  if (!valid_write() || write_pos_ > pos_) write_pos_ = pos_;
  adjust_position(pos_ + length);
  if (pos_ > write_end_) write_end_ = pos_;
  return length;
}

// write() when the data does not fit: flush, then large data goes to the raw stream directly.
std::int64_t Buffered::write_through_raw(ByteSpan data_in) {
  const std::byte* in = data_in.data();
  const auto length = static_cast<std::int64_t>(data_in.size());
  try {
    flush_unlocked();
  } catch (const BlockingIOError&) {
    // The raw stream is full: keep the unwritten bytes, then buffer what fits of the new ones.
    if (readable_) reset_read_buffer();
    copy_bytes(data(), data() + write_pos_, write_end_ - write_pos_);
    write_end_ -= write_pos_;
    raw_pos_ -= write_pos_;
    pos_ -= write_pos_;
    write_pos_ = 0;
    std::int64_t avail = buffer_size_ - write_end_;
    if (length <= avail) {
      copy_bytes(data() + write_end_, in, length);
      write_end_ += length;
      pos_ += length;
      return length;
    }
    copy_bytes(data() + write_end_, in, avail);
    write_end_ += avail;
    pos_ += avail;
    throw BlockingIOError(os::Errno::eagain, kWouldBlockMessage, avail);
  }

  // A read-ahead leaves the raw stream past the logical position (issue #6629).
  if (std::int64_t offset = raw_offset(); offset != 0) {
    raw_seek(-offset, 1);
    raw_pos_ -= offset;
  }
  std::int64_t remaining = length, written = 0;
  while (remaining > buffer_size_) {
    std::int64_t n = raw_write(in + written, length - written);
    if (n == kWouldBlock) {
      copy_bytes(data(), in + written, buffer_size_);
      raw_pos_ = 0;
      adjust_position(buffer_size_);
      write_end_ = buffer_size_;
      written += buffer_size_;
      throw BlockingIOError(os::Errno::eagain, kWouldBlockMessage, written);
    }
    written += n;
    remaining -= n;
  }
  if (readable_) reset_read_buffer();
  copy_bytes(data(), in + written, remaining);
  written += remaining;
  write_pos_ = 0;
  write_end_ = remaining;
  adjust_position(remaining);
  raw_pos_ = 0;
  return written;
}

// --- positioning -------------------------------------------------------------------------

std::int64_t Buffered::seek(std::int64_t target, int whence) {
  check_attached();
  if ((whence < 0 || whence > 2) && whence != os::SEEK::DATA && whence != os::SEEK::HOLE)
    throw ValueError("whence value " + std::to_string(whence) + " unsupported");
  check_closed("seek of closed file");
  if (!raw_->seekable()) throw UnsupportedOperation("File or stream is not seekable.");
  // Inside the read-ahead only the position moves.
  if ((whence == 0 || whence == 1) && readable_) {
    std::int64_t current = abs_pos_ != -1 ? abs_pos_ : raw_tell();
    if (std::int64_t avail = readahead(); avail > 0) {
      std::int64_t offset = whence == 0 ? target - (current - raw_offset()) : target;
      if (offset >= -pos_ && offset <= avail) {
        pos_ += offset;
        return current - avail + offset;
      }
    }
  }
  if (writable_) flush_unlocked();
  if (whence == 1) target -= raw_offset();
  std::int64_t n = raw_seek(target, whence);
  raw_pos_ = -1;
  if (readable_) reset_read_buffer();
  return n;
}

std::int64_t Buffered::tell() {
  check_attached();
  return raw_tell() - raw_offset();
}

std::int64_t Buffered::truncate(std::optional<std::int64_t> size) {
  check_attached();
  check_closed("truncate of closed file");
  if (!writable_) throw UnsupportedOperation("truncate");
  flush_and_rewind();
  std::int64_t result = raw_->truncate(size);
  try {
    raw_tell();
  } catch (const Exception&) {
  }
  return result;
}

// --- BufferedRWPair ----------------------------------------------------------------------

BufferedRWPair::BufferedRWPair(std::shared_ptr<RawIOBase> reader, std::shared_ptr<RawIOBase> writer,
                               std::int64_t buffer_size) {
  if (!reader->readable()) throw UnsupportedOperation("File or stream is not readable.");
  if (!writer->writable()) throw UnsupportedOperation("File or stream is not writable.");
  reader_ = std::make_unique<BufferedReader>(std::move(reader), buffer_size);
  writer_ = std::make_unique<BufferedWriter>(std::move(writer), buffer_size);
}

void BufferedRWPair::close() {
  std::exception_ptr writer_error;
  try {
    writer_->close();
  } catch (...) {
    writer_error = std::current_exception();
  }
  reader_->close();
  if (writer_error) std::rethrow_exception(writer_error);
}

}  // namespace bl::io
