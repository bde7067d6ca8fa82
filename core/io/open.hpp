// io.open(): argument checks, buffer size choice and class stacking as CPython 3.11's
// _io_open_impl (Modules/_io/_iomodule.c).
//
//   mode   raw FileIO      buffered layer    text layer (without 'b')
//   r      'rb'            BufferedReader    TextIOWrapper, line-buffered on a terminal
//   w/a/x  'wb'/'ab'/'xb'  BufferedWriter    or with buffering=1
//   any +  'rb+'/...       BufferedRandom
//   b, buffering=0         FileIO alone      (text: "can't have unbuffered text I/O")
//
// The buffer size is the raw file's st_blksize (4096 on ext4) unless `buffering` says
// otherwise; isatty() is asked only when buffering < 0. Checks that come after the file is
// opened (unbuffered text) close it again, but a truncation has already happened, as in
// CPython.
#pragma once

#include "io/fileio.hpp"
#include "io/textio.hpp"

namespace bl::io {

struct OpenOptions {
  std::string mode = "r";
  std::int64_t buffering = -1;
  std::optional<std::string> encoding, errors, newline;
  bool closefd = true;
  Opener opener = nullptr;
};

std::shared_ptr<IOBase> open(os::Kernel& kernel, Name file, OpenOptions options = {});

}  // namespace bl::io
