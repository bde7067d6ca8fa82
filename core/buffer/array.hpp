// An array-like exporter: items of one native format in a Storage, as Python's array.array
// exports them (memoryview(array('h', [1, 2])).format == 'h'). The interpreter's array type
// builds on it; here it is what lets tests give a memoryview an exporter of another format.
#pragma once

#include <memory>

#include "buffer/bytes.hpp"

namespace bl::buffer {

class Array {
 public:
  // array.array(typecode) holding `data` (whole items); `typecode` is a native format
  // character (ValueError otherwise, or when data is not a whole number of items).
  Array(char typecode, ByteSpan data);

  char typecode() const { return storage_->format; }
  std::size_t itemsize() const;
  std::size_t size() const { return storage_->data.size() / itemsize(); }  // len(a)
  ByteSpan span() const { return storage_->data; }
  // Changes the number of items (new ones zero); BufferError while exported, with array's
  // own message.
  void resize(std::size_t items);

  const std::shared_ptr<Storage>& storage() const { return storage_; }

 private:
  std::shared_ptr<Storage> storage_;
};

}  // namespace bl::buffer
