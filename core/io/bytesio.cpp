#include "io/bytesio.hpp"

#include <algorithm>
#include <cstring>
#include <limits>
#include <new>
#include <stdexcept>
#include <string>

namespace bl::io {

namespace {

constexpr std::int64_t kMaxPosition = std::numeric_limits<std::int64_t>::max();
// Larger buffers are refused with MemoryError without asking the allocator: no machine this
// runs on has a terabyte to give, and sanitizer allocators abort on such requests instead of
// failing. CPython gets the same MemoryError from malloc here.
constexpr std::int64_t kMaxBufferSize = std::int64_t{1} << 40;

}  // namespace

BytesIO::BytesIO() : storage_(std::make_shared<buffer::Storage>()) {
  storage_->type_name = "_io._BytesIOBuffer";  // what getbuffer().obj is
}

BytesIO::BytesIO(ByteSpan initial_bytes) : BytesIO() {
  storage_->data.assign(initial_bytes.begin(), initial_bytes.end());
  private_buffer_ = !initial_bytes.empty();
}

void BytesIO::check_exports() const {
  if (storage_->exports > 0) throw BufferError(std::string(buffer::kExportedResizeMessage));
}

void BytesIO::close() {
  if (storage_) check_exports();
  storage_.reset();
  mark_closed();
}

bool BytesIO::readable() {
  check_closed();
  return true;
}

bool BytesIO::writable() {
  check_closed();
  return true;
}

bool BytesIO::seekable() {
  check_closed();
  return true;
}

// --- reading -----------------------------------------------------------------------------

Bytes BytesIO::take(std::int64_t n) {
  if (n <= 0) return Bytes();
  Bytes out(ByteSpan(storage_->data)
                .subspan(static_cast<std::size_t>(pos_), static_cast<std::size_t>(n)));
  pos_ += n;
  return out;
}

std::int64_t BytesIO::scan_eol(std::int64_t limit) const {
  if (pos_ >= size()) return 0;
  std::int64_t left = size() - pos_;
  std::int64_t length = limit < 0 || limit > left ? left : limit;
  auto first = storage_->data.begin() + static_cast<std::ptrdiff_t>(pos_);
  auto last = first + static_cast<std::ptrdiff_t>(length);
  auto newline = std::find(first, last, std::byte{'\n'});
  return newline == last ? length : (newline - first) + 1;
}

std::optional<Bytes> BytesIO::read(std::int64_t n) {
  check_closed();
  std::int64_t left = std::max<std::int64_t>(size() - pos_, 0);
  return take(n < 0 || n > left ? left : n);
}

Bytes BytesIO::read1(std::int64_t n) { return *read(n); }

IntOrNone BytesIO::readinto(MutableByteSpan buffer) {
  check_closed();
  std::int64_t left = std::max<std::int64_t>(size() - pos_, 0);
  std::int64_t n = std::min(static_cast<std::int64_t>(buffer.size()), left);
  // memmove: the buffer may be a view of this very BytesIO.
  if (n > 0)
    std::memmove(buffer.data(), storage_->data.data() + static_cast<std::size_t>(pos_),
                 static_cast<std::size_t>(n));
  pos_ += n;
  return n;
}

IntOrNone BytesIO::readinto1(MutableByteSpan buffer) { return readinto(buffer); }

Bytes BytesIO::readline(std::int64_t limit) {
  check_closed();
  return take(scan_eol(limit));
}

std::vector<Bytes> BytesIO::readlines(std::int64_t hint) {
  check_closed();
  std::vector<Bytes> lines;
  std::int64_t total = 0;
  while (std::int64_t n = scan_eol(-1)) {
    lines.push_back(take(n));
    total += n;
    if (hint > 0 && total >= hint) break;
  }
  return lines;
}

Bytes BytesIO::next() {
  check_closed();
  std::int64_t n = scan_eol(-1);
  if (n == 0) throw StopIteration("");
  return take(n);
}

// --- writing -----------------------------------------------------------------------------

void BytesIO::grow(std::int64_t size) {
  auto& data = storage_->data;
  try {
    if (size > kMaxBufferSize || static_cast<std::uint64_t>(size) > data.max_size())
      throw std::bad_alloc();
    data.resize(static_cast<std::size_t>(size), std::byte{0});
  } catch (const std::exception&) {  // bad_alloc, length_error
    if (private_buffer_) {
      storage_.reset();
      mark_closed();
    }
    throw MemoryError("");
  }
  private_buffer_ = true;
}

IntOrNone BytesIO::write(ByteSpan data) {
  check_closed();
  check_exports();
  auto length = static_cast<std::int64_t>(data.size());
  if (length == 0) return 0;
  if (pos_ > kMaxPosition - length) throw OverflowError("new buffer size too large");
  std::int64_t end = pos_ + length;
  if (end > size()) grow(end);  // zero-fills any gap between the old end and pos_
  std::memmove(storage_->data.data() + static_cast<std::size_t>(pos_), data.data(), data.size());
  pos_ = end;
  return length;
}

// --- positioning -------------------------------------------------------------------------

std::int64_t BytesIO::seek(std::int64_t offset, int whence) {
  check_closed();
  if (offset < 0 && whence == 0) throw ValueError("negative seek value " + std::to_string(offset));
  if (whence == 1) {
    if (offset > kMaxPosition - pos_) throw OverflowError("new position too large");
    offset += pos_;
  } else if (whence == 2) {
    if (offset > kMaxPosition - size()) throw OverflowError("new position too large");
    offset += size();
  } else if (whence != 0) {
    throw ValueError("invalid whence (" + std::to_string(whence) + ", should be 0, 1 or 2)");
  }
  pos_ = std::max<std::int64_t>(offset, 0);
  return pos_;
}

std::int64_t BytesIO::tell() {
  check_closed();
  return pos_;
}

std::int64_t BytesIO::truncate(std::optional<std::int64_t> size) {
  check_closed();
  check_exports();
  std::int64_t new_size = size.value_or(pos_);
  if (new_size < 0) throw ValueError("negative size value " + std::to_string(new_size));
  auto& data = storage_->data;
  if (new_size < this->size()) {
    data.resize(static_cast<std::size_t>(new_size));
    if (data.size() < data.capacity() / 2) data.shrink_to_fit();
  }
  return new_size;
}

// --- the buffer --------------------------------------------------------------------------

Bytes BytesIO::getvalue() const {
  check_closed();
  return Bytes(ByteSpan(storage_->data));
}

buffer::MemoryView BytesIO::getbuffer() {
  check_closed();
  return buffer::MemoryView(storage_, /*readonly=*/false);
}

}  // namespace bl::io
