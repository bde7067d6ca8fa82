#include "buffer/memoryview.hpp"

#include <utility>

#include "os/errors.hpp"

namespace bl::buffer {

namespace {

// bytes(b'') has no storage of its own; views of it share this one (never resized).
std::shared_ptr<Storage> storage_or_empty(const std::shared_ptr<Storage>& storage) {
  if (storage) return storage;
  return std::make_shared<Storage>();
}

}  // namespace

MemoryView::MemoryView(std::shared_ptr<Storage> storage, bool readonly)
    : storage_(storage_or_empty(storage)), length_(storage_->bytes().size()), readonly_(readonly) {
  ++storage_->exports;
}

MemoryView::MemoryView(const Bytes& bytes) : MemoryView(bytes.storage(), true) {}

MemoryView::MemoryView(const ByteArray& array) : MemoryView(array.storage(), false) {}

MemoryView::MemoryView(const MemoryView& other)
    : storage_(other.storage_),
      offset_(other.offset_),
      length_(other.length_),
      readonly_(other.readonly_) {
  other.check_released();
  ++storage_->exports;
}

MemoryView& MemoryView::operator=(const MemoryView& other) {
  if (this != &other) {
    MemoryView copy(other);
    *this = std::move(copy);
  }
  return *this;
}

MemoryView::MemoryView(MemoryView&& other) noexcept
    : storage_(std::exchange(other.storage_, nullptr)),
      offset_(other.offset_),
      length_(other.length_),
      readonly_(other.readonly_) {}

MemoryView& MemoryView::operator=(MemoryView&& other) noexcept {
  if (this != &other) {
    release();
    storage_ = std::exchange(other.storage_, nullptr);
    offset_ = other.offset_;
    length_ = other.length_;
    readonly_ = other.readonly_;
  }
  return *this;
}

void MemoryView::release() {
  if (!storage_) return;
  --storage_->exports;
  storage_ = nullptr;
}

void MemoryView::check_released() const {
  if (!storage_) throw ValueError("operation forbidden on released memoryview object");
}

std::size_t MemoryView::size() const {
  check_released();
  return length_;
}

bool MemoryView::readonly() const {
  check_released();
  return readonly_;
}

ByteSpan MemoryView::span() const {
  check_released();
  return ByteSpan(storage_->bytes()).subspan(offset_, length_);
}

MutableByteSpan MemoryView::mutable_span() const {
  check_released();
  if (readonly_) throw TypeError("cannot modify read-only memory");
  return storage_->bytes().subspan(offset_, length_);
}

MemoryView MemoryView::slice(std::int64_t start, std::int64_t stop) const {
  auto [begin, end] = clamp_slice(start, stop, size());
  MemoryView view(*this);
  view.offset_ += begin;
  view.length_ = end - begin;
  return view;
}

}  // namespace bl::buffer
