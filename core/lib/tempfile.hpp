// Python's tempfile module (CPython 3.11.7 Lib/tempfile.py) over a bl::os::Kernel.
//
// `Tempfile` is the module bound to one kernel: it holds what CPython keeps as module globals
// (the random name sequence, the cached `tempdir`, `_O_TMPFILE_WORKS`) and offers the module's
// functions: gettempdir, gettempprefix, mkstemp, mkdtemp, TemporaryFile and
// NamedTemporaryFile. TemporaryFileWrapper (Python's `_TemporaryFileWrapper`) and
// TemporaryDirectory are classes of their own; SpooledTemporaryFile is in spooled.hpp.
//
//   lib::Tempfile tempfile(kernel);
//   auto f = tempfile.TemporaryFile({.mode = "w+", .dir = "."});        // O_TMPFILE, no name
//   auto [fd, path] = tempfile.mkstemp({.suffix = ".bin", .dir = "."}); // absolute path
//
// Names are "tmp" (or the prefix), 8 characters of [a-z0-9_], then the suffix. The characters
// come from a generator seeded once from kernel.getrandom(): random on the real OS, the same
// sequence on every run of a SimKernel with the same seed. Paths are str only (bytes paths,
// which CPython also accepts, are not modeled).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "io/iobase.hpp"
#include "os/kernel.hpp"

namespace bl::lib {

// tempfile.TMP_MAX (<stdio.h> owns the name): how many names are tried before giving up. C's
// TMP_MAX is 238328 on Linux, but CPython's os module does not export it, so tempfile's
// fallback of 10000 applies.
inline constexpr int kTmpMax = 10000;

// The arguments mkdtemp() and TemporaryDirectory share. None: "" suffix, "tmp" prefix,
// gettempdir().
struct MkdtempOptions {
  std::optional<std::string> suffix, prefix, dir;
};

struct MkstempOptions {
  std::optional<std::string> suffix, prefix, dir;
  bool text = false;  // no effect on POSIX (O_BINARY does not exist), as in CPython
};

// TemporaryFile's arguments: io.open's, plus where and how the file is named.
struct TemporaryFileOptions {
  std::string mode = "w+b";
  std::int64_t buffering = -1;
  std::optional<std::string> encoding, newline, suffix, prefix, dir, errors;
};

struct NamedTemporaryFileOptions {
  std::string mode = "w+b";
  std::int64_t buffering = -1;
  std::optional<std::string> encoding, newline, suffix, prefix, dir;
  bool delete_ = true;  // Python's `delete`: unlink the file when it is closed
  std::optional<std::string> errors;
};

class TemporaryFileWrapper;

class Tempfile {
 public:
  explicit Tempfile(os::Kernel& kernel) : kernel_(kernel) {}
  Tempfile(const Tempfile&) = delete;
  Tempfile& operator=(const Tempfile&) = delete;

  os::Kernel& kernel() const { return kernel_; }

  // The directory temporary files go to when no `dir` is given: the first of $TMPDIR, $TEMP,
  // $TMP, /tmp, /var/tmp, /usr/tmp and the cwd where a probe file can be created, written,
  // closed and unlinked. Found once, then cached (tempfile.tempdir).
  std::string gettempdir();
  static std::string gettempprefix() { return "tmp"; }

  // (fd, absolute path) of a new file opened O_RDWR|O_CREAT|O_EXCL|O_NOFOLLOW|O_CLOEXEC, 0600;
  // the caller closes and removes it.
  std::pair<os::Fd, std::string> mkstemp(const MkstempOptions& options = {});
  // A new directory (mode 0700), named join(dir, prefix + random + suffix): relative when dir is.
  std::string mkdtemp(const MkdtempOptions& options = {});

  // An io object over an unnamed file (O_TMPFILE; where the file system refuses, a mkstemp
  // file unlinked at once). Its raw FileIO's name is the descriptor.
  std::shared_ptr<io::IOBase> TemporaryFile(const TemporaryFileOptions& options = {});
  // A file with a name (mkstemp's), wrapped so that close() also unlinks it when delete_.
  std::shared_ptr<TemporaryFileWrapper> NamedTemporaryFile(
      const NamedTemporaryFileOptions& options = {});

 private:
  struct Params {  // _sanitize_params: None made concrete
    std::string prefix, suffix, dir;
  };
  Params sanitize(const std::optional<std::string>& prefix,
                  const std::optional<std::string>& suffix, const std::optional<std::string>& dir);
  std::string next_name();
  std::pair<os::Fd, std::string> mkstemp_inner(const Params& params);
  std::shared_ptr<io::IOBase> open_tmpfile(const TemporaryFileOptions& options,
                                           const std::string& dir);
  std::shared_ptr<io::IOBase> open_unlinked(const TemporaryFileOptions& options,
                                            const Params& params);

  os::Kernel& kernel_;
  std::optional<std::uint64_t> names_;  // the name generator's state, seeded on first use
  std::optional<std::string> tempdir_;
  bool o_tmpfile_works_ = true;
};

// tempfile._TemporaryFileWrapper: NamedTemporaryFile's result. Python forwards every other
// attribute to `file`; here they are reached through file(). Destroying the wrapper closes it,
// as Python's finalizer does.
class TemporaryFileWrapper {
 public:
  TemporaryFileWrapper(os::Kernel& kernel, std::shared_ptr<io::IOBase> file, std::string name,
                       bool delete_);
  ~TemporaryFileWrapper();
  TemporaryFileWrapper(const TemporaryFileWrapper&) = delete;
  TemporaryFileWrapper& operator=(const TemporaryFileWrapper&) = delete;

  const std::shared_ptr<io::IOBase>& file() const { return file_; }
  const std::string& name() const { return name_; }
  bool delete_() const { return unlink_on_close_; }
  std::string repr() const { return "<tempfile._TemporaryFileWrapper object>"; }

  // The first call closes the file and then, even when that raised, unlinks it if delete_
  // (a FileNotFoundError when something else removed it); later calls do nothing.
  void close();
  // file.__enter__() (ValueError on a closed file); the wrapper is what `with` binds.
  TemporaryFileWrapper& enter();
  // file.__exit__() then close().
  void exit();

 private:
  os::Kernel& kernel_;
  std::shared_ptr<io::IOBase> file_;
  std::string name_;
  bool unlink_on_close_;
  bool close_called_ = false;
};

struct TemporaryDirectoryOptions {
  std::optional<std::string> suffix, prefix, dir;
  bool ignore_cleanup_errors = false;
};

// tempfile.TemporaryDirectory: an mkdtemp() directory removed, with everything in it, by
// cleanup(), exit() or, failing both, the destructor (Python's finalizer, which also warns
// "ResourceWarning: Implicitly cleaning up <TemporaryDirectory '...'>").
class TemporaryDirectory {
 public:
  explicit TemporaryDirectory(Tempfile& tempfile, const TemporaryDirectoryOptions& options = {});
  ~TemporaryDirectory();
  TemporaryDirectory(const TemporaryDirectory&) = delete;
  TemporaryDirectory& operator=(const TemporaryDirectory&) = delete;

  const std::string& name() const { return name_; }
  std::string repr() const;  // <TemporaryDirectory './tmpab3_x9zq'>
  const std::string& enter() const { return name_; }
  void exit() { cleanup(); }
  // Removes the tree the first time; later only if the name exists again. Entries that
  // vanish meanwhile are ignored; permission errors get chmod 0700 and a second try; other
  // errors raise unless ignore_cleanup_errors.
  void cleanup();

 private:
  void rmtree(const std::string& path, bool retrying = false);
  void on_error(const std::string& path, const std::string& parent, os::Errno error,
                bool retrying);

  os::Kernel& kernel_;
  std::string name_;
  bool ignore_errors_;
  bool finalizer_alive_ = true;
};

}  // namespace bl::lib
