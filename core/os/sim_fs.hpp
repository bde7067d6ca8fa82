// The simulated kernel's file system: inodes, directories, pipes and devices, each file in two
// states — the page cache (what reads see) and durable storage (what survives power loss).
//
// Durability follows what POSIX promises and no more, the rules a careful program must live by:
// a write dirties pages in the cache; fsync makes the inode's data and metadata durable,
// fdatasync its data and size; directory entries (create, rename, unlink, mkdir) become durable
// only when the directory itself is fsynced. crash() keeps the durable state and nothing else.
//
// Holes are modeled as ext4 keeps them, one bit per 4096-byte block: a block is allocated once
// anything writes into it (zeros too) and stays so until a truncation drops it whole; growing a
// file by ftruncate or by writing past its end leaves holes. ext4's delayed allocation reports
// a written block as data at once, so the bits change with the cache, and storage keeps its own
// bits for crash(). The bytes themselves are still all stored, holes included.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "os/kernel.hpp"

namespace bl::os::sim {

inline constexpr std::size_t kPipeSlots = 16;  // Linux's default: 16 pages, 65536 bytes
inline constexpr std::uint64_t kRootIno = 2;   // as on ext4
inline constexpr std::size_t kPathMax = 4096;
inline constexpr std::size_t kNameMax = 255;
inline constexpr std::int64_t kBlockSize = 4096;  // ext4's here: holes come in whole blocks

enum class Device { none, null, zero, urandom, terminal };

// One page of a pipe's ring: bytes [head, bytes.size()) are unread.
struct PipeSlot {
  std::vector<std::byte> bytes;
  std::size_t head = 0;
};

// A pipe as Linux keeps one: a ring of page-sized slots. A write fills the last slot's tail
// only when it fits there, and otherwise takes fresh slots, so small writes can fill the pipe
// before 65536 bytes. `drained` pipes model a reader in another process that takes everything
// at once (stdout piped to the playground's output pane).
struct Pipe {
  std::deque<PipeSlot> slots;
  int readers = 0;
  int writers = 0;
  bool drained = false;
  std::string drained_output;

  bool empty() const { return slots.empty(); }
  bool full() const { return slots.size() >= kPipeSlots; }
  // Appends as much of `data` as the slots take; returns the count.
  std::size_t put(std::span<const std::byte> data);
  // Moves up to buffer.size() unread bytes out; returns the count.
  std::size_t take(std::span<std::byte> buffer);
};

struct Inode {
  // The file system's byte counter, charged with this inode's cached data while it lives
  // (an unlinked file that is still open keeps using space, as on Linux).
  std::shared_ptr<std::int64_t> usage;
  ~Inode() {
    if (usage) *usage -= static_cast<std::int64_t>(data.size());
  }

  std::uint64_t ino = 0;
  std::uint32_t mode = 0;  // type and permission bits
  std::int64_t atime_ns = 0, mtime_ns = 0, ctime_ns = 0;
  std::uint32_t links = 0;          // names in cached directories (st_nlink of a file)
  std::uint32_t durable_links = 0;  // names in durable directories

  // Regular files: the page cache, and the pages dirtied since they were last made durable
  // (page index -> simulated time it was first dirtied, for background writeback).
  std::vector<std::byte> data;
  std::vector<bool> blocks;  // per kBlockSize bytes of `data`: allocated (else a hole)
  std::map<std::int64_t, std::int64_t> dirty_pages;
  bool metadata_dirty = false;  // size, mode or times changed since the last fsync

  // Directories: name -> inode number, and the parent's inode number ("..").
  std::map<std::string, std::uint64_t, std::less<>> entries;
  std::uint64_t parent = 0;
  std::int64_t entries_dirtied_ns = -1;  // -1: the entries are durable
  bool removed = false;                  // rmdir'ed or replaced by rename: no links, no new entries
  bool size_cleared = false;  // rmdir'ed: ext4 sets its size to 0 (rename's victim keeps 4096)

  Device device = Device::none;
  std::shared_ptr<Pipe> pipe;  // FIFOs

  // What storage holds. `durable_exists` is false until some sync writes the inode itself.
  struct Durable {
    std::vector<std::byte> data;
    std::vector<bool> blocks;
    std::uint32_t mode = 0;
    std::int64_t mtime_ns = 0;
    std::map<std::string, std::uint64_t, std::less<>> entries;
  } durable;

  std::uint32_t type() const { return mode & S::IFMT; }
  bool is_dir() const { return type() == S::IFDIR; }
  bool is_regular() const { return type() == S::IFREG; }
  // lseek's SEEK_DATA and SEEK_HOLE on a regular file: the first offset at or after `offset`
  // (0 <= offset < size) in an allocated block, or nullopt when only holes follow; and the
  // first in a hole, or the size when data runs to the end (the end is a virtual hole).
  std::optional<std::int64_t> next_data(std::int64_t offset) const;
  std::int64_t next_hole(std::int64_t offset) const;
  std::int64_t allocated_blocks() const;  // st_blocks / 8
};

using InodePtr = std::shared_ptr<Inode>;

// The result of resolving a path: the directory that holds (or would hold) the last component,
// its name, and the inode it names (null when missing).
struct Lookup {
  InodePtr parent;
  std::string name;
  InodePtr node;
  bool trailing_slash = false;
};

struct FsLimits {
  std::int64_t max_bytes;   // total size of all files' cached data
  std::int64_t max_inodes;  // files, directories, devices and pipes
};

class Filesystem {
 public:
  explicit Filesystem(FsLimits limits);

  const InodePtr& root() const { return root_; }
  InodePtr get(std::uint64_t ino) const;

  // Path resolution relative to `cwd`. Missing intermediate directories give ENOENT, a file in
  // the middle ENOTDIR; a missing last component is not an error (node is null).
  Result<Lookup> lookup(std::string_view path, const InodePtr& cwd) const;
  // As lookup, but a trailing slash after a non-directory is left to the caller, for the calls
  // that judge it their own way: mkdir (EEXIST), open with O_CREAT (EISDIR), and rename (only
  // after looking up both names).
  Result<Lookup> lookup_no_slash_check(std::string_view path, const InodePtr& cwd) const;

  // A new inode of the given type; ENOSPC past the inode limit.
  Result<InodePtr> make_inode(std::uint32_t mode, std::int64_t now_ns);
  // An O_TMPFILE file: counted against the inode limit when made, then held only by its
  // descriptors.
  Result<InodePtr> make_unnamed_inode(std::uint32_t mode, std::int64_t now_ns);
  // An inode no directory can name (a pipe's): not counted, never collected by crash().
  InodePtr make_anonymous_inode(std::uint32_t mode, std::int64_t now_ns);
  // Entry changes in the cache (not durable until the directory is fsynced).
  void link(const InodePtr& dir, std::string_view name, const InodePtr& node, std::int64_t now_ns);
  void unlink(const InodePtr& dir, std::string_view name, std::int64_t now_ns);
  std::uint64_t nlink(const Inode& node) const;
  // "/a/b" for a directory, walking ".." up; ENOENT once the directory was removed.
  Result<std::string> path_of(const InodePtr& dir) const;

  // Data changes with space accounting (ENOSPC past max_bytes).
  Result<void> resize(Inode& node, std::int64_t size, std::int64_t now_ns);
  Result<void> write_at(Inode& node, std::int64_t offset, std::span<const std::byte> data,
                        std::int64_t now_ns);
  std::int64_t bytes_used() const { return *usage_; }

  // Durability.
  void sync_data(Inode& node);  // fdatasync: data and size
  void sync_all(Inode& node);   // fsync: data, size, mode, times, entries
  void sync_range(Inode& node, std::int64_t begin, std::int64_t end, bool with_size);
  void writeback(std::int64_t now_ns, std::int64_t expire_ns);  // the flusher thread
  void crash();                                                 // keep only what is durable

 private:
  void forget_if_unnamed(const Inode& node);
  // Makes a directory's cached entries its durable ones, keeping link counts right.
  void commit_entries(Inode& dir);
  void mark_dirty(Inode& node, std::int64_t begin, std::int64_t end, std::int64_t now_ns);
  FsLimits limits_;
  std::map<std::uint64_t, InodePtr> inodes_;
  InodePtr root_;
  std::uint64_t next_ino_ = kRootIno;
  std::shared_ptr<std::int64_t> usage_ = std::make_shared<std::int64_t>(0);
};

}  // namespace bl::os::sim
