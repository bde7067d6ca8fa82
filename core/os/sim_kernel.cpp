// SimKernel: descriptors, file data, pipes, devices and names. Memory maps, in-kernel copies,
// crash() and inspection are in sim_kernel_maps.cpp.
#include <algorithm>
#include <cstring>

#include "os/sim_kernel_parts.hpp"

namespace bl::os {

namespace {

constexpr std::uint32_t kUmask = 022;
constexpr int kTmpfileBit = O::TMPFILE & ~O::DIRECTORY;  // Linux's __O_TMPFILE
constexpr std::int64_t kDirectAlign = 512;  // logical block size O_DIRECT must respect
constexpr std::uint64_t kDevice = 0x803;    // st_dev of the simulated disk (8:3)
// Status flags F_GETFL reports; O_CREAT, O_EXCL, O_NOCTTY, O_TRUNC and O_CLOEXEC are not.
constexpr int kStatusFlags = O::ACCMODE | O::APPEND | O::NONBLOCK | O::SYNC | O::DIRECT |
                             O::DIRECTORY | O::NOFOLLOW | O::LARGEFILE;
constexpr int kSettableFlags = O::APPEND | O::NONBLOCK | O::DIRECT;

std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// Whether a transfer of `count` bytes at `position` would pass the largest offset (2^63 - 1):
// Linux refuses such a read or write with EINVAL before anything else.
bool overflows_offset(std::int64_t position, std::size_t count) {
  std::int64_t end;
  return count > 0 && __builtin_add_overflow(position, static_cast<std::int64_t>(count), &end);
}

bool is_dot_name(std::string_view name) { return name == "." || name == ".."; }

// Whether `dir` is `node` or one of its ancestors, following ".." up to the root.
bool is_ancestor_or_self(const sim::Filesystem& fs, const sim::InodePtr& dir, sim::InodePtr node) {
  for (; node; node = node == fs.root() ? nullptr : fs.get(node->parent)) {
    if (node == dir) return true;
  }
  return false;
}

std::size_t total_size(auto buffers) {
  std::size_t total = 0;
  for (const auto& b : buffers) total += b.size();
  return total;
}

}  // namespace

SimKernel::SimKernel(SimOptions options)
    : options_(options),
      fs_({.max_bytes = options.max_bytes, .max_inodes = options.max_inodes}),
      urandom_state_(options.urandom_seed) {
  cwd_ = fs_.root();
  for (std::string_view dir : {"/dev", "/dev/pts", "/tmp", "/home"}) make_directory_path(dir);
  make_directory_path(kHome);
  make_device("/dev/null", sim::Device::null, 0666);
  make_device("/dev/zero", sim::Device::zero, 0666);
  make_device("/dev/urandom", sim::Device::urandom, 0666);
  make_device("/dev/pts/0", sim::Device::terminal, 0620);
  cwd_ = fs_.lookup(kHome, fs_.root()).value().node;
  open_std_streams();
}

SimKernel::~SimKernel() = default;

void SimKernel::make_directory_path(std::string_view path) {
  auto found = fs_.lookup(path, fs_.root()).value();
  auto dir = fs_.make_inode(S::IFDIR | 0755, clock_now()).value();
  fs_.link(found.parent, found.name, dir, clock_now());
  fs_.sync_all(*found.parent);
  fs_.sync_all(*dir);
}

void SimKernel::make_device(std::string_view path, sim::Device device, std::uint32_t mode) {
  auto found = fs_.lookup(path, fs_.root()).value();
  auto node = fs_.make_inode(S::IFCHR | mode, clock_now()).value();
  node->device = device;
  fs_.link(found.parent, found.name, node, clock_now());
  fs_.sync_all(*found.parent);
}

// Like a login shell's: fds 0 and 2 share one open file description of the terminal; fd 1
// is that terminal too, or a pipe read by the output pane, or a regular file.
void SimKernel::open_std_streams() {
  fds_.clear();
  auto terminal = open_file("/dev/pts/0", O::RDWR, 0).value();
  (void)install(terminal, false, 0);
  switch (options_.stdout_kind) {
    case StdStream::terminal:
      (void)install(terminal, false, 1);
      break;
    case StdStream::pipe: {
      stdout_pipe_ = std::make_shared<sim::Pipe>();
      stdout_pipe_->drained = true;
      stdout_pipe_->readers = 1;  // the output pane, in another process
      auto node = fs_.make_anonymous_inode(S::IFIFO | 0600, clock_now());
      node->pipe = stdout_pipe_;
      auto end = std::make_shared<OpenFile>();
      end->inode = node;
      end->flags = O::WRONLY;
      end->pipe_end = OpenFile::PipeEnd::write;
      ++stdout_pipe_->writers;
      (void)install(end, false, 1);
      break;
    }
    case StdStream::file: {
      auto file = open_file(kStdoutFile, O::WRONLY | O::CREAT | O::TRUNC, 0644).value();
      (void)install(file, false, 1);
      break;
    }
  }
  (void)install(terminal, false, 2);
}

std::string SimKernel::stdout_pipe_output() const {
  return stdout_pipe_ ? stdout_pipe_->drained_output : std::string();
}

void SimKernel::feed_terminal_input(std::string_view text) { terminal_input_ += text; }

void SimKernel::charge_copy(std::size_t bytes) {
  charge(static_cast<std::int64_t>(bytes) * options_.cost.copy_ns_per_kib / 1024);
}

void SimKernel::charge_storage(std::size_t bytes) {
  charge(options_.cost.flush_ns +
         static_cast<std::int64_t>(bytes) * options_.cost.storage_ns_per_kib / 1024);
}

// --- descriptors ------------------------------------------------------------------------

Result<std::shared_ptr<SimKernel::OpenFile>> SimKernel::file_of(Fd fd) const {
  if (fd < 0 || static_cast<std::size_t>(fd) >= fds_.size() || !fds_[fd].file) return Errno::ebadf;
  return fds_[fd].file;
}

Result<Fd> SimKernel::install(std::shared_ptr<OpenFile> file, bool cloexec, Fd lowest) {
  for (Fd fd = lowest; fd < options_.max_open_files; ++fd) {
    if (static_cast<std::size_t>(fd) >= fds_.size()) fds_.resize(fd + 1);
    if (!fds_[fd].file) {
      fds_[fd] = {std::move(file), cloexec};
      return fd;
    }
  }
  return Errno::emfile;
}

Result<std::shared_ptr<SimKernel::OpenFile>> SimKernel::open_file(std::string_view path, int flags,
                                                                  std::uint32_t mode) {
  auto found = fs_.lookup_no_slash_check(path, cwd_);
  if (!found.ok()) return found.error();
  auto& [parent, name, node, trailing_slash] = found.value();
  // A name with a trailing slash can only be a directory, which O_CREAT cannot make: Linux
  // refuses it whatever the name is, before it looks the name up.
  if (trailing_slash && (flags & O::CREAT)) return Errno::eisdir;
  if (trailing_slash && node && !node->is_dir()) return Errno::enotdir;
  int access = flags & O::ACCMODE;
  if (flags & kTmpfileBit) {
    // An unnamed regular file on the directory's file system: gone when its last descriptor
    // closes (and at a crash), as no directory names it.
    if (!node) return Errno::enoent;
    if (!node->is_dir()) return Errno::enotdir;
    if (node->removed) return Errno::enoent;
    auto made = fs_.make_unnamed_inode(S::IFREG | (mode & 07777 & ~kUmask), clock_now());
    if (!made.ok()) return made.error();
    node = made.value();
  } else if (!node) {
    if (!(flags & O::CREAT)) return Errno::enoent;
    if (parent->removed) return Errno::enoent;
    auto made = fs_.make_inode(S::IFREG | (mode & 07777 & ~kUmask), clock_now());
    if (!made.ok()) return made.error();
    node = made.value();
    fs_.link(parent, name, node, clock_now());
  } else {
    if ((flags & O::CREAT) && (flags & O::EXCL)) return Errno::eexist;
    // O_TRUNC asks to write, as much as O_WRONLY does: neither is allowed on a directory.
    if (node->is_dir() && (access != O::RDONLY || (flags & (O::CREAT | O::TRUNC)))) {
      return Errno::eisdir;
    }
    if ((flags & O::DIRECTORY) && !node->is_dir()) return Errno::enotdir;
    if ((flags & O::TRUNC) && node->is_regular()) {
      if (auto r = fs_.resize(*node, 0, clock_now()); !r.ok()) return r.error();
    }
  }
  auto file = std::make_shared<OpenFile>();
  file->inode = node;
  file->flags = flags & kStatusFlags;
  if (node->is_regular() || node->is_dir()) file->flags |= O::LARGEFILE;
  return file;
}

Result<Fd> SimKernel::open(std::string_view path, int flags, std::uint32_t mode) {
  Call call(*this);
  // Since Linux 6.4, O_CREAT | O_DIRECTORY is refused outright, before the path is looked at
  // (it used to create a regular file).
  if ((flags & O::CREAT) && (flags & O::DIRECTORY)) return Errno::einval;
  // O_TMPFILE needs its O_DIRECTORY bit and write access.
  if ((flags & kTmpfileBit) &&
      ((flags & O::TMPFILE) != O::TMPFILE || (flags & O::ACCMODE) == O::RDONLY)) {
    return Errno::einval;
  }
  // Linux reserves the descriptor before it looks up or creates anything.
  auto probe = install(nullptr, false);
  if (!probe.ok()) return probe.error();
  auto file = open_file(path, flags, mode);
  if (!file.ok()) return file.error();
  return install(file.value(), flags & O::CLOEXEC);
}

Result<void> SimKernel::close(Fd fd) {
  Call call(*this);
  if (auto file = file_of(fd); !file.ok()) return file.error();
  fds_[fd] = {};
  return {};
}

Result<bool> SimKernel::isatty(Fd fd) {
  Call call(*this);
  auto file = file_of(fd);
  if (!file.ok()) return file.error();
  return file.value()->inode->device == sim::Device::terminal;
}

Result<void> SimKernel::set_inheritable(Fd fd, bool inheritable) {
  Call call(*this);
  if (auto file = file_of(fd); !file.ok()) return file.error();
  fds_[fd].cloexec = !inheritable;
  return {};
}

Result<bool> SimKernel::get_inheritable(Fd fd) {
  Call call(*this);
  if (auto file = file_of(fd); !file.ok()) return file.error();
  return !fds_[fd].cloexec;
}

Result<int> SimKernel::fcntl_getfl(Fd fd) {
  Call call(*this);
  auto file = file_of(fd);
  if (!file.ok()) return file.error();
  return file.value()->flags;
}

Result<void> SimKernel::fcntl_setfl(Fd fd, int flags) {
  Call call(*this);
  auto file = file_of(fd);
  if (!file.ok()) return file.error();
  auto& f = *file.value();
  f.flags = (f.flags & ~kSettableFlags) | (flags & kSettableFlags);
  return {};
}

Result<Fd> SimKernel::dup(Fd fd, bool cloexec) {
  Call call(*this);
  auto file = file_of(fd);
  if (!file.ok()) return file.error();
  return install(file.value(), cloexec);
}

Result<Fd> SimKernel::dup2(Fd old_fd, Fd new_fd) {
  Call call(*this);
  auto file = file_of(old_fd);
  if (!file.ok()) return file.error();
  if (new_fd < 0 || new_fd >= options_.max_open_files) return Errno::ebadf;
  if (old_fd == new_fd) return new_fd;
  if (static_cast<std::size_t>(new_fd) >= fds_.size()) fds_.resize(new_fd + 1);
  fds_[new_fd] = {file.value(), false};
  return new_fd;
}

Result<std::pair<Fd, Fd>> SimKernel::pipe(int flags) {
  Call call(*this);
  if (flags & ~(O::NONBLOCK | O::CLOEXEC | O::DIRECT)) return Errno::einval;
  auto read_fd = install(nullptr, false);
  if (!read_fd.ok()) return read_fd.error();
  auto node = fs_.make_anonymous_inode(S::IFIFO | 0600, clock_now());
  node->pipe = std::make_shared<sim::Pipe>();
  auto make_end = [&](int access, OpenFile::PipeEnd end) {
    auto file = std::make_shared<OpenFile>();
    file->inode = node;
    file->flags = access | (flags & (O::NONBLOCK | O::DIRECT));
    file->pipe_end = end;
    ++(end == OpenFile::PipeEnd::read ? node->pipe->readers : node->pipe->writers);
    return file;
  };
  bool cloexec = flags & O::CLOEXEC;
  Fd reader = install(make_end(O::RDONLY, OpenFile::PipeEnd::read), cloexec).value();
  auto writer = install(make_end(O::WRONLY, OpenFile::PipeEnd::write), cloexec);
  if (!writer.ok()) {
    fds_[reader] = {};
    return writer.error();
  }
  return std::pair{reader, writer.value()};
}

// --- file data --------------------------------------------------------------------------

Result<void> SimKernel::check_direct_io(const OpenFile& file, const void* buffer,
                                        std::size_t length, std::int64_t offset) const {
  if (!(file.flags & O::DIRECT) || !file.inode->is_regular()) return {};
  auto misaligned = [](std::int64_t value) { return value % kDirectAlign != 0; };
  if (misaligned(offset) || misaligned(static_cast<std::int64_t>(length)) ||
      misaligned(static_cast<std::int64_t>(reinterpret_cast<std::uintptr_t>(buffer)))) {
    return Errno::einval;
  }
  return {};
}

Result<std::size_t> SimKernel::read_at(OpenFile& file, std::span<std::byte> buffer,
                                       std::int64_t* offset) {
  sim::Inode& node = *file.inode;
  switch (node.device) {
    case sim::Device::null:
      return std::size_t{0};
    case sim::Device::zero:
      std::fill(buffer.begin(), buffer.end(), std::byte{0});
      charge_copy(buffer.size());
      return buffer.size();
    case sim::Device::urandom:
      for (auto& b : buffer) b = static_cast<std::byte>(splitmix64(urandom_state_));
      charge_copy(buffer.size());
      return buffer.size();
    case sim::Device::terminal: {
      // Canonical mode: a read returns at most one line.
      auto line_end = terminal_input_.find('\n');
      auto available = line_end == std::string::npos ? terminal_input_.size() : line_end + 1;
      auto n = std::min(available, buffer.size());
      std::copy_n(reinterpret_cast<const std::byte*>(terminal_input_.data()), n, buffer.begin());
      terminal_input_.erase(0, n);
      return n;
    }
    case sim::Device::none:
      break;
  }
  if (node.pipe) return read_pipe(file, buffer);
  if (node.is_dir()) return Errno::eisdir;
  if (overflows_offset(*offset, buffer.size())) return Errno::einval;
  auto size = static_cast<std::int64_t>(node.data.size());
  if (*offset >= size || buffer.empty()) return std::size_t{0};  // before O_DIRECT's checks
  if (auto r = check_direct_io(file, buffer.data(), buffer.size(), *offset); !r.ok())
    return r.error();
  auto n = static_cast<std::size_t>(std::min<std::int64_t>(size - *offset, buffer.size()));
  std::memcpy(buffer.data(), node.data.data() + *offset, n);
  *offset += static_cast<std::int64_t>(n);
  node.atime_ns = clock_now();
  charge_copy(n);
  return n;
}

Result<std::size_t> SimKernel::write_at(OpenFile& file, std::span<const std::byte> data,
                                        std::int64_t* offset) {
  sim::Inode& node = *file.inode;
  switch (node.device) {
    case sim::Device::terminal:
      terminal_output_.append(as_text(data));
      charge_copy(data.size());
      return data.size();
    case sim::Device::null:
    case sim::Device::zero:
    case sim::Device::urandom:
      return data.size();
    case sim::Device::none:
      break;
  }
  if (node.pipe) return write_pipe(file, data);
  if (data.empty()) return std::size_t{0};
  auto size = static_cast<std::int64_t>(node.data.size());
  std::int64_t position = (file.flags & O::APPEND) ? size : *offset;
  if (overflows_offset(position, data.size())) return Errno::einval;
  // The largest file size cuts a write short, or refuses it at the limit.
  if (position >= kMaxFileSize) return Errno::efbig;
  data = data.first(
      static_cast<std::size_t>(std::min<std::int64_t>(kMaxFileSize - position, data.size())));
  if (auto r = check_direct_io(file, data.data(), data.size(), position); !r.ok()) return r.error();
  auto written = fs_.write_at(node, position, data, clock_now());
  if (!written.ok()) {
    // Out of space: write what still fits, as a short write, or fail when nothing does.
    auto room = options_.max_bytes - fs_.bytes_used();
    auto fits =
        std::clamp<std::int64_t>(size + room - position, 0, static_cast<std::int64_t>(data.size()));
    if (fits == 0) return written.error();
    data = data.first(static_cast<std::size_t>(fits));
    (void)fs_.write_at(node, position, data, clock_now());
  }
  auto end = position + static_cast<std::int64_t>(data.size());
  *offset = end;
  charge_copy(data.size());
  if (file.flags & O::DSYNC) {  // O_SYNC includes O_DSYNC
    fs_.sync_range(node, position, end, true);
    if ((file.flags & O::SYNC) == O::SYNC) {
      node.durable.mode = node.mode;
      node.durable.mtime_ns = node.mtime_ns;
    }
    charge_storage(data.size());
  } else if (file.flags & O::DIRECT) {
    // The data goes to the device, but a grown size is metadata: durable only after a sync.
    fs_.sync_range(node, position, end, false);
    charge_storage(data.size());
  }
  return data.size();
}

Result<std::size_t> SimKernel::read_pipe(OpenFile& file, std::span<std::byte> buffer) {
  sim::Pipe& pipe = *file.inode->pipe;
  if (buffer.empty()) return std::size_t{0};
  if (pipe.empty()) {
    if (pipe.writers == 0) return std::size_t{0};
    // Nothing else runs here, so a blocking read would wait forever.
    return (file.flags & O::NONBLOCK) ? Errno::eagain : Errno::edeadlk;
  }
  auto n = pipe.take(buffer);
  charge_copy(n);
  return n;
}

Result<std::size_t> SimKernel::write_pipe(OpenFile& file, std::span<const std::byte> data) {
  sim::Pipe& pipe = *file.inode->pipe;
  if (data.empty()) return std::size_t{0};
  if (pipe.readers == 0) return Errno::epipe;  // SIGPIPE is ignored, as CPython does
  if (pipe.drained) {
    pipe.drained_output.append(as_text(data));
    charge_copy(data.size());
    return data.size();
  }
  auto n = pipe.put(data);
  charge_copy(n);
  if (n == 0) return (file.flags & O::NONBLOCK) ? Errno::eagain : Errno::edeadlk;
  // A blocking writer would now wait for a reader that never runs; it returns the short count
  // (as if interrupted), and its next write reports EDEADLK.
  return n;
}

Result<std::size_t> SimKernel::read(Fd fd, std::span<std::byte> buffer) {
  Call call(*this);
  auto file = file_of(fd);
  if (!file.ok()) return file.error();
  auto& f = *file.value();
  if (!f.readable()) return Errno::ebadf;
  return read_at(f, buffer, &f.offset);
}

Result<std::size_t> SimKernel::write(Fd fd, std::span<const std::byte> data) {
  Call call(*this);
  auto file = file_of(fd);
  if (!file.ok()) return file.error();
  auto& f = *file.value();
  if (!f.writable()) return Errno::ebadf;
  return write_at(f, data, &f.offset);
}

// Linux checks a positioned call's offset before its descriptor, and whether the file can be
// positioned at all (not a pipe or terminal) before whether it is open for reading or writing.
Result<std::size_t> SimKernel::pread(Fd fd, std::span<std::byte> buffer, std::int64_t offset) {
  Call call(*this);
  if (offset < 0) return Errno::einval;
  auto file = file_of(fd);
  if (!file.ok()) return file.error();
  auto& f = *file.value();
  if (f.inode->pipe || f.inode->device == sim::Device::terminal) return Errno::espipe;
  if (!f.readable()) return Errno::ebadf;
  return read_at(f, buffer, &offset);
}

Result<std::size_t> SimKernel::pwrite(Fd fd, std::span<const std::byte> data, std::int64_t offset) {
  Call call(*this);
  if (offset < 0) return Errno::einval;
  auto file = file_of(fd);
  if (!file.ok()) return file.error();
  auto& f = *file.value();
  if (f.inode->pipe || f.inode->device == sim::Device::terminal) return Errno::espipe;
  if (!f.writable()) return Errno::ebadf;
  return write_at(f, data, &offset);  // with O_APPEND Linux appends anyway
}

Result<std::size_t> SimKernel::readv(Fd fd, std::span<const std::span<std::byte>> buffers) {
  std::vector<std::byte> gathered(total_size(buffers));
  auto n = read(fd, gathered);
  if (!n.ok()) return n;
  std::size_t done = 0;
  for (auto buffer : buffers) {
    auto part = std::min(buffer.size(), n.value() - done);
    std::copy_n(gathered.begin() + static_cast<std::ptrdiff_t>(done), part, buffer.begin());
    done += part;
  }
  return n;
}

Result<std::size_t> SimKernel::writev(Fd fd, std::span<const std::span<const std::byte>> buffers) {
  std::vector<std::byte> gathered;
  gathered.reserve(total_size(buffers));
  for (auto buffer : buffers) gathered.insert(gathered.end(), buffer.begin(), buffer.end());
  return write(fd, gathered);
}

Result<std::int64_t> SimKernel::lseek(Fd fd, std::int64_t offset, int whence) {
  Call call(*this);
  auto file = file_of(fd);
  if (!file.ok()) return file.error();
  auto& f = *file.value();
  const sim::Inode& node = *f.inode;
  if (node.pipe || node.device == sim::Device::terminal) return Errno::espipe;
  if (node.device != sim::Device::none) return std::int64_t{0};
  auto size = node.is_dir() ? PAGESIZE : static_cast<std::int64_t>(node.data.size());
  std::int64_t position = 0;
  switch (whence) {
    case SEEK::SET:
      position = offset;
      break;
    case SEEK::CUR:
      if (__builtin_add_overflow(f.offset, offset, &position)) return Errno::einval;
      break;
    case SEEK::END:
      if (__builtin_add_overflow(size, offset, &position)) return Errno::einval;
      break;
    case SEEK::DATA:
    case SEEK::HOLE: {
      if (offset < 0 || offset >= size) return Errno::enxio;
      if (!node.is_regular()) {  // a directory: all data up to the size it reports
        position = whence == SEEK::DATA ? offset : size;
        break;
      }
      if (whence == SEEK::HOLE) {
        position = node.next_hole(offset);
        break;
      }
      auto data = node.next_data(offset);
      if (!data) return Errno::enxio;  // only holes up to the end
      position = *data;
      break;
    }
    default:
      return Errno::einval;
  }
  if (position < 0 || (node.is_regular() && position > kMaxFileSize)) return Errno::einval;
  f.offset = position;
  return position;
}

Stat SimKernel::stat_of(const sim::Inode& node) const {
  Stat st;
  st.st_dev = kDevice;
  st.st_ino = node.ino;
  st.st_mode = node.mode;
  // A removed directory (still open, or someone's working directory) has no links left, not
  // even its own "."; ext4's rmdir also sets its size to 0, but keeps its block until the
  // inode is freed.
  st.st_nlink = node.pipe                          ? 1
                : node.device != sim::Device::none ? 1
                : node.removed                     ? 0
                                                   : fs_.nlink(node);
  st.st_size = node.is_regular() ? static_cast<std::int64_t>(node.data.size())
               : node.is_dir()   ? (node.size_cleared ? 0 : PAGESIZE)
                                 : 0;
  // A pty (devpts) reports 1024, so CPython buffers a terminal in 1024-byte blocks.
  st.st_blksize = node.device == sim::Device::terminal ? 1024 : PAGESIZE;
  // 512-byte units of the blocks holding data: ext4 counts a block reserved by delayed
  // allocation at once, and its extent tree in the inode while a file has at most four extents.
  if (node.is_regular()) st.st_blocks = node.allocated_blocks() * (sim::kBlockSize / 512);
  if (node.is_dir()) st.st_blocks = PAGESIZE / 512;
  st.st_atime_ns = node.atime_ns;
  st.st_mtime_ns = node.mtime_ns;
  st.st_ctime_ns = node.ctime_ns;
  return st;
}

Result<Stat> SimKernel::fstat(Fd fd) {
  Call call(*this);
  auto file = file_of(fd);
  if (!file.ok()) return file.error();
  return stat_of(*file.value()->inode);
}

Result<Stat> SimKernel::stat(std::string_view path) {
  Call call(*this);
  auto found = fs_.lookup(path, cwd_);
  if (!found.ok()) return found.error();
  if (!found.value().node) return Errno::enoent;
  return stat_of(*found.value().node);
}

Result<void> SimKernel::ftruncate(Fd fd, std::int64_t length) {
  Call call(*this);
  if (length < 0) return Errno::einval;  // checked before the descriptor, as on Linux
  auto file = file_of(fd);
  if (!file.ok()) return file.error();
  auto& f = *file.value();
  if (!f.inode->is_regular() || !f.writable()) return Errno::einval;
  // Past ext4's largest file Linux says EFBIG; past the simulation's space limit (it stores
  // the bytes of holes too, so growing a file takes memory) SimKernel says so too.
  if (length > kMaxFileSize || length > options_.max_bytes) return Errno::efbig;
  if (auto r = fs_.resize(*f.inode, length, clock_now()); !r.ok()) return Errno::efbig;
  return {};
}

Result<void> SimKernel::chmod(std::string_view path, std::uint32_t mode) {
  Call call(*this);
  auto found = fs_.lookup(path, cwd_);
  if (!found.ok()) return found.error();
  if (!found.value().node) return Errno::enoent;
  set_mode(*found.value().node, mode);
  return {};
}

Result<void> SimKernel::fchmod(Fd fd, std::uint32_t mode) {
  Call call(*this);
  auto file = file_of(fd);
  if (!file.ok()) return file.error();
  set_mode(*file.value()->inode, mode);
  return {};
}

void SimKernel::set_mode(sim::Inode& node, std::uint32_t mode) {
  node.mode = node.type() | (mode & 07777);
  node.ctime_ns = clock_now();
  node.metadata_dirty = true;
}

Result<std::size_t> SimKernel::getrandom(std::span<std::byte> buffer) {
  Call call(*this);
  for (auto& b : buffer) b = static_cast<std::byte>(splitmix64(urandom_state_));
  charge_copy(buffer.size());
  return buffer.size();
}

std::optional<std::string> SimKernel::getenv(std::string_view name) {
  auto found = options_.environ.find(name);
  if (found == options_.environ.end()) return std::nullopt;
  return found->second;
}

Result<void> SimKernel::fsync(Fd fd) { return sync(fd, false); }

Result<void> SimKernel::fdatasync(Fd fd) { return sync(fd, true); }

Result<void> SimKernel::sync(Fd fd, bool data_only) {
  Call call(*this);
  auto file = file_of(fd);
  if (!file.ok()) return file.error();
  sim::Inode& node = *file.value()->inode;
  if (!node.is_regular() && !node.is_dir()) return Errno::einval;
  charge_storage(node.dirty_pages.size() * PAGESIZE);
  if (data_only) {
    fs_.sync_data(node);
  } else {
    fs_.sync_all(node);
  }
  return {};
}

// --- names ------------------------------------------------------------------------------

Result<void> SimKernel::rename(std::string_view old_path, std::string_view new_path) {
  Call call(*this);
  // Linux resolves both parents first, then judges the two last components in this order.
  auto from = fs_.lookup_no_slash_check(old_path, cwd_);
  if (!from.ok()) return from.error();
  auto to = fs_.lookup_no_slash_check(new_path, cwd_);
  if (!to.ok()) return to.error();
  auto& source = from.value();
  auto& target = to.value();
  // "." and ".." are refused before either name is looked up, so even a missing source.
  if (is_dot_name(source.name) || is_dot_name(target.name)) return Errno::ebusy;
  if (!source.node) return Errno::enoent;
  // Linux looks nothing up in a removed directory (the working directory, say), not even a
  // name to create: ENOENT comes before any complaint about the names.
  if (target.parent->removed) return Errno::enoent;
  if (!source.node->is_dir() && (source.trailing_slash || target.trailing_slash)) {
    return Errno::enotdir;
  }
  if (source.parent != target.parent) {
    // A directory cannot move below itself; and a name cannot replace one of its own
    // ancestors, which Linux refuses with ENOTEMPTY before it looks at either's type.
    if (is_ancestor_or_self(fs_, source.node, target.parent)) return Errno::einval;
    if (target.node && is_ancestor_or_self(fs_, target.node, source.parent)) {
      return Errno::enotempty;
    }
  }
  if (source.node == target.node) return {};
  if (target.node) {
    if (source.node->is_dir() && !target.node->is_dir()) return Errno::enotdir;
    if (!source.node->is_dir() && target.node->is_dir()) return Errno::eisdir;
    if (target.node->is_dir() && !target.node->entries.empty()) return Errno::enotempty;
    target.node->removed = target.node->is_dir();
  }
  // The new name first: the inode is never without one.
  fs_.link(target.parent, target.name, source.node, clock_now());
  fs_.unlink(source.parent, source.name, clock_now());
  return {};
}

Result<void> SimKernel::unlink(std::string_view path) {
  Call call(*this);
  auto found = fs_.lookup(path, cwd_);
  if (!found.ok()) return found.error();
  auto& [parent, name, node, trailing_slash] = found.value();
  if (!node) return Errno::enoent;
  if (node->is_dir()) return Errno::eisdir;
  fs_.unlink(parent, name, clock_now());
  return {};
}

Result<void> SimKernel::mkdir(std::string_view path, std::uint32_t mode) {
  Call call(*this);
  // Any existing name is EEXIST, even a file named with a trailing slash ("file/").
  auto found = fs_.lookup_no_slash_check(path, cwd_);
  if (!found.ok()) return found.error();
  auto& [parent, name, node, trailing_slash] = found.value();
  if (node) return Errno::eexist;
  if (parent->removed) return Errno::enoent;
  auto made = fs_.make_inode(S::IFDIR | (mode & 07777 & ~kUmask), clock_now());
  if (!made.ok()) return made.error();
  fs_.link(parent, name, made.value(), clock_now());
  return {};
}

Result<void> SimKernel::rmdir(std::string_view path) {
  Call call(*this);
  auto found = fs_.lookup(path, cwd_);
  if (!found.ok()) return found.error();
  auto& [parent, name, node, trailing_slash] = found.value();
  if (name == ".") return Errno::einval;
  if (name == "..") return Errno::enotempty;
  if (!node) return Errno::enoent;
  if (!node->is_dir()) return Errno::enotdir;
  if (node == fs_.root()) return Errno::ebusy;
  if (!node->entries.empty()) return Errno::enotempty;
  node->removed = node->size_cleared = true;
  fs_.unlink(parent, name, clock_now());
  return {};
}

Result<std::vector<std::string>> SimKernel::listdir(std::string_view path) {
  Call call(*this);
  auto found = fs_.lookup(path, cwd_);
  if (!found.ok()) return found.error();
  const auto& node = found.value().node;
  if (!node) return Errno::enoent;
  if (!node->is_dir()) return Errno::enotdir;
  std::vector<std::string> names;
  for (const auto& entry : node->entries) names.push_back(entry.first);
  return names;
}

Result<std::string> SimKernel::getcwd() {
  Call call(*this);
  return fs_.path_of(cwd_);
}

Result<void> SimKernel::chdir(std::string_view path) {
  Call call(*this);
  auto found = fs_.lookup(path, cwd_);
  if (!found.ok()) return found.error();
  const auto& node = found.value().node;
  if (!node) return Errno::enoent;
  if (!node->is_dir()) return Errno::enotdir;
  cwd_ = node;
  return {};
}

// --- time -------------------------------------------------------------------------------

std::int64_t SimKernel::clock_gettime(Clock clock) {
  return clock == Clock::monotonic ? monotonic_ns_ : clock_now();
}

void SimKernel::nanosleep(std::int64_t nanoseconds) {
  Call call(*this);
  charge(std::max<std::int64_t>(nanoseconds, 0));
}

}  // namespace bl::os
