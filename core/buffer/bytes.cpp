#include "buffer/bytes.hpp"

#include <algorithm>
#include <cstring>

#include "buffer/memoryview.hpp"
#include "os/errors.hpp"

namespace bl::buffer {

namespace {

std::shared_ptr<Storage> make_storage(ByteSpan data) {
  auto storage = std::make_shared<Storage>();
  storage->data.assign(data.begin(), data.end());
  return storage;
}

std::string_view chars(ByteSpan data) {
  return {reinterpret_cast<const char*>(data.data()), data.size()};
}

}  // namespace

std::pair<std::size_t, std::size_t> clamp_slice(std::int64_t start, std::int64_t stop,
                                                std::size_t size) {
  auto n = static_cast<std::int64_t>(size);
  auto clamp = [n](std::int64_t i) {
    if (i < 0) i += n;
    return static_cast<std::size_t>(std::clamp<std::int64_t>(i, 0, n));
  };
  std::size_t begin = clamp(start), end = clamp(stop);
  return {begin, std::max(begin, end)};
}

namespace {

// CPython's bytes_repr; bytearray's repr escapes a single quote even inside double quotes.
std::string repr_with(ByteSpan data, bool always_escape_single) {
  std::string_view text = chars(data);
  bool has_single = text.find('\'') != std::string_view::npos;
  bool has_double = text.find('"') != std::string_view::npos;
  char quote = has_single && !has_double ? '"' : '\'';
  static constexpr char hex[] = "0123456789abcdef";
  std::string out = "b";
  out += quote;
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (c == quote || c == '\\' || (always_escape_single && c == '\'')) {
      out += '\\';
      out += c;
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (u < 0x20 || u >= 0x7f) {
      out += "\\x";
      out += hex[u >> 4];
      out += hex[u & 0xf];
    } else {
      out += c;
    }
  }
  out += quote;
  return out;
}

}  // namespace

std::string bytes_repr(ByteSpan data) { return repr_with(data, false); }

// --- Bytes -------------------------------------------------------------------------------

Bytes::Bytes(ByteSpan data) {
  if (!data.empty()) storage_ = make_storage(data);
}

Bytes::Bytes(ByteVector&& data) {
  if (data.empty()) return;
  storage_ = std::make_shared<Storage>();
  storage_->data = std::move(data);
}

std::string_view Bytes::view() const { return chars(span()); }

Bytes Bytes::slice(std::int64_t start, std::int64_t stop) const {
  auto [begin, end] = clamp_slice(start, stop, size());
  return Bytes(span().subspan(begin, end - begin));
}

std::string Bytes::repr() const { return bytes_repr(span()); }

bool operator==(const Bytes& a, const Bytes& b) {
  return std::equal(a.span().begin(), a.span().end(), b.span().begin(), b.span().end());
}

// --- ByteArray ---------------------------------------------------------------------------

namespace {

std::shared_ptr<Storage> bytearray_storage(std::shared_ptr<Storage> storage) {
  storage->type_name = "bytearray";
  storage->hashable = false;
  return storage;
}

}  // namespace

ByteArray::ByteArray() : storage_(bytearray_storage(std::make_shared<Storage>())) {}

ByteArray::ByteArray(std::size_t size) : ByteArray() { storage_->data.resize(size, std::byte{0}); }

ByteArray::ByteArray(ByteSpan data) : storage_(bytearray_storage(make_storage(data))) {}

std::string_view ByteArray::view() const { return chars(span()); }

void ByteArray::check_resizable() const {
  if (storage_->exports > 0) throw BufferError(std::string(kExportedResizeMessage));
}

void ByteArray::resize(std::size_t size) {
  if (size == this->size()) return;
  check_resizable();
  storage_->data.resize(size, std::byte{0});
}

void ByteArray::append(std::byte b) {
  check_resizable();
  storage_->data.push_back(b);
}

void ByteArray::extend(ByteSpan data) {
  if (data.empty()) return;
  check_resizable();
  storage_->data.insert(storage_->data.end(), data.begin(), data.end());
}

void ByteArray::erase(std::size_t start, std::size_t stop) {
  stop = std::min(stop, size());
  if (start >= stop) return;
  check_resizable();
  storage_->data.erase(storage_->data.begin() + static_cast<std::ptrdiff_t>(start),
                       storage_->data.begin() + static_cast<std::ptrdiff_t>(stop));
}

void ByteArray::assign_slice(std::size_t start, std::size_t stop, ByteSpan data) {
  start = std::min(start, size());
  stop = std::clamp(stop, start, size());
  if (stop - start == data.size()) {
    if (!data.empty()) std::memmove(storage_->data.data() + start, data.data(), data.size());
    return;
  }
  check_resizable();
  ByteVector copy(data.begin(), data.end());  // `data` may be a view of this bytearray
  auto& bytes = storage_->data;
  bytes.erase(bytes.begin() + static_cast<std::ptrdiff_t>(start),
              bytes.begin() + static_cast<std::ptrdiff_t>(stop));
  bytes.insert(bytes.begin() + static_cast<std::ptrdiff_t>(start), copy.begin(), copy.end());
}

std::string ByteArray::repr() const { return "bytearray(" + repr_with(span(), true) + ")"; }

}  // namespace bl::buffer
