#include "buffer/memoryview.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>

#include "buffer/hash.hpp"
#include "os/errors.hpp"

namespace bl::buffer {

namespace {

constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
constexpr std::size_t kMaxDims = 64;  // PyBUF_MAX_NDIM

// bytes(b'') has no storage of its own; views of it share this one (never resized).
std::shared_ptr<Storage> storage_or_empty(const std::shared_ptr<Storage>& storage) {
  if (storage) return storage;
  return std::make_shared<Storage>();
}

// Strides overflow where CPython's C arithmetic wraps (m[::2**62] of 8-byte items); wrap alike
// instead of invoking undefined behaviour. Only shapes of 0 or 1 items get such strides.
std::int64_t wrapping_mul(std::int64_t a, std::int64_t b) {
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(a) * static_cast<std::uint64_t>(b));
}

bool is_int(const KeyPart& p) { return std::holds_alternative<std::int64_t>(p); }
bool is_slice(const KeyPart& p) { return std::holds_alternative<Slice>(p); }

// PySequence/PyObject_Length of a value, as hex()'s sep check needs it.
std::size_t length_of(const Value& v) {
  if (const auto* b = std::get_if<Bytes>(&v)) return b->size();
  if (const auto* s = std::get_if<std::string>(&v)) {
    return static_cast<std::size_t>(std::count_if(
        s->begin(), s->end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
  }
  if (const auto* b = std::get_if<BufferValue>(&v)) return b->view->len();
  if (const auto* o = std::get_if<OtherValue>(&v); o && o->length) return *o->length;
  throw TypeError("object of type '" + type_name(v) + "' has no len()");
}

// The separator character hex() puts between groups.
char hex_separator(const Value& sep) {
  if (length_of(sep) != 1) throw ValueError("sep must be length 1.");
  unsigned char c;
  if (const auto* s = std::get_if<std::string>(&sep)) {
    c = static_cast<unsigned char>((*s)[0]);
  } else if (const auto* b = std::get_if<Bytes>(&sep)) {
    c = (*b)[0];
  } else {
    throw TypeError("sep must be str or bytes.");
  }
  if (c > 127) throw ValueError("sep must be ASCII.");
  return static_cast<char>(c);
}

// _Py_strhex_with_sep: groups of |per_sep| bytes, counted from the right when per_sep > 0.
std::string strhex(ByteSpan data, std::optional<char> sep, int per_sep) {
  static constexpr char digits[] = "0123456789abcdef";
  const std::size_t n = data.size();
  const std::size_t group = sep ? static_cast<std::size_t>(std::abs(std::int64_t{per_sep})) : 0;
  std::string out;
  for (std::size_t i = 0; i < n; ++i) {
    if (group && i > 0 && (per_sep < 0 ? i : n - i) % group == 0) out += *sep;
    auto v = std::to_integer<unsigned>(data[i]);
    out += digits[v >> 4];
    out += digits[v & 15];
  }
  return out;
}

// The buffer a value offers to slice assignment (PyObject_GetBuffer).
MemoryView buffer_of(const Value& value) {
  if (const auto* b = std::get_if<Bytes>(&value)) return MemoryView(*b);
  if (const auto* b = std::get_if<BufferValue>(&value)) return MemoryView(*b->view);
  throw TypeError("a bytes-like object is required, not '" + type_name(value) + "'");
}

// A shape element of cast(): a positive int.
std::int64_t shape_element(const Value& v) {
  if (std::holds_alternative<std::uint64_t>(v) || std::holds_alternative<BigInt>(v))
    throw OverflowError("Python int too large to convert to C ssize_t");
  std::int64_t x;
  if (const auto* i = std::get_if<std::int64_t>(&v)) {
    x = *i;
  } else if (const auto* b = std::get_if<bool>(&v)) {
    x = *b;
  } else {
    throw TypeError("memoryview.cast(): elements of shape must be integers");
  }
  if (x <= 0) throw ValueError("memoryview.cast(): elements of shape must be integers > 0");
  return x;
}

}  // namespace

// --- slices ------------------------------------------------------------------------------

SliceRange adjust_slice(const Slice& s, std::int64_t length) {
  std::int64_t step = s.step.value_or(1);
  if (step == 0) throw ValueError("slice step cannot be zero");
  if (step < -kMax) step = -kMax;
  std::int64_t start = s.start.value_or(step < 0 ? kMax : 0);
  std::int64_t stop = s.stop.value_or(step < 0 ? std::numeric_limits<std::int64_t>::min() : kMax);
  auto adjust = [&](std::int64_t& i) {
    if (i < 0) {
      i += length;
      if (i < 0) i = step < 0 ? -1 : 0;
    } else if (i >= length) {
      i = step < 0 ? length - 1 : length;
    }
  };
  adjust(start);
  adjust(stop);
  std::int64_t count = 0;
  if (step < 0) {
    if (stop < start) count = (start - stop - 1) / -step + 1;
  } else if (start < stop) {
    count = (stop - start - 1) / step + 1;
  }
  return {start, step, count};
}

// --- exports of a view -------------------------------------------------------------------

ViewExport::ViewExport(std::shared_ptr<std::size_t> count, std::shared_ptr<Storage> storage)
    : count_(std::move(count)), storage_(std::move(storage)) {
  ++*count_;
  ++storage_->exports;
}

ViewExport& ViewExport::operator=(ViewExport&& other) noexcept {
  if (this != &other) {
    release();
    count_ = std::move(other.count_);
    storage_ = std::move(other.storage_);
  }
  return *this;
}

void ViewExport::release() {
  if (!count_) return;
  --*count_;
  --storage_->exports;
  count_ = nullptr;
  storage_ = nullptr;
}

// --- construction and release ------------------------------------------------------------

void MemoryView::register_with(std::shared_ptr<Storage> storage) {
  storage_ = std::move(storage);
  ++storage_->exports;
}

MemoryView::MemoryView(std::shared_ptr<Storage> storage, bool readonly) : readonly_(readonly) {
  register_with(storage_or_empty(storage));
  format_ = native_format(storage_->format);
  shape_ = {static_cast<std::int64_t>(storage_->bytes().size() / format_.itemsize)};
  strides_ = {static_cast<std::int64_t>(format_.itemsize)};
  init_flags();
}

MemoryView::MemoryView(const Bytes& bytes) : MemoryView(bytes.storage(), true) {}

MemoryView::MemoryView(const ByteArray& array) : MemoryView(array.storage(), false) {}

MemoryView::MemoryView(const Array& array) : MemoryView(array.storage(), false) {}

MemoryView::MemoryView(const MemoryView& other)
    : offset_(other.offset_),
      format_(other.format_),
      shape_(other.shape_),
      strides_(other.strides_),
      readonly_(other.readonly_),
      c_contiguous_(other.c_contiguous_),
      f_contiguous_(other.f_contiguous_) {
  other.check_released();
  register_with(other.storage_);
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
      exports_(other.exports_),
      offset_(other.offset_),
      format_(other.format_),
      shape_(std::move(other.shape_)),
      strides_(std::move(other.strides_)),
      readonly_(other.readonly_),
      c_contiguous_(other.c_contiguous_),
      f_contiguous_(other.f_contiguous_),
      hash_(other.hash_) {}

MemoryView& MemoryView::operator=(MemoryView&& other) noexcept {
  if (this != &other) {
    drop();
    storage_ = std::exchange(other.storage_, nullptr);
    exports_ = other.exports_;
    offset_ = other.offset_;
    format_ = other.format_;
    shape_ = std::move(other.shape_);
    strides_ = std::move(other.strides_);
    readonly_ = other.readonly_;
    c_contiguous_ = other.c_contiguous_;
    f_contiguous_ = other.f_contiguous_;
    hash_ = other.hash_;
  }
  return *this;
}

void MemoryView::drop() noexcept {
  if (!storage_) return;
  --storage_->exports;
  storage_ = nullptr;
}

void MemoryView::release() {
  if (!storage_) return;
  if (std::size_t n = *exports_; n > 0)
    throw BufferError("memoryview has " + std::to_string(n) + " exported buffer" +
                      (n == 1 ? "" : "s"));
  drop();
}

void MemoryView::check_released() const {
  if (!storage_) throw ValueError("operation forbidden on released memoryview object");
}

ViewExport MemoryView::export_buffer() const {
  check_released();
  return ViewExport(exports_, storage_);
}

// --- attributes --------------------------------------------------------------------------

// CPython's init_flags: a 1-D view is contiguous when its one stride is the item size or it has
// a single item (so an empty stepped slice is not); N-D views by PyBuffer_IsContiguous, for
// which an empty view is contiguous.
void MemoryView::init_flags() {
  const auto ndim = shape_.size();
  const auto itemsize = static_cast<std::int64_t>(format_.itemsize);
  if (ndim == 0) {
    c_contiguous_ = f_contiguous_ = true;
  } else if (ndim == 1) {
    c_contiguous_ = f_contiguous_ = shape_[0] == 1 || strides_[0] == itemsize;
  } else {
    auto contiguous = [&](bool fortran) {
      if (item_count() == 0) return true;
      std::int64_t expected = itemsize;
      for (std::size_t k = 0; k < ndim; ++k) {
        std::size_t d = fortran ? k : ndim - 1 - k;
        if (shape_[d] > 1 && strides_[d] != expected) return false;
        expected *= shape_[d];
      }
      return true;
    };
    c_contiguous_ = contiguous(false);
    f_contiguous_ = contiguous(true);
  }
}

std::size_t MemoryView::item_count() const {
  std::size_t n = 1;
  for (auto s : shape_) n *= static_cast<std::size_t>(s);
  return n;
}

const std::shared_ptr<Storage>& MemoryView::obj() const {
  check_released();
  return storage_;
}

std::size_t MemoryView::nbytes() const {
  check_released();
  return item_count() * format_.itemsize;
}

bool MemoryView::readonly() const {
  check_released();
  return readonly_;
}

std::size_t MemoryView::itemsize() const {
  check_released();
  return format_.itemsize;
}

std::string MemoryView::format() const {
  check_released();
  return format_.text();
}

std::size_t MemoryView::ndim() const {
  check_released();
  return shape_.size();
}

std::vector<std::int64_t> MemoryView::shape() const {
  check_released();
  return shape_;
}

std::vector<std::int64_t> MemoryView::strides() const {
  check_released();
  return strides_;
}

std::vector<std::int64_t> MemoryView::suboffsets() const {
  check_released();
  return {};
}

bool MemoryView::c_contiguous() const {
  check_released();
  return c_contiguous_;
}

bool MemoryView::f_contiguous() const {
  check_released();
  return f_contiguous_;
}

bool MemoryView::contiguous() const {
  check_released();
  return c_contiguous_ || f_contiguous_;
}

std::size_t MemoryView::len() const {
  check_released();
  return shape_.empty() ? 1 : static_cast<std::size_t>(shape_[0]);
}

// --- raw access --------------------------------------------------------------------------

std::byte* MemoryView::base() const { return storage_->bytes().data(); }

MutableByteSpan MemoryView::contiguous_bytes() const {
  if (!c_contiguous_) throw BufferError("memoryview: underlying buffer is not C-contiguous");
  std::size_t n = nbytes();
  if (n == 0) return {};
  return MutableByteSpan(base() + offset_, n);
}

ByteSpan MemoryView::span() const {
  check_released();
  return contiguous_bytes();
}

MutableByteSpan MemoryView::mutable_span() const {
  check_released();
  if (readonly_) throw TypeError("cannot modify read-only memory");
  return contiguous_bytes();
}

Item MemoryView::item_at(std::int64_t offset) const {
  return unpack_item(format_, ByteSpan(base() + offset, format_.itemsize));
}

// The offset of item `index` along `dim` from `offset` (IndexError when out of range).
std::int64_t MemoryView::offset_of(int dim, std::int64_t index, std::int64_t offset) const {
  std::int64_t n = shape_[static_cast<std::size_t>(dim)];
  if (index < 0) index += n;
  if (index < 0 || index >= n)
    throw IndexError("index out of bounds on dimension " + std::to_string(dim + 1));
  return offset + strides_[static_cast<std::size_t>(dim)] * index;
}

std::vector<std::int64_t> MemoryView::item_offsets(bool fortran) const {
  std::vector<std::int64_t> out;
  if (item_count() == 0) return out;
  out.reserve(item_count());
  const std::size_t ndim = shape_.size();
  std::vector<std::int64_t> index(ndim, 0);
  for (;;) {
    std::int64_t offset = offset_;
    for (std::size_t d = 0; d < ndim; ++d) offset += strides_[d] * index[d];
    out.push_back(offset);
    // Advance the fastest-varying index: the last one in C order, the first in Fortran order.
    std::size_t k = 0;
    for (; k < ndim; ++k) {
      std::size_t d = fortran ? k : ndim - 1 - k;
      if (++index[d] < shape_[d]) break;
      index[d] = 0;
    }
    if (k == ndim) return out;
  }
}

Bytes MemoryView::copy_out(char order) const {
  std::size_t n = nbytes();
  bool contiguous = order == 'C'   ? c_contiguous_ || n == 0
                    : order == 'F' ? f_contiguous_ || n == 0
                                   : c_contiguous_ || f_contiguous_ || n == 0;
  if (contiguous)
    return Bytes(n ? ByteSpan(base() + offset_, n) : ByteSpan());
  ByteVector out;
  out.reserve(n);
  for (std::int64_t offset : item_offsets(order == 'F')) {
    const std::byte* p = base() + offset;
    out.insert(out.end(), p, p + format_.itemsize);
  }
  return Bytes(std::move(out));
}

// --- subscripts --------------------------------------------------------------------------

MemoryView MemoryView::sliced(const Slice& s) const {
  SliceRange r = adjust_slice(s, shape_[0]);
  MemoryView view(*this);
  view.hash_.reset();
  view.offset_ += wrapping_mul(strides_[0], r.start);
  view.shape_[0] = r.length;
  view.strides_[0] = wrapping_mul(strides_[0], r.step);
  view.init_flags();
  return view;
}

MemoryView MemoryView::slice(std::int64_t start, std::int64_t stop) const {
  check_released();
  return sliced(Slice{start, stop, std::nullopt});
}

Subscripted MemoryView::getitem(const Key& key) const {
  check_released();
  const auto ndim = static_cast<std::int64_t>(shape_.size());
  if (ndim == 0) {
    if (key.tuple && key.parts.empty()) return item_at(offset_);
    if (!key.tuple && std::holds_alternative<Ellipsis>(key.parts[0])) return Itself{};
    throw TypeError("invalid indexing of 0-dim memory");
  }
  if (!key.tuple) {
    const KeyPart& part = key.parts[0];
    if (const auto* i = std::get_if<std::int64_t>(&part)) {
      if (ndim > 1) throw NotImplementedError("multi-dimensional sub-views are not implemented");
      return item_at(offset_of(0, *i, offset_));
    }
    if (const auto* s = std::get_if<Slice>(&part)) return sliced(*s);
    throw TypeError("memoryview: invalid slice key");
  }
  if (std::all_of(key.parts.begin(), key.parts.end(), is_int)) {
    return item_at(offset_of_indices(key));
  }
  if (std::all_of(key.parts.begin(), key.parts.end(), is_slice))
    throw NotImplementedError("multi-dimensional slicing is not implemented");
  throw TypeError("memoryview: invalid slice key");
}

std::int64_t MemoryView::offset_of_indices(const Key& key) const {
  const auto ndim = static_cast<std::int64_t>(shape_.size());
  const auto nparts = static_cast<std::int64_t>(key.parts.size());
  if (nparts < ndim) throw NotImplementedError("sub-views are not implemented");
  if (nparts > ndim)
    throw TypeError("cannot index " + std::to_string(ndim) + "-dimension view with " +
                    std::to_string(nparts) + "-element tuple");
  std::int64_t offset = offset_;
  for (int d = 0; d < ndim; ++d)
    offset = offset_of(d, std::get<std::int64_t>(key.parts[static_cast<std::size_t>(d)]), offset);
  return offset;
}

void MemoryView::setitem(const Key& key, const Value& value) {
  check_released();
  if (readonly_) throw TypeError("cannot modify read-only memory");
  const auto ndim = static_cast<std::int64_t>(shape_.size());
  auto pack_at = [&](std::int64_t offset) {
    pack_item(format_, value, MutableByteSpan(base() + offset, format_.itemsize));
  };
  if (ndim == 0) {
    if ((key.tuple && key.parts.empty()) ||
        (!key.tuple && std::holds_alternative<Ellipsis>(key.parts[0])))
      return pack_at(offset_);
    throw TypeError("invalid indexing of 0-dim memory");
  }
  if (!key.tuple) {
    const KeyPart& part = key.parts[0];
    if (const auto* i = std::get_if<std::int64_t>(&part)) {
      if (ndim > 1) throw NotImplementedError("sub-views are not implemented");
      return pack_at(offset_of(0, *i, offset_));
    }
    if (const auto* s = std::get_if<Slice>(&part)) {
      if (ndim == 1) return assign_slice(*s, value);
      throw NotImplementedError("memoryview slice assignments are currently restricted to ndim = 1");
    }
    throw TypeError("memoryview: invalid slice key");
  }
  if (std::all_of(key.parts.begin(), key.parts.end(), is_int)) {
    return pack_at(offset_of_indices(key));
  }
  if (std::all_of(key.parts.begin(), key.parts.end(), is_slice))
    throw NotImplementedError("memoryview slice assignments are currently restricted to ndim = 1");
  throw TypeError("memoryview: invalid slice key");
}

// m[a:b:c] = value: value's buffer must have this view's format and the slice's shape. The
// source is read completely before anything is written, so overlapping views copy as memmove.
void MemoryView::assign_slice(const Slice& s, const Value& value) {
  MemoryView source = buffer_of(value);
  MemoryView dest = sliced(s);
  if (source.format_.code != dest.format_.code || source.shape_.size() != dest.shape_.size() ||
      !std::equal(source.shape_.begin(), source.shape_.end(), dest.shape_.begin()))
    throw ValueError("memoryview assignment: lvalue and rvalue have different structures");
  Bytes data = source.copy_out('C');
  const std::byte* p = data.span().data();
  for (std::int64_t offset : dest.item_offsets(false)) {
    std::memmove(base() + offset, p, format_.itemsize);
    p += format_.itemsize;
  }
}

void MemoryView::delitem(const Key&) {
  check_released();
  if (readonly_) throw TypeError("cannot modify read-only memory");
  throw TypeError("cannot delete memory");
}

// --- conversions -------------------------------------------------------------------------

Bytes MemoryView::tobytes(std::string_view order) const {
  check_released();
  if (order != "C" && order != "F" && order != "A")
    throw ValueError("order must be 'C', 'F' or 'A'");
  return copy_out(order[0]);
}

ItemTree MemoryView::tolist() const {
  check_released();
  if (shape_.empty()) return ItemTree{item_at(offset_)};
  // Build the nested lists from the C-order items, one dimension at a time from the innermost.
  std::vector<ItemTree> level;
  for (std::int64_t offset : item_offsets(false)) level.push_back(ItemTree{item_at(offset)});
  for (std::size_t d = shape_.size(); d-- > 0;) {
    auto width = static_cast<std::size_t>(shape_[d]);
    std::vector<ItemTree> outer;
    if (width == 0) {
      // An empty dimension: every enclosing list holds empty lists (only dimension 0 can
      // produce items, so inner empty dimensions leave `level` empty).
      std::size_t count = 1;
      for (std::size_t k = 0; k < d; ++k) count *= static_cast<std::size_t>(shape_[k]);
      outer.assign(count, ItemTree{std::vector<ItemTree>{}});
    } else {
      for (std::size_t i = 0; i < level.size(); i += width)
        outer.push_back(ItemTree{std::vector<ItemTree>(level.begin() + static_cast<std::ptrdiff_t>(i),
                                                       level.begin() + static_cast<std::ptrdiff_t>(i + width))});
    }
    level = std::move(outer);
  }
  return level.empty() ? ItemTree{std::vector<ItemTree>{}} : std::move(level[0]);
}

std::string MemoryView::hex(const std::optional<Value>& sep, int bytes_per_sep) const {
  check_released();
  std::optional<char> separator;
  if (sep) separator = hex_separator(*sep);
  Bytes data = copy_out('C');
  return strhex(data.span(), separator, bytes_per_sep);
}

MemoryView MemoryView::cast(std::string_view format, const std::optional<Shape>& shape) const {
  check_released();
  if (!c_contiguous_) throw TypeError("memoryview: casts are restricted to C-contiguous views");
  if ((shape || shape_.size() != 1) &&
      std::find(shape_.begin(), shape_.end(), 0) != shape_.end())
    throw TypeError("memoryview: cannot cast view with zeros in shape or strides");
  if (shape) {
    if (!shape->sequence) throw TypeError("shape must be a list or a tuple");
    if (shape->dims.size() > kMaxDims)
      throw ValueError("memoryview: number of dimensions must not exceed 64");
    if (shape_.size() != 1 && shape->dims.size() != 1)
      throw TypeError("memoryview: cast must be 1D -> ND or ND -> 1D");
  }
  auto dest = parse_native_format(format);
  if (!dest)
    throw ValueError(
        "memoryview: destination format must be a native single character format prefixed "
        "with an optional '@'");
  if (!format_.is_byte_format() && !dest->is_byte_format())
    throw TypeError("memoryview: cannot cast between two non-byte formats");
  const std::size_t n = nbytes();
  if (n % dest->itemsize) throw TypeError("memoryview: length is not a multiple of itemsize");
  MemoryView view(*this);
  view.hash_.reset();
  view.format_ = *dest;
  const auto itemsize = static_cast<std::int64_t>(dest->itemsize);
  view.shape_ = {static_cast<std::int64_t>(n) / itemsize};
  view.strides_ = {itemsize};
  if (shape) {
    std::int64_t product = itemsize;
    std::vector<std::int64_t> dims;
    for (const Value& v : shape->dims) {
      std::int64_t x = shape_element(v);
      if (x > kMax / product) throw ValueError("memoryview.cast(): product(shape) > SSIZE_MAX");
      product *= x;
      dims.push_back(x);
    }
    if (product != static_cast<std::int64_t>(n))
      throw TypeError("memoryview: product(shape) * itemsize != buffer size");
    view.shape_ = dims;
    view.strides_.assign(dims.size(), itemsize);
    for (std::size_t d = dims.size(); d-- > 1;) view.strides_[d - 1] = view.strides_[d] * dims[d];
  }
  view.init_flags();
  return view;
}

MemoryView MemoryView::toreadonly() const {
  MemoryView view(*this);
  view.hash_.reset();
  view.readonly_ = true;
  return view;
}

// --- comparison and hashing --------------------------------------------------------------

bool MemoryView::equals(const MemoryView& other) const {
  if (released() || other.released()) return this == &other;
  if (shape_.size() != other.shape_.size()) return false;
  for (std::size_t d = 0; d < shape_.size(); ++d) {
    if (shape_[d] != other.shape_[d]) return false;
    if (shape_[d] == 0) break;
  }
  auto mine = item_offsets(false);
  auto theirs = other.item_offsets(false);
  for (std::size_t i = 0; i < mine.size(); ++i) {
    if (!raw_items_equal(format_, ByteSpan(base() + mine[i], format_.itemsize), other.format_,
                         ByteSpan(other.base() + theirs[i], other.format_.itemsize)))
      return false;
  }
  return true;
}

std::int64_t MemoryView::hash() const {
  if (hash_) return *hash_;
  check_released();
  if (!readonly_) throw ValueError("cannot hash writable memoryview object");
  if (!format_.is_byte_format())
    throw ValueError("memoryview: hashing is restricted to formats 'B', 'b' or 'c'");
  if (!storage_->hashable)
    throw TypeError("unhashable type: '" + std::string(storage_->type_name) + "'");
  hash_ = hash_bytes(copy_out('C').span());
  return *hash_;
}

// --- repr --------------------------------------------------------------------------------

std::string MemoryView::repr(std::string_view address) const {
  return std::string(released() ? "<released memory at " : "<memory at ") + std::string(address) +
         ">";
}

std::string MemoryView::repr() const {
  char address[32];
  std::snprintf(address, sizeof address, "%p", static_cast<const void*>(this));
  return repr(address);
}

}  // namespace bl::buffer
