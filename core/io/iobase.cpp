#include "io/iobase.hpp"

#include <algorithm>
#include <cstring>

namespace bl::io {

std::string repr(const Name& name) {
  if (const auto* fd = std::get_if<std::int64_t>(&name)) return std::to_string(*fd);
  return python_str_repr(std::get<std::string>(name));
}

// --- IOBase ------------------------------------------------------------------------------

std::string IOBase::repr() const { return "<" + std::string(type_name()) + " object>"; }

void IOBase::check_closed() const {
  if (closed()) throw ValueError("I/O operation on closed file.");
}

void IOBase::raise_no_attribute(std::string_view attribute) const {
  throw AttributeError("'" + std::string(type_name()) + "' object has no attribute '" +
                       std::string(attribute) + "'");
}

void IOBase::close() {
  if (closed_) return;
  try {
    flush();
  } catch (...) {
    closed_ = true;
    throw;
  }
  closed_ = true;
}

void IOBase::flush() { check_closed(); }

std::int64_t IOBase::fileno() { throw UnsupportedOperation("fileno"); }

bool IOBase::isatty() {
  check_closed();
  return false;
}

std::int64_t IOBase::seek(std::int64_t, int) { throw UnsupportedOperation("seek"); }

std::int64_t IOBase::truncate(std::optional<std::int64_t>) {
  throw UnsupportedOperation("truncate");
}

std::optional<Bytes> BinaryIOBase::read(std::int64_t) { raise_no_attribute("read"); }

IntOrNone BinaryIOBase::write(ByteSpan) { raise_no_attribute("write"); }

Bytes BinaryIOBase::peek(std::int64_t) { raise_no_attribute("peek"); }

// IOBase.readline over bytes: read(1) per byte, or as many bytes as peek() shows up to the newline.
Bytes BinaryIOBase::readline(std::int64_t limit) {
  buffer::ByteVector line;
  const bool peeks = has_peek();
  while (limit < 0 || static_cast<std::int64_t>(line.size()) < limit) {
    std::int64_t wanted = 1;
    if (peeks) {
      Bytes ahead = peek(1);
      if (!ahead.empty()) {
        auto available = static_cast<std::int64_t>(ahead.size());
        if (limit >= 0) available = std::min(available, limit);
        auto span = ahead.span().first(static_cast<std::size_t>(available));
        auto newline = std::find(span.begin(), span.end(), std::byte{'\n'});
        wanted = newline == span.end() ? available : (newline - span.begin()) + 1;
      }
    }
    std::optional<Bytes> chunk = read(wanted);
    // A non-blocking raw stream with nothing to read answers None, which IOBase rejects.
    if (!chunk) throw OSError("read() should have returned a bytes object, not 'NoneType'");
    if (chunk->empty()) break;
    line.insert(line.end(), chunk->span().begin(), chunk->span().end());
    if (line.back() == std::byte{'\n'}) break;
  }
  return Bytes(std::move(line));
}

void IOBase::iter() { check_closed(); }

Bytes BinaryIOBase::next() {
  Bytes line = readline();
  if (line.empty()) throw StopIteration("");
  return line;
}

std::vector<Bytes> BinaryIOBase::readlines(std::int64_t hint) { return read_lines(*this, hint); }

void BinaryIOBase::writelines(const std::vector<Bytes>& lines) {
  check_closed();
  for (const Bytes& line : lines) write(line.span());
}

void IOBase::enter() { check_closed(); }

Name IOBase::name() const {
  auto name = name_attribute();
  if (!name) raise_no_attribute("name");
  return *name;
}

std::string IOBase::mode() const {
  auto mode = mode_attribute();
  if (!mode) raise_no_attribute("mode");
  return *mode;
}

// --- RawIOBase ---------------------------------------------------------------------------

IntOrNone RawIOBase::readinto(MutableByteSpan) { throw NotImplementedError(""); }

IntOrNone RawIOBase::write(ByteSpan) { throw NotImplementedError(""); }

std::optional<Bytes> RawIOBase::read(std::int64_t n) {
  if (n < 0) return readall();
  buffer::ByteVector data(static_cast<std::size_t>(n));
  IntOrNone got = readinto(data);
  if (!got) return std::nullopt;
  if (*got < 0 || *got > n)
    throw ValueError("readinto returned " + std::to_string(*got) + " outside buffer size " +
                     std::to_string(n));
  data.resize(static_cast<std::size_t>(*got));
  return Bytes(std::move(data));
}

std::optional<Bytes> RawIOBase::readall() {
  buffer::ByteVector all;
  for (bool first = true;; first = false) {
    std::optional<Bytes> chunk = read(DEFAULT_BUFFER_SIZE);
    if (!chunk) {
      if (first) return std::nullopt;
      break;
    }
    if (chunk->empty()) break;
    all.insert(all.end(), chunk->span().begin(), chunk->span().end());
  }
  return Bytes(std::move(all));
}

// --- BufferedIOBase ----------------------------------------------------------------------

std::optional<Bytes> BufferedIOBase::read(std::int64_t) { throw UnsupportedOperation("read"); }

Bytes BufferedIOBase::read1(std::int64_t) { throw UnsupportedOperation("read1"); }

namespace {

std::int64_t copy_into(MutableByteSpan buffer, const Bytes& data) {
  if (data.size() > buffer.size())
    throw ValueError("read() returned too much data: " + std::to_string(buffer.size()) +
                     " bytes requested, " + std::to_string(data.size()) + " returned");
  std::copy(data.span().begin(), data.span().end(), buffer.begin());
  return static_cast<std::int64_t>(data.size());
}

}  // namespace

IntOrNone BufferedIOBase::readinto(MutableByteSpan buffer) {
  std::optional<Bytes> data = read(static_cast<std::int64_t>(buffer.size()));
  if (!data) throw TypeError("read() should return bytes");
  return copy_into(buffer, *data);
}

IntOrNone BufferedIOBase::readinto1(MutableByteSpan buffer) {
  return copy_into(buffer, read1(static_cast<std::int64_t>(buffer.size())));
}

IntOrNone BufferedIOBase::write(ByteSpan) { throw UnsupportedOperation("write"); }

std::shared_ptr<RawIOBase> BufferedIOBase::detach() { throw UnsupportedOperation("detach"); }

}  // namespace bl::io
