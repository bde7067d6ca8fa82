#include "buffer/array.hpp"

#include "buffer/struct_format.hpp"
#include "os/errors.hpp"

namespace bl::buffer {

Array::Array(char typecode, ByteSpan data) : storage_(std::make_shared<Storage>()) {
  auto format = parse_native_format(std::string_view(&typecode, 1));
  if (!format) throw ValueError("bad typecode");
  if (data.size() % format->itemsize) throw ValueError("bytes length not a multiple of item size");
  storage_->data.assign(data.begin(), data.end());
  storage_->type_name = "array.array";
  storage_->hashable = false;
  storage_->format = typecode;
}

std::size_t Array::itemsize() const { return native_format(storage_->format).itemsize; }

void Array::resize(std::size_t items) {
  if (items == size()) return;
  if (storage_->exports > 0) throw BufferError("cannot resize an array that is exporting buffers");
  storage_->data.resize(items * itemsize(), std::byte{0});
}

}  // namespace bl::buffer
