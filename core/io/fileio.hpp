// io.FileIO: the raw stream over one file descriptor of a bl::os::Kernel
// (CPython: Modules/_io/fileio.c).
//
// Every method is at most one or two system calls, exactly those CPython makes: read(n) is one
// read(2), readall() grows its buffer as CPython does, seekable() is answered by the first
// lseek and then cached, and append mode seeks to the end at construction so tell() is right.
#pragma once

#include <functional>

#include "io/iobase.hpp"
#include "os/kernel.hpp"

namespace bl::io {

// opener(path, flags) -> descriptor, as the `opener` argument of open() and FileIO().
using Opener = std::function<std::int64_t(std::string_view path, int flags)>;

struct FileIOOptions {
  std::string mode = "r";
  bool closefd = true;
  Opener opener = nullptr;
};

class FileIO final : public RawIOBase {
 public:
  // FileIO(file, mode, closefd, opener): `file` is a path or a descriptor.
  FileIO(os::Kernel& kernel, Name file, FileIOOptions options = {});
  ~FileIO() override;

  std::string_view type_name() const override { return "_io.FileIO"; }
  std::string repr() const override;

  bool closed() const override { return fd_ < 0; }
  void close() override;
  bool readable() override;
  bool writable() override;
  bool seekable() override;
  std::int64_t fileno() override;
  bool isatty() override;

  IntOrNone readinto(MutableByteSpan buffer) override;
  IntOrNone write(ByteSpan data) override;
  std::optional<Bytes> read(std::int64_t n = -1) override;
  std::optional<Bytes> readall() override;

  std::int64_t seek(std::int64_t offset, int whence = 0) override;
  std::int64_t tell() override;
  std::int64_t truncate(std::optional<std::int64_t> size = std::nullopt) override;

  std::optional<Name> name_attribute() const override { return name_; }
  // `raw.name = ...`: Python lets a FileIO's name be replaced (tempfile names its files so).
  void set_name(Name name) { name_ = std::move(name); }
  std::optional<std::string> mode_attribute() const override { return mode_string(); }
  bool closefd() const { return closefd_; }
  // FileIO._blksize: st_blksize when above 1, else DEFAULT_BUFFER_SIZE; open() sizes buffers by it.
  std::int64_t blksize() const { return blksize_; }
  os::Kernel& kernel() const { return kernel_; }

 private:
  void check_open() const;  // "I/O operation on closed file" (FileIO's wording: no period)
  void check_readable() const;
  void check_writable() const;
  std::string mode_string() const;
  // lseek that records whether the file is seekable, as CPython's portable_lseek.
  std::int64_t raw_lseek(std::int64_t offset, int whence);
  void parse_mode(std::string_view mode);
  void open_path(const std::string& path, const Opener& opener);

  os::Kernel& kernel_;
  os::Fd fd_ = -1;
  Name name_;
  bool created_ = false, truncating_ = false, appending_ = false;
  bool readable_ = false, writable_ = false;
  bool closefd_ = true;
  int seekable_ = -1;  // -1: not known yet
  std::int64_t blksize_ = DEFAULT_BUFFER_SIZE;
};

}  // namespace bl::io
