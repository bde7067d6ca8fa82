// Python's mmap.mmap over a Kernel (mmap.hpp).
#include "lib/mmap.hpp"

#include <algorithm>
#include <cstring>
#include <limits>

#include "os/errors.hpp"

namespace bl::lib {

namespace {

namespace MAP = os::MAP;
namespace PROT = os::PROT;

constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();

// What a map is made with once `access` is applied (CPython maps ACCESS_* to flags and prot,
// and an ACCESS_DEFAULT map without both PROT_READ and PROT_WRITE to ACCESS_READ or _WRITE).
struct Protection {
  int flags, prot, access;
};

Protection resolve_access(const MmapOptions& o) {
  constexpr int kReadWrite = PROT::READ | PROT::WRITE;
  if (o.access != ACCESS_DEFAULT && (o.flags != MAP::SHARED || o.prot != kReadWrite)) {
    throw ValueError("mmap can't specify both access and flags, prot.");
  }
  switch (o.access) {
    case ACCESS_READ: return {MAP::SHARED, PROT::READ, ACCESS_READ};
    case ACCESS_WRITE: return {MAP::SHARED, kReadWrite, ACCESS_WRITE};
    case ACCESS_COPY: return {MAP::PRIVATE, kReadWrite, ACCESS_COPY};
    case ACCESS_DEFAULT: {
      bool writes = o.prot & PROT::WRITE;
      int access = writes && (o.prot & PROT::READ) ? ACCESS_DEFAULT
                   : writes                        ? ACCESS_WRITE
                                                   : ACCESS_READ;
      return {o.flags, o.prot, access};
    }
    default: throw ValueError("mmap invalid access parameter.");
  }
}

// The length to map of a regular file: all of it from `offset` for 0, else checked against
// its size. Other files (and descriptors fstat refuses) are left to mmap(2) to judge.
std::int64_t file_length(os::Kernel& kernel, int fileno, std::int64_t length,
                         std::int64_t offset) {
  auto st = kernel.fstat(fileno);
  if (!st.ok() || !st.value().is_regular()) return length;
  const std::int64_t size = st.value().st_size;
  if (length == 0) {
    if (size == 0) throw ValueError("cannot mmap an empty file");
    if (offset >= size) throw ValueError("mmap offset is greater than file size");
    return size - offset;
  }
  if (offset > size || size - offset < length) {
    throw ValueError("mmap length is greater than file size");
  }
  return length;
}

// Python's index clamping for find's start and end.
std::int64_t clamp_index(std::int64_t i, std::int64_t size) {
  if (i < 0) i += size;
  return std::clamp<std::int64_t>(i, 0, size);
}

std::int64_t clamp_slice_end(std::int64_t i, std::int64_t size, std::int64_t step) {
  if (i < 0) {
    i += size;
    if (i < 0) i = step < 0 ? -1 : 0;
  } else if (i >= size) {
    i = step < 0 ? size - 1 : size;
  }
  return i;
}

constexpr const char* kAccessNames[] = {"ACCESS_DEFAULT", "ACCESS_READ", "ACCESS_WRITE",
                                        "ACCESS_COPY"};

}  // namespace

// PySlice_Unpack and PySlice_AdjustIndices.
SliceRange adjust_slice(const Slice& slice, std::int64_t size) {
  std::int64_t step = slice.step.value_or(1);
  if (step == 0) throw ValueError("slice step cannot be zero");
  step = std::max(step, -kMax);
  std::int64_t start = clamp_slice_end(slice.start.value_or(step < 0 ? kMax : 0), size, step);
  std::int64_t stop = clamp_slice_end(
      slice.stop.value_or(step < 0 ? std::numeric_limits<std::int64_t>::min() : kMax), size, step);
  std::int64_t length = 0;
  if (step < 0 && stop < start) length = (start - stop - 1) / -step + 1;
  if (step > 0 && start < stop) length = (stop - start - 1) / step + 1;
  return {start, step, length};
}

// The mapping and the map's own descriptor. Views of the map share it (Storage::keeper), so
// it is released by close() or by whichever of the map and its views goes last.
struct Mmap::Region {
  explicit Region(os::Kernel& k) : kernel(k) {}
  ~Region() { release(); }
  Region(const Region&) = delete;
  Region& operator=(const Region&) = delete;

  // As CPython's close() and dealloc: the dup first, then the pages.
  void release() {
    if (fd >= 0) (void)kernel.close(fd);
    fd = -1;
    if (data) (void)kernel.munmap(data, size);
    data = nullptr;
  }

  os::Kernel& kernel;
  os::Fd fd = -1;
  std::byte* data = nullptr;
  std::size_t size = 0;
};

Mmap::Mmap(os::Kernel& kernel, int fileno, std::int64_t length, MmapOptions options)
    : offset_(options.offset) {
  if (length < 0) throw OverflowError("memory mapped length must be positive");
  if (offset_ < 0) throw OverflowError("memory mapped offset must be positive");
  auto [flags, prot, access] = resolve_access(options);
  if (fileno != -1) length = file_length(kernel, fileno, length, offset_);
  region_ = std::make_shared<Region>(kernel);
  if (fileno == -1) {
    flags |= MAP::ANONYMOUS;
  } else {
    region_->fd = kernel.dup(fileno, true).value_or_raise();
  }
  auto mapped = kernel.mmap(static_cast<std::size_t>(length), prot, flags, fileno, offset_);
  if (!mapped.ok()) raise_os_error(mapped.error());  // ~Region closes the dup, as dealloc does
  region_->data = mapped.value();
  region_->size = static_cast<std::size_t>(length);
  access_ = access;
  storage_ = std::make_shared<buffer::Storage>();
  storage_->external = bytes();
  storage_->keeper = region_;
}

Mmap::~Mmap() = default;  // the Region goes with the last view, or now

buffer::MutableByteSpan Mmap::bytes() const { return {region_->data, region_->size}; }

void Mmap::check_valid() const {
  if (closed()) throw ValueError("mmap closed or invalid");
}

void Mmap::check_writable() const {
  if (access_ == ACCESS_READ) throw TypeError("mmap can't modify a readonly memory map.");
}

void Mmap::check_resizable() const {
  if (storage_->exports > 0) throw BufferError("mmap can't resize with extant buffers exported.");
  if (access_ != ACCESS_WRITE && access_ != ACCESS_DEFAULT) {
    throw TypeError("mmap can't resize a readonly or copy-on-write memory map.");
  }
}

bool Mmap::closed() const { return region_->data == nullptr; }

// --- the sequence ----------------------------------------------------------------------------

std::int64_t Mmap::len() const {
  check_valid();
  return static_cast<std::int64_t>(region_->size);
}

std::size_t Mmap::item_index(std::int64_t index) const {
  const auto size = static_cast<std::int64_t>(region_->size);
  if (index < 0) index += size;
  if (index < 0 || index >= size) throw IndexError("mmap index out of range");
  return static_cast<std::size_t>(index);
}

std::uint8_t Mmap::getitem(std::int64_t index) const {
  check_valid();
  return std::to_integer<std::uint8_t>(bytes()[item_index(index)]);
}

buffer::Bytes Mmap::getitem(const Slice& slice) const {
  check_valid();
  SliceRange r = adjust_slice(slice, len());
  buffer::ByteVector out(static_cast<std::size_t>(r.length));
  for (std::int64_t i = 0; i < r.length; ++i) {
    out[static_cast<std::size_t>(i)] = bytes()[static_cast<std::size_t>(r.start + i * r.step)];
  }
  return buffer::Bytes(std::move(out));
}

std::size_t Mmap::index_for_store(std::int64_t index) const {
  check_valid();
  check_writable();
  return item_index(index);
}

SliceRange Mmap::slice_for_store(const Slice& slice) const {
  check_valid();
  check_writable();
  return adjust_slice(slice, len());
}

void Mmap::setitem(std::int64_t index, std::int64_t value) {
  std::size_t i = index_for_store(index);
  if (value < 0 || value > 255) throw ValueError("mmap item value must be in range(0, 256)");
  bytes()[i] = static_cast<std::byte>(value);
}

void Mmap::setitem(const Slice& slice, buffer::ByteSpan data) {
  SliceRange r = slice_for_store(slice);
  if (static_cast<std::int64_t>(data.size()) != r.length) {
    throw IndexError("mmap slice assignment is wrong size");
  }
  for (std::int64_t i = 0; i < r.length; ++i) {
    bytes()[static_cast<std::size_t>(r.start + i * r.step)] = data[static_cast<std::size_t>(i)];
  }
}

// --- the file-like side ------------------------------------------------------------------------

buffer::Bytes Mmap::read(std::optional<std::int64_t> n) {
  check_valid();
  const std::size_t remaining = pos_ < region_->size ? region_->size - pos_ : 0;
  std::size_t count = remaining;
  if (n && *n >= 0 && static_cast<std::uint64_t>(*n) < remaining) count = static_cast<std::size_t>(*n);
  buffer::Bytes out(bytes().subspan(std::min(pos_, region_->size), count));
  pos_ += count;
  return out;
}

std::uint8_t Mmap::read_byte() {
  check_valid();
  if (pos_ >= region_->size) throw ValueError("read byte out of range");
  return std::to_integer<std::uint8_t>(bytes()[pos_++]);
}

buffer::Bytes Mmap::readline() {
  check_valid();
  if (pos_ >= region_->size) return {};
  auto rest = bytes().subspan(pos_);
  auto eol = std::find(rest.begin(), rest.end(), std::byte{'\n'});
  std::size_t count = static_cast<std::size_t>(eol - rest.begin()) + (eol != rest.end() ? 1 : 0);
  pos_ += count;
  return buffer::Bytes(rest.first(count));
}

std::int64_t Mmap::write(buffer::ByteSpan data) {
  check_valid();
  check_writable();
  if (pos_ > region_->size || region_->size - pos_ < data.size()) {
    throw ValueError("data out of range");
  }
  if (!data.empty()) std::memmove(region_->data + pos_, data.data(), data.size());  // may alias
  pos_ += data.size();
  return static_cast<std::int64_t>(data.size());
}

void Mmap::write_byte(std::int64_t value) {
  check_valid();
  if (value < 0) throw OverflowError("unsigned byte integer is less than minimum");
  if (value > 255) throw OverflowError("unsigned byte integer is greater than maximum");
  check_writable();
  if (pos_ >= region_->size) throw ValueError("write byte out of range");
  bytes()[pos_++] = static_cast<std::byte>(value);
}

void Mmap::seek(std::int64_t pos, int whence) {
  check_valid();
  std::int64_t base = 0;
  switch (whence) {
    case 0: break;
    case 1: base = static_cast<std::int64_t>(pos_); break;
    case 2: base = len(); break;
    default: throw ValueError("unknown seek type");
  }
  if (pos > 0 && kMax - base < pos) throw ValueError("seek out of range");
  std::int64_t where = base + pos;
  if (where < 0 || where > len()) throw ValueError("seek out of range");
  pos_ = static_cast<std::size_t>(where);
}

std::int64_t Mmap::tell() const {
  check_valid();
  return static_cast<std::int64_t>(pos_);
}

std::int64_t Mmap::find_in(buffer::ByteSpan sub, std::optional<std::int64_t> start,
                           std::optional<std::int64_t> end, bool reverse) const {
  check_valid();
  const std::int64_t size = len();
  std::int64_t from = clamp_index(start.value_or(static_cast<std::int64_t>(pos_)), size);
  std::int64_t to = clamp_index(end.value_or(size), size);
  if (to < from) return -1;
  auto hay = bytes().subspan(static_cast<std::size_t>(from), static_cast<std::size_t>(to - from));
  auto at = reverse ? std::find_end(hay.begin(), hay.end(), sub.begin(), sub.end())
                    : std::search(hay.begin(), hay.end(), sub.begin(), sub.end());
  if (at == hay.end() && !sub.empty()) return -1;
  return from + (at - hay.begin());
}

std::int64_t Mmap::find(buffer::ByteSpan sub, std::optional<std::int64_t> start,
                        std::optional<std::int64_t> end) const {
  return find_in(sub, start, end, false);
}

std::int64_t Mmap::rfind(buffer::ByteSpan sub, std::optional<std::int64_t> start,
                         std::optional<std::int64_t> end) const {
  return find_in(sub, start, end, true);
}

void Mmap::move(std::int64_t dest, std::int64_t src, std::int64_t count) {
  check_valid();
  check_writable();
  const std::int64_t size = len();
  if (dest < 0 || src < 0 || count < 0 || size - dest < count || size - src < count) {
    throw ValueError("source, destination, or count out of range");
  }
  std::memmove(region_->data + dest, region_->data + src, static_cast<std::size_t>(count));
}

// --- the mapping -------------------------------------------------------------------------------

std::int64_t Mmap::size() const {
  check_valid();
  // glibc answers fstat(-1) itself, without a system call.
  if (region_->fd < 0) raise_os_error(os::Errno::ebadf);
  return region_->kernel.fstat(region_->fd).value_or_raise().st_size;
}

void Mmap::resize(std::int64_t newsize) {
  check_valid();
  check_resizable();
  if (newsize < 0 || kMax - newsize < offset_) throw ValueError("new size out of range");
  os::Kernel& kernel = region_->kernel;
  if (region_->fd >= 0) kernel.ftruncate(region_->fd, offset_ + newsize).value_or_raise();
  auto moved = kernel.mremap(region_->data, region_->size, static_cast<std::size_t>(newsize),
                             os::MREMAP::MAYMOVE);
  if (!moved.ok()) raise_os_error(moved.error());
  region_->data = moved.value();
  region_->size = static_cast<std::size_t>(newsize);
  storage_->external = bytes();
}

void Mmap::flush(std::int64_t offset, std::optional<std::int64_t> size) {
  check_valid();
  const std::int64_t length = size.value_or(len());
  if (length < 0 || offset < 0 || len() - offset < length) {
    throw ValueError("flush values out of range");
  }
  if (access_ == ACCESS_READ || access_ == ACCESS_COPY) return;
  region_->kernel.msync(region_->data + offset, static_cast<std::size_t>(length), os::MS::SYNC)
      .value_or_raise();
}

void Mmap::close() {
  if (storage_->exports > 0) throw BufferError("cannot close exported pointers exist");
  region_->release();
  storage_->external = buffer::MutableByteSpan();
}

Mmap& Mmap::enter() {
  check_valid();
  return *this;
}

buffer::MemoryView Mmap::memoryview() {
  check_valid();
  return buffer::MemoryView(storage_, access_ == ACCESS_READ);
}

std::string Mmap::repr() const {
  if (closed()) return "<mmap.mmap closed=True>";
  return std::string("<mmap.mmap closed=False, access=") + kAccessNames[access_] +
         ", length=" + std::to_string(region_->size) + ", pos=" + std::to_string(pos_) +
         ", offset=" + std::to_string(offset_) + ">";
}

}  // namespace bl::lib
