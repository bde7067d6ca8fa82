// ShortRaw: the io.RawIOBase subclass of cpython_driver.py, over a FileIO, moving at most
// `read_cap` bytes per readinto and `write_cap` per write (0: no cap).
//
// It overrides exactly what the Python class overrides; everything else (read, readall,
// readline, readlines, writelines, flush, closed, __enter__, __next__) is the library's
// RawIOBase/IOBase default, which is what the differential scripts exercise.
#pragma once

#include <memory>

#include "buffer/memoryview.hpp"
#include "io/fileio.hpp"

namespace bl::diff {

class ShortRaw final : public io::RawIOBase {
 public:
  ShortRaw(std::shared_ptr<io::FileIO> f, std::int64_t read_cap, std::int64_t write_cap)
      : f_(std::move(f)), read_cap_(read_cap), write_cap_(write_cap) {}

  // A Python class defined in __main__: its messages say 'ShortRaw'; its __repr__ is fixed.
  std::string_view type_name() const override { return "ShortRaw"; }
  std::string repr() const override { return "<ShortRaw>"; }

  io::IntOrNone readinto(io::MutableByteSpan b) override {
    return f_->readinto(read_cap_ ? cap(b, read_cap_) : b);
  }
  io::IntOrNone write(io::ByteSpan b) override {
    return f_->write(write_cap_ ? cap(b, write_cap_) : b);
  }
  std::int64_t seek(std::int64_t pos, int whence = 0) override { return f_->seek(pos, whence); }
  std::int64_t tell() override { return f_->tell(); }
  std::int64_t truncate(std::optional<std::int64_t> size = std::nullopt) override {
    return f_->truncate(size);
  }
  bool readable() override { return f_->readable(); }
  bool writable() override { return f_->writable(); }
  bool seekable() override { return f_->seekable(); }
  std::int64_t fileno() override { return f_->fileno(); }
  bool isatty() override { return f_->isatty(); }
  // self._f.close(); io.RawIOBase.close(self)
  void close() override {
    f_->close();
    io::RawIOBase::close();
  }
  std::optional<io::Name> name_attribute() const override { return f_->name_attribute(); }
  std::optional<std::string> mode_attribute() const override { return f_->mode_attribute(); }

 private:
  // memoryview(b)[:cap]
  template <class Span>
  static Span cap(Span b, std::int64_t limit) {
    auto [start, stop] = buffer::clamp_slice(0, limit, b.size());
    return b.subspan(start, stop - start);
  }

  std::shared_ptr<io::FileIO> f_;
  std::int64_t read_cap_, write_cap_;
};

}  // namespace bl::diff
