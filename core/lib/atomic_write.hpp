// bl::lib::atomic_write — the durable way to replace a file's content, as a Python program
// does it by hand (there is no stdlib function for it):
//
//   tmp = open(".<name>.<random>.tmp" beside the target, O_WRONLY|O_CREAT|O_EXCL)
//   write everything; flush(); os.fsync(tmp)      the new bytes are on storage
//   os.replace(tmp, path)                          the name now points at them, atomically
//   fd = os.open(dir, O_RDONLY|O_DIRECTORY); os.fsync(fd); os.close(fd)
//                                                  ... and that rename is on storage too
//
// A crash at any moment leaves `path` wholly old or wholly new, never empty or torn; once
// atomic_write returns, the new content survives a crash. Compare open(path, 'w') + write +
// close: the truncation and the new bytes sit in the page cache, so a crash loses the write
// even after close returned (the tests show it on SimKernel; on ext4 a crash between the
// truncation's commit and the data's writeback also finds an empty file).
//
// On any failure before the replace the temporary file is closed and removed, the target is
// untouched, and the exception propagates. The temporary name is retried (as tempfile does)
// when it already exists.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "buffer/bytes.hpp"
#include "io/iobase.hpp"
#include "os/kernel.hpp"

namespace bl::lib {

struct AtomicWriteOptions {
  // The new file's permission bits before the umask, as os.open's mode.
  std::uint32_t mode = 0666;
  // Buffer size of the BufferedWriter the writer callback gets (-1: st_blksize, as open()).
  std::int64_t buffering = -1;
  // False skips the directory fsync: the content is safe, but a crash may bring the old
  // name back (for showing why the last step exists).
  bool fsync_directory = true;
};

// Writes `data` as the new content of `path`.
void atomic_write(os::Kernel& kernel, std::string_view path, buffer::ByteSpan data,
                  AtomicWriteOptions options = {});
// Calls `writer` with a binary file open for writing on the temporary file; what it writes is
// the new content. An exception from the writer aborts the replace.
void atomic_write(os::Kernel& kernel, std::string_view path,
                  const std::function<void(io::BinaryIOBase&)>& writer,
                  AtomicWriteOptions options = {});

// The temporary name atomic_write uses for `path` with random part `token`:
// "dir/.name.<token>.tmp" (".name.<token>.tmp" for a name without a directory).
std::string atomic_temp_name(std::string_view path, std::string_view token);

}  // namespace bl::lib
