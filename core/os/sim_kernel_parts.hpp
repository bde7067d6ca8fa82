// SimKernel's private pieces shared by its source files: the open file description, a memory
// mapping, and the per-call guard. Not part of the interface.
#pragma once

#include <new>

#include "os/sim_kernel.hpp"

namespace bl::os {

// ext4's largest file with 4 KiB blocks, (2^32 - 1) pages: no position or size goes beyond.
inline constexpr std::int64_t kMaxFileSize = 17'592'186'040'320;

// An open file description: what open() creates and dup() shares (position, status flags).
struct SimKernel::OpenFile {
  enum class PipeEnd { none, read, write };

  sim::InodePtr inode;
  int flags = 0;  // access mode and status flags, as F_GETFL reports them
  std::int64_t offset = 0;
  PipeEnd pipe_end = PipeEnd::none;

  ~OpenFile() {
    if (pipe_end == PipeEnd::read) --inode->pipe->readers;
    if (pipe_end == PipeEnd::write) --inode->pipe->writers;
  }
  int access() const { return flags & O::ACCMODE; }
  bool readable() const { return access() == O::RDONLY || access() == O::RDWR; }
  bool writable() const { return access() == O::WRONLY || access() == O::RDWR; }
};

// A memory mapping: page-aligned memory of whole pages. For shared file mappings, SimKernel
// keeps it coherent with the page cache at every call boundary.
struct SimKernel::Mapping {
  std::byte* memory = nullptr;
  std::size_t length = 0;    // as requested
  std::size_t capacity = 0;  // whole pages
  sim::InodePtr inode;       // null for anonymous maps
  std::int64_t offset = 0;
  int prot = 0;
  int flags = 0;
  std::vector<bool> pages;  // which pages are still mapped (munmap can remove a few)

  explicit Mapping(std::size_t bytes)
      : memory(static_cast<std::byte*>(::operator new(bytes, std::align_val_t(PAGESIZE)))),
        capacity(bytes),
        pages(bytes / PAGESIZE, true) {}
  ~Mapping() { ::operator delete(memory, std::align_val_t(PAGESIZE)); }
  Mapping(const Mapping&) = delete;
  Mapping& operator=(const Mapping&) = delete;
  bool shared_file() const { return inode && (flags & MAP::SHARED); }
};

// Brackets every system call: charges its base cost, runs background writeback when enabled,
// and keeps shared mappings coherent with the page cache on the way in and out.
class SimKernel::Call {
 public:
  explicit Call(SimKernel& kernel) : kernel_(kernel) {
    kernel_.charge(kernel_.options_.cost.syscall_ns);
    if (kernel_.options_.writeback_expire_ns >= 0) {
      kernel_.fs_.writeback(kernel_.clock_now(), kernel_.options_.writeback_expire_ns);
    }
    if (!kernel_.mappings_.empty()) kernel_.pull_mapped_stores();
  }
  ~Call() {
    if (!kernel_.mappings_.empty()) kernel_.push_cache_to_mappings();
  }
  Call(const Call&) = delete;
  Call& operator=(const Call&) = delete;

 private:
  SimKernel& kernel_;
};

}  // namespace bl::os
