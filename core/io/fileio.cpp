#include "io/fileio.hpp"

#include <algorithm>
#include <exception>
#include <utility>
#include <vector>

namespace bl::io {

namespace {

constexpr std::int64_t kSmallChunk = 8192;  // readall's first guess without a size

// readall's next buffer size once `current` bytes are in (CPython's new_buffersize).
std::int64_t next_buffer_size(std::int64_t current) {
  std::int64_t addend = current > 65536 ? current >> 3 : 256 + current;
  return current + std::max(addend, kSmallChunk);
}

[[noreturn]] void raise_bad_mode() {
  throw ValueError("Must have exactly one of create/read/write/append mode and at most one plus");
}

}  // namespace

FileIO::FileIO(os::Kernel& kernel, Name file, FileIOOptions options)
    : kernel_(kernel), name_(std::move(file)), closefd_(options.closefd) {
  const auto* fd = std::get_if<std::int64_t>(&name_);
  if (fd && *fd < 0) throw ValueError("negative file descriptor");
  const auto* path = std::get_if<std::string>(&name_);
  if (path && path->find('\0') != std::string::npos) throw ValueError("embedded null byte");
  parse_mode(options.mode);
  if (path) {
    if (!closefd_) throw ValueError("Cannot use closefd=False with file name");
    open_path(*path, options.opener);
  } else {
    fd_ = static_cast<os::Fd>(*fd);
  }
  const bool owns_fd = path != nullptr;
  auto fail = [&] {
    if (owns_fd) (void)kernel_.close(fd_);
    fd_ = -1;
  };
  os::Result<os::Stat> st = kernel_.fstat(fd_);
  if (!st.ok()) {
    fail();
    raise_os_error(st.error());
  }
  if (st.value().is_directory()) {
    fail();
    if (path) raise_os_error(os::Errno::eisdir, *path);
    throw IsADirectoryError(os::Errno::eisdir, OSError::FdFilename{std::get<std::int64_t>(name_)});
  }
  if (st.value().st_blksize > 1) blksize_ = st.value().st_blksize;
  if (appending_) {
    // CPython seeks to the end now so that tell() is right before the first write; a pipe
    // (ESPIPE) is fine.
    os::Result<std::int64_t> end = kernel_.lseek(fd_, 0, os::SEEK::END);
    seekable_ = end.ok() ? 1 : 0;
    if (!end.ok() && end.error() != os::Errno::espipe) {
      fail();
      raise_os_error(end.error());
    }
  }
}

FileIO::~FileIO() {
  if (fd_ >= 0 && closefd_) (void)kernel_.close(fd_);
}

void FileIO::parse_mode(std::string_view mode) {
  bool rwa = false, plus = false;
  for (char c : mode) {
    switch (c) {
      case 'x':
      case 'r':
      case 'w':
      case 'a':
        if (rwa) raise_bad_mode();
        rwa = true;
        created_ = c == 'x';
        truncating_ = c == 'w';
        appending_ = c == 'a';
        readable_ = readable_ || c == 'r';
        writable_ = writable_ || c != 'r';
        break;
      case '+':
        if (plus) raise_bad_mode();
        readable_ = writable_ = plus = true;
        break;
      case 'b':
        break;
      default:
        throw ValueError("invalid mode: " + std::string(mode));
    }
  }
  if (!rwa) raise_bad_mode();
}

void FileIO::open_path(const std::string& path, const Opener& opener) {
  int flags = readable_ && writable_ ? os::O::RDWR : readable_ ? os::O::RDONLY : os::O::WRONLY;
  if (created_) flags |= os::O::EXCL | os::O::CREAT;
  if (appending_) flags |= os::O::APPEND | os::O::CREAT;
  if (truncating_) flags |= os::O::TRUNC | os::O::CREAT;
  flags |= os::O::CLOEXEC;
  if (opener) {
    std::int64_t fd = opener(path, flags);
    if (fd < 0) throw ValueError("opener returned " + std::to_string(fd));
    fd_ = static_cast<os::Fd>(fd);
    os::Result<void> cloexec = kernel_.set_inheritable(fd_, false);
    if (!cloexec.ok()) {
      (void)kernel_.close(fd_);
      fd_ = -1;
      raise_os_error(cloexec.error());
    }
    return;
  }
  fd_ = kernel_.open(path, flags, 0666).value_or_raise(path);
}

std::string FileIO::repr() const {
  if (fd_ < 0) return "<_io.FileIO [closed]>";
  return "<_io.FileIO name=" + io::repr(name_) + " mode='" + mode_string() +
         "' closefd=" + (closefd_ ? "True" : "False") + ">";
}

std::string FileIO::mode_string() const {
  if (created_) return readable_ ? "xb+" : "xb";
  if (appending_) return readable_ ? "ab+" : "ab";
  if (readable_) return writable_ ? "rb+" : "rb";
  return "wb";
}

void FileIO::check_open() const {
  if (fd_ < 0) throw ValueError("I/O operation on closed file");
}

void FileIO::check_readable() const {
  if (!readable_) throw UnsupportedOperation("File not open for reading");
}

void FileIO::check_writable() const {
  if (!writable_) throw UnsupportedOperation("File not open for writing");
}

void FileIO::close() {
  if (fd_ < 0) return;
  // RawIOBase.close runs first: flush, then the stream counts as closed.
  std::exception_ptr flush_error;
  try {
    RawIOBase::close();
  } catch (...) {
    flush_error = std::current_exception();
  }
  os::Fd fd = std::exchange(fd_, -1);
  if (closefd_) {
    os::Result<void> closed = kernel_.close(fd);
    if (flush_error) std::rethrow_exception(flush_error);
    closed.value_or_raise();
  }
  if (flush_error) std::rethrow_exception(flush_error);
}

bool FileIO::readable() {
  check_open();
  return readable_;
}

bool FileIO::writable() {
  check_open();
  return writable_;
}

bool FileIO::seekable() {
  check_open();
  if (seekable_ < 0) {
    os::Result<std::int64_t> pos = kernel_.lseek(fd_, 0, os::SEEK::CUR);
    seekable_ = pos.ok() ? 1 : 0;
  }
  return seekable_ == 1;
}

std::int64_t FileIO::fileno() {
  check_open();
  return fd_;
}

bool FileIO::isatty() {
  check_open();
  os::Result<bool> tty = kernel_.isatty(fd_);
  return tty.ok() && tty.value();
}

IntOrNone FileIO::readinto(MutableByteSpan buffer) {
  check_open();
  check_readable();
  os::Result<std::size_t> n = kernel_.read(fd_, buffer);
  if (!n.ok() && n.error() == os::Errno::eagain) return std::nullopt;
  return static_cast<std::int64_t>(std::move(n).value_or_raise());
}

// RawIOBase.read (one readinto, or readall), after FileIO's own checks.
std::optional<Bytes> FileIO::read(std::int64_t n) {
  check_open();
  check_readable();
  return RawIOBase::read(n);
}

std::optional<Bytes> FileIO::readall() {
  check_open();  // no mode check: on a write-only descriptor read(2) itself fails (EBADF)
  // Size the buffer from the bytes left in the file, plus one to see the end in one call.
  os::Result<std::int64_t> pos = kernel_.lseek(fd_, 0, os::SEEK::CUR);
  os::Result<os::Stat> st = kernel_.fstat(fd_);
  std::int64_t end = st.ok() ? st.value().st_size : -1;
  std::int64_t size = kSmallChunk;
  if (pos.ok() && end > 0 && end >= pos.value()) size = end - pos.value() + 1;
  buffer::ByteVector data;
  std::int64_t have = 0;
  for (;;) {
    if (have >= size) size = next_buffer_size(have);
    data.resize(static_cast<std::size_t>(size));
    auto room = MutableByteSpan(data).subspan(static_cast<std::size_t>(have));
    os::Result<std::size_t> n = kernel_.read(fd_, room);
    if (!n.ok() && n.error() == os::Errno::eagain) {
      if (have > 0) break;
      return std::nullopt;
    }
    std::size_t got = std::move(n).value_or_raise();
    if (got == 0) break;
    have += static_cast<std::int64_t>(got);
  }
  data.resize(static_cast<std::size_t>(have));
  return Bytes(std::move(data));
}

IntOrNone FileIO::write(ByteSpan data) {
  check_open();
  check_writable();
  os::Result<std::size_t> n = kernel_.write(fd_, data);
  if (!n.ok() && n.error() == os::Errno::eagain) return std::nullopt;
  return static_cast<std::int64_t>(std::move(n).value_or_raise());
}

std::int64_t FileIO::raw_lseek(std::int64_t offset, int whence) {
  os::Result<std::int64_t> pos = kernel_.lseek(fd_, offset, whence);
  if (seekable_ < 0) seekable_ = pos.ok() ? 1 : 0;
  return std::move(pos).value_or_raise();
}

std::int64_t FileIO::seek(std::int64_t offset, int whence) {
  check_open();
  return raw_lseek(offset, whence);
}

std::int64_t FileIO::tell() {
  check_open();
  return raw_lseek(0, os::SEEK::CUR);
}

std::int64_t FileIO::truncate(std::optional<std::int64_t> size) {
  check_open();
  check_writable();
  std::int64_t length = size ? *size : raw_lseek(0, os::SEEK::CUR);
  kernel_.ftruncate(fd_, length).value_or_raise();
  return length;
}

}  // namespace bl::io
