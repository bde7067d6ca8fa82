// Python's os functions over a Kernel (os.hpp): argument checks as posixmodule.c makes them,
// then one system call, then CPython's exception for its errno.
#include "lib/os.hpp"

namespace bl::lib::os {

namespace {

// posixmodule.c reports a bad size itself as EINVAL, without making the call.
void check_size(std::int64_t n) {
  if (n < 0) raise_os_error(Errno::einval);
}

// fsync and fdatasync take "a file descriptor or an object with fileno()" (CPython's fildes
// converter), which refuses a negative number before any system call; the others pass it on.
void check_fildes(Fd fd) {
  if (fd < 0) {
    throw ValueError("file descriptor cannot be a negative integer (" + std::to_string(fd) + ")");
  }
}

// The kernel takes sizes as size_t; Python hands a negative one to the call unchanged, so it
// arrives as a huge unsigned count (which Linux refuses with EINVAL).
std::size_t as_count(std::int64_t n) { return static_cast<std::size_t>(n); }

Bytes read_bytes(std::int64_t n, const auto& call) {
  check_size(n);
  buffer::ByteVector data(static_cast<std::size_t>(n));
  std::size_t got = call(std::span<std::byte>(data.data(), data.size())).value_or_raise();
  data.resize(got);
  return Bytes(std::move(data));
}

// Whole seconds toward minus infinity, as the int fields 7..9 of the stat tuple.
std::int64_t seconds(std::int64_t ns) {
  return ns >= 0 ? ns / 1'000'000'000 : -((-ns + 999'999'999) / 1'000'000'000);
}

std::string path_string(std::string_view path) {
  check_path(path);
  return std::string(path);
}

}  // namespace

std::string stat_result::repr() const {
  return "os.stat_result(st_mode=" + std::to_string(st_mode) +
         ", st_ino=" + std::to_string(st_ino) + ", st_dev=" + std::to_string(st_dev) +
         ", st_nlink=" + std::to_string(st_nlink) + ", st_uid=" + std::to_string(st_uid) +
         ", st_gid=" + std::to_string(st_gid) + ", st_size=" + std::to_string(st_size) +
         ", st_atime=" + std::to_string(seconds(st_atime_ns)) +
         ", st_mtime=" + std::to_string(seconds(st_mtime_ns)) +
         ", st_ctime=" + std::to_string(seconds(st_ctime_ns)) + ")";
}

void check_path(std::string_view path) {
  if (path.find('\0') != std::string_view::npos) throw ValueError("embedded null byte");
}

// --- constants -----------------------------------------------------------------------------

std::span<const Constant> constants() {
  static constexpr Constant kConstants[] = {
      {"O_RDONLY", O::RDONLY},       {"O_WRONLY", O::WRONLY},     {"O_RDWR", O::RDWR},
      {"O_ACCMODE", O::ACCMODE},     {"O_CREAT", O::CREAT},       {"O_EXCL", O::EXCL},
      {"O_NOCTTY", O::NOCTTY},       {"O_TRUNC", O::TRUNC},       {"O_APPEND", O::APPEND},
      {"O_NONBLOCK", O::NONBLOCK},   {"O_NDELAY", O::NONBLOCK},   {"O_DSYNC", O::DSYNC},
      {"O_SYNC", O::SYNC},           {"O_RSYNC", O::SYNC},        {"O_DIRECT", O::DIRECT},
      {"O_LARGEFILE", 0},            {"O_DIRECTORY", O::DIRECTORY}, {"O_NOFOLLOW", O::NOFOLLOW},
      {"O_CLOEXEC", O::CLOEXEC},     {"O_TMPFILE", O::TMPFILE},   {"SEEK_SET", SEEK::SET},
      {"SEEK_CUR", SEEK::CUR},       {"SEEK_END", SEEK::END},     {"SEEK_DATA", SEEK::DATA},
      {"SEEK_HOLE", SEEK::HOLE},
  };
  return kConstants;
}

std::optional<int> constant(std::string_view name) {
  for (const Constant& c : constants()) {
    if (c.name == name) return c.value;
  }
  return std::nullopt;
}

// --- descriptors ---------------------------------------------------------------------------

Fd open(Kernel& k, std::string_view path, int flags, std::uint32_t mode) {
  std::string p = path_string(path);
  return k.open(p, flags | O::CLOEXEC, mode).value_or_raise(p);
}

void close(Kernel& k, Fd fd) { k.close(fd).value_or_raise(); }

Bytes read(Kernel& k, Fd fd, std::int64_t n) {
  return read_bytes(n, [&](std::span<std::byte> b) { return k.read(fd, b); });
}

std::int64_t write(Kernel& k, Fd fd, ByteSpan data) {
  return static_cast<std::int64_t>(k.write(fd, data).value_or_raise());
}

Bytes pread(Kernel& k, Fd fd, std::int64_t n, std::int64_t offset) {
  return read_bytes(n, [&](std::span<std::byte> b) { return k.pread(fd, b, offset); });
}

std::int64_t pwrite(Kernel& k, Fd fd, ByteSpan data, std::int64_t offset) {
  return static_cast<std::int64_t>(k.pwrite(fd, data, offset).value_or_raise());
}

std::int64_t lseek(Kernel& k, Fd fd, std::int64_t pos, int how) {
  return k.lseek(fd, pos, how).value_or_raise();
}

void fsync(Kernel& k, Fd fd) {
  check_fildes(fd);
  k.fsync(fd).value_or_raise();
}

void fdatasync(Kernel& k, Fd fd) {
  check_fildes(fd);
  k.fdatasync(fd).value_or_raise();
}
void ftruncate(Kernel& k, Fd fd, std::int64_t length) { k.ftruncate(fd, length).value_or_raise(); }
stat_result fstat(Kernel& k, Fd fd) { return {k.fstat(fd).value_or_raise()}; }

std::pair<Fd, Fd> pipe(Kernel& k) { return k.pipe(O::CLOEXEC).value_or_raise(); }

std::int64_t sendfile(Kernel& k, Fd out_fd, Fd in_fd, std::optional<std::int64_t> offset,
                      std::int64_t count) {
  std::int64_t* at = offset ? &*offset : nullptr;
  return static_cast<std::int64_t>(k.sendfile(out_fd, in_fd, at, as_count(count)).value_or_raise());
}

std::int64_t copy_file_range(Kernel& k, Fd src, Fd dst, std::int64_t count,
                             std::optional<std::int64_t> offset_src,
                             std::optional<std::int64_t> offset_dst) {
  if (count < 0) throw ValueError("negative value for 'count' not allowed");
  std::int64_t* in_at = offset_src ? &*offset_src : nullptr;
  std::int64_t* out_at = offset_dst ? &*offset_dst : nullptr;
  return static_cast<std::int64_t>(
      k.copy_file_range(src, in_at, dst, out_at, as_count(count)).value_or_raise());
}

// --- names ---------------------------------------------------------------------------------

stat_result stat(Kernel& k, std::string_view path) {
  std::string p = path_string(path);
  return {k.stat(p).value_or_raise(p)};
}

void rename(Kernel& k, std::string_view src, std::string_view dst) {
  std::string from = path_string(src), to = path_string(dst);
  k.rename(from, to).value_or_raise(from, to);
}

void replace(Kernel& k, std::string_view src, std::string_view dst) { rename(k, src, dst); }

void unlink(Kernel& k, std::string_view path) {
  std::string p = path_string(path);
  k.unlink(p).value_or_raise(p);
}

void remove(Kernel& k, std::string_view path) { unlink(k, path); }

void chmod(Kernel& k, std::string_view path, std::uint32_t mode) {
  std::string p = path_string(path);
  k.chmod(p, mode).value_or_raise(p);
}

void mkdir(Kernel& k, std::string_view path, std::uint32_t mode) {
  std::string p = path_string(path);
  k.mkdir(p, mode).value_or_raise(p);
}

void rmdir(Kernel& k, std::string_view path) {
  std::string p = path_string(path);
  k.rmdir(p).value_or_raise(p);
}

std::vector<std::string> listdir(Kernel& k, std::string_view path) {
  std::string p = path_string(path);
  return k.listdir(p).value_or_raise(p);
}

std::string getcwd(Kernel& k) { return k.getcwd().value_or_raise(); }

}  // namespace bl::lib::os
