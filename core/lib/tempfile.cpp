// Python's tempfile module over a Kernel (tempfile.hpp): the module functions,
// _TemporaryFileWrapper and TemporaryDirectory.
#include "lib/tempfile.hpp"

#include <array>

#include "io/buffered.hpp"
#include "io/fileio.hpp"
#include "io/open.hpp"

namespace bl::lib {

namespace {

// os.open adds O_CLOEXEC to every open (PEP 446); tempfile asks for the rest.
constexpr int kOpenFlags =
    os::O::RDWR | os::O::CREAT | os::O::EXCL | os::O::NOFOLLOW | os::O::CLOEXEC;

// --- posixpath, as far as tempfile uses it ---------------------------------------------

std::string join(const std::string& a, const std::string& b) {
  if (b.starts_with('/') || a.empty()) return b;
  return a.ends_with('/') ? a + b : a + "/" + b;
}

// posixpath.normpath: '.' and empty parts dropped, '..' folded; POSIX keeps exactly two
// leading slashes.
std::string normpath(const std::string& path) {
  if (path.empty()) return ".";
  std::size_t slashes = path.find_first_not_of('/');
  if (slashes == std::string::npos) slashes = path.size();
  std::string root = slashes == 2 ? "//" : slashes > 0 ? "/" : "";
  std::vector<std::string> parts;
  for (std::size_t at = 0; at <= path.size();) {
    std::size_t end = std::min(path.find('/', at), path.size());
    std::string part = path.substr(at, end - at);
    at = end + 1;
    if (part.empty() || part == ".") continue;
    if (part != ".." || (root.empty() && (parts.empty() || parts.back() == "..")))
      parts.push_back(part);
    else if (!parts.empty())
      parts.pop_back();
  }
  std::string out = root;
  for (std::size_t i = 0; i < parts.size(); ++i) out += (i ? "/" : "") + parts[i];
  return out.empty() ? "." : out;
}

std::string getcwd(os::Kernel& kernel) { return kernel.getcwd().value_or_raise(); }

std::string abspath(os::Kernel& kernel, const std::string& path) {
  return normpath(path.starts_with('/') ? path : join(getcwd(kernel), path));
}

// --- names -------------------------------------------------------------------------------

std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

std::uint64_t random_seed(os::Kernel& kernel) {
  std::array<std::byte, 8> bytes{};
  (void)kernel.getrandom(bytes);  // like random.Random(), any bytes will do when it fails
  std::uint64_t seed = 0;
  for (std::byte b : bytes) seed = seed << 8 | static_cast<std::uint64_t>(b);
  return seed;
}

// _RandomNameSequence's next(): random.choices of 8 characters (index = floor(random() * 37)).
std::string random_name(std::uint64_t& state) {
  static constexpr std::string_view kCharacters = "abcdefghijklmnopqrstuvwxyz0123456789_";
  std::string name;
  for (int i = 0; i < 8; ++i) {
    double unit = static_cast<double>(splitmix64(state) >> 11) * 0x1.0p-53;
    name += kCharacters[static_cast<std::size_t>(unit * kCharacters.size())];
  }
  return name;
}

// repr() of a list of str, for the "No usable temporary directory" message.
std::string list_repr(const std::vector<std::string>& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + python_str_repr(items[i]);
  return out + "]";
}

// The FileIO at the bottom of what io.open returned (Python: file.buffer.raw).
io::FileIO& raw_of(io::IOBase& file) {
  io::IOBase* layer = &file;
  if (auto* text = dynamic_cast<io::TextIOWrapper*>(layer)) layer = text->buffer().get();
  if (auto* buffered = dynamic_cast<io::Buffered*>(layer)) layer = buffered->raw().get();
  return dynamic_cast<io::FileIO&>(*layer);
}

// io.text_encoding(): a text mode without an encoding means the locale's.
std::optional<std::string> text_encoding(const std::string& mode,
                                         const std::optional<std::string>& encoding) {
  if (mode.find('b') != std::string::npos || encoding) return encoding;
  return "locale";
}

// The first error of a probe (open, write, close, unlink) of directory `dir`, or none.
os::Errno probe(os::Kernel& kernel, const std::string& filename) {
  auto fd = kernel.open(filename, kOpenFlags, 0600);
  if (!fd.ok()) return fd.error();
  auto written = kernel.write(fd.value(), os::as_bytes("blat"));
  auto closed = kernel.close(fd.value());
  auto unlinked = kernel.unlink(filename);
  for (os::Errno e : {written.error(), closed.error(), unlinked.error()})
    if (e != os::Errno::none) return e;
  return os::Errno::none;
}

}  // namespace

// --- the module ------------------------------------------------------------------------------

std::string Tempfile::gettempdir() {
  if (tempdir_) return *tempdir_;
  std::vector<std::string> dirlist;
  for (const char* variable : {"TMPDIR", "TEMP", "TMP"}) {
    auto value = kernel_.getenv(variable);
    if (value && !value->empty()) dirlist.push_back(*value);
  }
  for (const char* dir : {"/tmp", "/var/tmp", "/usr/tmp"}) dirlist.emplace_back(dir);
  auto cwd = kernel_.getcwd();
  dirlist.push_back(cwd.ok() ? cwd.value() : ".");
  // The probe names come from a sequence of their own, as CPython's _get_default_tempdir
  // makes a fresh _RandomNameSequence: the module's sequence is not advanced.
  std::uint64_t namer = random_seed(kernel_);
  for (const auto& candidate : dirlist) {
    std::string dir = candidate == "." ? candidate : abspath(kernel_, candidate);
    for (int attempt = 0; attempt < 100; ++attempt) {
      os::Errno error = probe(kernel_, join(dir, random_name(namer)));
      if (error == os::Errno::none) return *(tempdir_ = dir);
      if (error != os::Errno::eexist) break;  // no point trying more names here
    }
  }
  throw FileNotFoundError(os::Errno::enoent,
                          OSError::Strerror{"No usable temporary directory found in " +
                                            list_repr(dirlist)});
}

Tempfile::Params Tempfile::sanitize(const std::optional<std::string>& prefix,
                                    const std::optional<std::string>& suffix,
                                    const std::optional<std::string>& dir) {
  return {prefix.value_or(gettempprefix()), suffix.value_or(""), dir ? *dir : gettempdir()};
}

std::string Tempfile::next_name() {
  if (!names_) names_ = random_seed(kernel_);
  return random_name(*names_);
}

std::pair<os::Fd, std::string> Tempfile::mkstemp_inner(const Params& params) {
  const std::string dir = abspath(kernel_, params.dir);
  for (int attempt = 0; attempt < kTmpMax; ++attempt) {
    std::string file = join(dir, params.prefix + next_name() + params.suffix);
    auto fd = kernel_.open(file, kOpenFlags, 0600);
    if (fd.ok()) return {fd.value(), file};
    if (fd.error() != os::Errno::eexist) raise_os_error(fd.error(), file);
  }
  throw FileExistsError(os::Errno::eexist, OSError::Strerror{"No usable temporary file name found"});
}

std::pair<os::Fd, std::string> Tempfile::mkstemp(const MkstempOptions& options) {
  return mkstemp_inner(sanitize(options.prefix, options.suffix, options.dir));
}

std::string Tempfile::mkdtemp(const MkdtempOptions& options) {
  Params params = sanitize(options.prefix, options.suffix, options.dir);
  for (int attempt = 0; attempt < kTmpMax; ++attempt) {
    std::string file = join(params.dir, params.prefix + next_name() + params.suffix);
    auto made = kernel_.mkdir(file, 0700);
    if (made.ok()) return file;
    if (made.error() != os::Errno::eexist) raise_os_error(made.error(), file);
  }
  throw FileExistsError(os::Errno::eexist,
                        OSError::Strerror{"No usable temporary directory name found"});
}

std::shared_ptr<io::IOBase> Tempfile::TemporaryFile(const TemporaryFileOptions& options) {
  TemporaryFileOptions o = options;
  o.encoding = text_encoding(o.mode, o.encoding);
  Params params = sanitize(o.prefix, o.suffix, o.dir);
  if (o_tmpfile_works_) {
    try {
      return open_tmpfile(o, params.dir);
    } catch (const IsADirectoryError&) {
      // A kernel older than 3.11 reads O_TMPFILE as O_DIRECTORY: do not try again.
      o_tmpfile_works_ = false;
    } catch (const OSError&) {
      // The file system does not support O_TMPFILE (EOPNOTSUPP, ...): fall back below.
    }
  }
  return open_unlinked(o, params);
}

// io.open(dir, ...) whose opener opens an unnamed file in `dir`.
std::shared_ptr<io::IOBase> Tempfile::open_tmpfile(const TemporaryFileOptions& o,
                                                   const std::string& dir) {
  os::Fd fd = -1;
  auto opener = [&](std::string_view, int) -> std::int64_t {
    const int flags = (kOpenFlags | os::O::TMPFILE) & ~os::O::CREAT;
    return fd = kernel_.open(dir, flags, 0600).value_or_raise(dir);
  };
  auto file = io::open(kernel_, dir,
                       {.mode = o.mode, .buffering = o.buffering, .encoding = o.encoding,
                        .errors = o.errors, .newline = o.newline, .opener = opener});
  raw_of(*file).set_name(std::int64_t{fd});
  return file;
}

// io.open(dir, ...) whose opener makes a mkstemp file and unlinks it at once.
std::shared_ptr<io::IOBase> Tempfile::open_unlinked(const TemporaryFileOptions& o,
                                                    const Params& params) {
  os::Fd fd = -1;
  auto opener = [&](std::string_view, int) -> std::int64_t {
    auto [opened, name] = mkstemp_inner(params);
    fd = opened;
    auto unlinked = kernel_.unlink(name);
    if (!unlinked.ok()) {
      (void)kernel_.close(fd);
      raise_os_error(unlinked.error(), name);
    }
    return fd;
  };
  auto file = io::open(kernel_, params.dir,
                       {.mode = o.mode, .buffering = o.buffering, .encoding = o.encoding,
                        .errors = o.errors, .newline = o.newline, .opener = opener});
  raw_of(*file).set_name(std::int64_t{fd});
  return file;
}

std::shared_ptr<TemporaryFileWrapper> Tempfile::NamedTemporaryFile(
    const NamedTemporaryFileOptions& o) {
  Params params = sanitize(o.prefix, o.suffix, o.dir);
  std::optional<std::string> name;
  auto opener = [&](std::string_view, int) -> std::int64_t {
    auto [fd, path] = mkstemp_inner(params);
    name = path;
    return fd;
  };
  try {
    auto file = io::open(kernel_, params.dir,
                         {.mode = o.mode, .buffering = o.buffering,
                          .encoding = text_encoding(o.mode, o.encoding), .errors = o.errors,
                          .newline = o.newline, .opener = opener});
    raw_of(*file).set_name(*name);
    return std::make_shared<TemporaryFileWrapper>(kernel_, file, *name, o.delete_);
  } catch (...) {
    // io.open closed the descriptor; the name must go too (an unlink error replaces the first).
    if (name) kernel_.unlink(*name).value_or_raise(*name);
    throw;
  }
}

// --- _TemporaryFileWrapper ---------------------------------------------------------------

TemporaryFileWrapper::TemporaryFileWrapper(os::Kernel& kernel, std::shared_ptr<io::IOBase> file,
                                           std::string name, bool delete_)
    : kernel_(kernel),
      file_(std::move(file)),
      name_(std::move(name)),
      unlink_on_close_(delete_) {}

TemporaryFileWrapper::~TemporaryFileWrapper() {
  try {
    close();
  } catch (...) {  // Python's finalizer reports and ignores errors
  }
}

void TemporaryFileWrapper::close() {
  if (close_called_) return;
  close_called_ = true;
  try {
    file_->close();
  } catch (...) {
    if (unlink_on_close_) (void)kernel_.unlink(name_);
    throw;
  }
  if (unlink_on_close_) kernel_.unlink(name_).value_or_raise(name_);
}

TemporaryFileWrapper& TemporaryFileWrapper::enter() {
  file_->enter();
  return *this;
}

void TemporaryFileWrapper::exit() {
  file_->exit();
  close();
}

// --- TemporaryDirectory ------------------------------------------------------------------

TemporaryDirectory::TemporaryDirectory(Tempfile& tempfile,
                                       const TemporaryDirectoryOptions& options)
    : kernel_(tempfile.kernel()),
      name_(tempfile.mkdtemp({.suffix = options.suffix, .prefix = options.prefix,
                              .dir = options.dir})),
      ignore_errors_(options.ignore_cleanup_errors) {}

TemporaryDirectory::~TemporaryDirectory() {
  if (!finalizer_alive_) return;
  try {
    finalizer_alive_ = false;
    rmtree(name_);
    warn("ResourceWarning", "Implicitly cleaning up " + repr());
  } catch (...) {
  }
}

std::string TemporaryDirectory::repr() const {
  return "<TemporaryDirectory " + python_str_repr(name_) + ">";
}

void TemporaryDirectory::cleanup() {
  const bool first = std::exchange(finalizer_alive_, false);
  if (first || kernel_.stat(name_).ok()) rmtree(name_);
}

// A plain recursive removal with listdir/unlink/rmdir. It has shutil.rmtree's outcome and
// error handling (as TemporaryDirectory._rmtree's onerror adjusts it), not its system calls:
// CPython walks the tree with openat/fstat/getdents64/unlinkat on directory descriptors.
// Entries are unlinked first and descended into only on EISDIR, so a symbolic link is removed,
// never followed (the Kernel has no lstat). `retrying`: inside onerror's second attempt, which
// ends at the next permission error instead of recursing again.
void TemporaryDirectory::rmtree(const std::string& path, bool retrying) {
  auto entries = kernel_.listdir(path);
  if (!entries.ok()) return on_error(path, path, entries.error(), retrying);
  for (const auto& entry : entries.value()) {
    std::string child = join(path, entry);
    auto removed = kernel_.unlink(child);
    if (!removed.ok() && removed.error() == os::Errno::eisdir) {
      rmtree(child, retrying);
    } else if (!removed.ok()) {
      on_error(child, path, removed.error(), retrying);
    }
  }
  if (auto removed = kernel_.rmdir(path); !removed.ok())
    on_error(path, path, removed.error(), retrying);
}

// TemporaryDirectory._rmtree's onerror: vanished entries are fine; a permission error gets
// chmod 0700 on the parent and the entry and one more try (a directory as a tree; errors of
// that unlink other than these raise even when errors are ignored, as in CPython); anything
// else raises unless errors are ignored.
void TemporaryDirectory::on_error(const std::string& path, const std::string& parent,
                                  os::Errno error, bool retrying) {
  if (error == os::Errno::enoent) return;
  if ((error == os::Errno::eacces || error == os::Errno::eperm) && !retrying) {
    if (path != name_) (void)kernel_.chmod(parent, 0700);
    (void)kernel_.chmod(path, 0700);
    auto removed = kernel_.unlink(path);
    if (removed.ok() || removed.error() == os::Errno::enoent) return;
    if (removed.error() == os::Errno::eisdir || removed.error() == os::Errno::eperm ||
        removed.error() == os::Errno::eacces)
      return rmtree(path, true);
    raise_os_error(removed.error(), path);
  }
  if (!ignore_errors_) raise_os_error(error, path);
}

}  // namespace bl::lib
