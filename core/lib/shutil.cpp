// shutil's copy functions (shutil.hpp), step for step as CPython 3.11.7's Lib/shutil.py on
// Linux, so that the system calls match: see §10 and §15 pattern 10 of the reference.
#include "lib/shutil.hpp"

#include <algorithm>
#include <functional>
#include <memory>

#include "io/open.hpp"
#include "lib/os_path.hpp"

namespace bl::lib::shutil {

namespace {

using IOPtr = std::shared_ptr<io::IOBase>;

bool is_empty(const std::optional<buffer::Bytes>& b) { return !b || b->empty(); }
bool is_empty(const codecs::Str& s) { return s.empty(); }
void write_to(io::BinaryIOBase& f, const std::optional<buffer::Bytes>& b) { f.write(b->span()); }
void write_to(io::TextIOBase& f, const codecs::Str& s) { f.write(s); }

template <class Stream>
void copy_chunks(Stream& fsrc, Stream& fdst, std::int64_t length) {
  if (length == 0) length = COPY_BUFSIZE;
  for (;;) {
    auto buf = fsrc.read(length);
    if (is_empty(buf)) return;
    write_to(fdst, buf);
  }
}

// `with f: body(f)`: closes f on the way out. As in Python, an exception from that close
// replaces the body's (a write that failed for a full disk fails again in close's flush).
void with_file(const IOPtr& f, const std::function<void(io::IOBase&)>& body) {
  try {
    body(*f);
  } catch (...) {
    f->close();
    throw;
  }
  f->close();
}

io::BinaryIOBase& binary(io::IOBase& f) { return dynamic_cast<io::BinaryIOBase&>(f); }

// shutil._samefile: os.path.samefile, False when either stat fails.
bool samefile_quietly(os::Kernel& k, std::string_view src, std::string_view dst) {
  try {
    return os::path::samefile(k, src, dst);
  } catch (const OSError&) {
    return false;
  }
}

// copyfile's loop over [src, dst]: a path that stats as a FIFO is refused.
void refuse_named_pipes(os::Kernel& k, std::string_view src, std::string_view dst) {
  for (std::string_view fn : {src, dst}) {
    std::optional<os::stat_result> st;
    try {
      st = os::stat(k, fn);
    } catch (const OSError&) {
      continue;  // most likely does not exist
    }
    if (st->is_fifo())
      throw SpecialFileError("`" + std::string(fn) + "` is a named pipe");
  }
}

// Why _fastcopy_sendfile gave up before copying anything: copyfileobj takes over.
struct GiveupOnFastCopy {};

// _fastcopy_sendfile on Linux: sendfile until it returns 0. Errors name both files.
void fastcopy_sendfile(os::Kernel& k, io::IOBase& fsrc, io::IOBase& fdst,
                       std::string_view src, std::string_view dst) {
  const os::Fd infd = static_cast<os::Fd>(fsrc.fileno());
  const os::Fd outfd = static_cast<os::Fd>(fdst.fileno());
  auto st = k.fstat(infd);
  // Hopefully the whole file in one call: at least 8 MiB, 128 MiB when fstat fails.
  const std::int64_t blocksize = st.ok() ? std::max<std::int64_t>(st.value().st_size, 1 << 23)
                                         : std::int64_t{1} << 27;
  std::int64_t offset = 0;
  for (;;) {
    std::int64_t at = offset;  // os.sendfile gets offset by value
    auto sent = k.sendfile(outfd, infd, &at, static_cast<std::size_t>(blocksize));
    if (sent.ok()) {
      if (sent.value() == 0) return;  // end of file
      offset += static_cast<std::int64_t>(sent.value());
      continue;
    }
    const os::Errno e = sent.error();
    if (e == os::Errno::enotsock) throw GiveupOnFastCopy{};
    if (e != os::Errno::enospc && offset == 0 && os::lseek(k, outfd, 0, os::SEEK::CUR) == 0)
      throw GiveupOnFastCopy{};
    raise_os_error(e, std::string(src), std::string(dst));
  }
}

void copy_data(os::Kernel& k, io::IOBase& fsrc, io::IOBase& fdst, std::string_view src,
               std::string_view dst, const CopyOptions& options) {
  if (options.use_sendfile) {
    try {
      fastcopy_sendfile(k, fsrc, fdst, src, dst);
      return;
    } catch (const GiveupOnFastCopy&) {
    }
  }
  copyfileobj(binary(fsrc), binary(fdst));
}

}  // namespace

void copyfileobj(io::BinaryIOBase& fsrc, io::BinaryIOBase& fdst, std::int64_t length) {
  copy_chunks(fsrc, fdst, length);
}

void copyfileobj(io::TextIOBase& fsrc, io::TextIOBase& fdst, std::int64_t length) {
  copy_chunks(fsrc, fdst, length);
}

std::string copyfile(os::Kernel& k, std::string_view src, std::string_view dst,
                     CopyOptions options) {
  if (samefile_quietly(k, src, dst))
    throw SameFileError(python_str_repr(src) + " and " + python_str_repr(dst) +
                        " are the same file");
  refuse_named_pipes(k, src, dst);
  with_file(io::open(k, std::string(src), {.mode = "rb"}), [&](io::IOBase& fsrc) {
    try {
      with_file(io::open(k, std::string(dst), {.mode = "wb"}),
                [&](io::IOBase& fdst) { copy_data(k, fsrc, fdst, src, dst, options); });
    } catch (const IsADirectoryError&) {
      // Issue 43219: "dir/" of a missing dir fails with EISDIR; say what is wrong.
      if (!os::path::exists(k, dst))
        throw FileNotFoundError("Directory does not exist: " + std::string(dst));
      throw;
    }
  });
  return std::string(dst);
}

void copymode(os::Kernel& k, std::string_view src, std::string_view dst) {
  os::chmod(k, dst, os::S_IMODE(os::stat(k, src).st_mode));
}

std::string copy(os::Kernel& k, std::string_view src, std::string_view dst,
                 CopyOptions options) {
  std::string target(dst);
  if (os::path::isdir(k, dst)) target = os::path::join(dst, os::path::basename(src));
  copyfile(k, src, target, options);
  copymode(k, src, target);
  return target;
}

}  // namespace bl::lib::shutil
