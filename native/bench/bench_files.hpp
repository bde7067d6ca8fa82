// The files the io benchmarks work on, in a fresh directory under $TMPDIR (else /tmp):
//
//   read.bin   `read_size` bytes, written, fsynced (so no writeback runs during the
//              measurements) and read once, so every read case is served by the page cache
//   write.bin  the write cases' file; they create it and keep it bounded themselves
//
// The destructor, and SIGINT/SIGTERM, remove the directory and both files.
#pragma once

#include <cstdint>
#include <string>

#include "os/kernel.hpp"

namespace bl::bench {

class BenchFiles {
 public:
  BenchFiles(os::Kernel& kernel, std::int64_t read_size);
  ~BenchFiles();
  BenchFiles(const BenchFiles&) = delete;
  BenchFiles& operator=(const BenchFiles&) = delete;

  const std::string& read_path() const { return read_path_; }
  const std::string& write_path() const { return write_path_; }
  std::int64_t read_size() const { return read_size_; }
  // st_blksize of read.bin: the buffer size open() chooses for it.
  std::int64_t st_blksize() const { return st_blksize_; }
  // The directory's filesystem as `stat -f -c %T` names it ("ext2/ext3", "tmpfs", ...).
  std::string filesystem() const;

 private:
  void fill_and_warm();

  os::Kernel& kernel_;
  std::string dir_, read_path_, write_path_;
  std::int64_t read_size_, st_blksize_ = 0;
};

}  // namespace bl::bench
