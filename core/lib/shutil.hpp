// bl::lib::shutil — the file-copying part of Python's shutil (CPython 3.11.7 Lib/shutil.py)
// over an os::Kernel: copyfileobj, copyfile, copymode, copy, and the module's exceptions.
//
// copyfile takes 3.11's Linux path: os.stat of src and dst (samefile), os.stat of both again
// (named pipes are refused), open(src, 'rb') and open(dst, 'wb'), then the sendfile fast path
// (`_fastcopy_sendfile`): fstat of src for the block size, then sendfile(dst, src, offset,
// max(st_size, 8 MiB)) until it returns 0. When sendfile cannot be used (ENOTSOCK, or any
// error before a byte was written) it falls back to copyfileobj over the two buffered files;
// other errors are raised naming both files (`[Errno 28] ...: 'a' -> 'b'`).
//
// 3.11's copyfileobj reads with `fsrc.read(length)` and writes what it got until read returns
// an empty (or None) result; `_copyfileobj_readinto` exists in 3.11 but only Windows' copyfile
// uses it. So over a BufferedReader a short read is followed by a second raw read for the rest
// of the request (the buffered read loop), exactly as CPython does: reference §15 pattern 10.
//
// Symbolic links are not modeled by the Kernel, so follow_symlinks is not offered.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "io/iobase.hpp"
#include "io/textio.hpp"
#include "lib/os.hpp"

namespace bl::lib::shutil {

// shutil.Error (an OSError), SameFileError (an Error) and SpecialFileError (an OSError): no
// errno, str() is the message.
BL_PY_EXCEPTION(Error, OSError)
BL_PY_EXCEPTION(SameFileError, Error)
BL_PY_EXCEPTION(SpecialFileError, OSError)

// shutil.COPY_BUFSIZE: copyfileobj's default chunk on Linux (1 MiB on Windows).
inline constexpr std::int64_t COPY_BUFSIZE = 64 * 1024;

struct CopyOptions {
  // CPython's module-wide `shutil._USE_CP_SENDFILE`: false copies with copyfileobj, to show or
  // measure what the fast path saves. Here it is per call; CPython also turns it off for the
  // rest of the process when sendfile reports ENOTSOCK, which Linux >= 2.6.33 never does.
  bool use_sendfile = true;
};

// copyfileobj(fsrc, fdst, length=0): fdst.write(fsrc.read(length)) until the read is empty;
// length 0 means COPY_BUFSIZE, a negative length reads everything at once.
void copyfileobj(io::BinaryIOBase& fsrc, io::BinaryIOBase& fdst, std::int64_t length = 0);
void copyfileobj(io::TextIOBase& fsrc, io::TextIOBase& fdst, std::int64_t length = 0);

// copyfile(src, dst): dst's new content is src's; returns dst.
std::string copyfile(os::Kernel& k, std::string_view src, std::string_view dst,
                     CopyOptions options = {});
// copymode(src, dst): chmod(dst, S_IMODE(stat(src).st_mode)).
void copymode(os::Kernel& k, std::string_view src, std::string_view dst);
// copy(src, dst): copyfile then copymode; a directory dst receives dst/basename(src), the
// path returned.
std::string copy(os::Kernel& k, std::string_view src, std::string_view dst,
                 CopyOptions options = {});

}  // namespace bl::lib::shutil
