// SimKernel — an in-memory, deterministic Linux for the playground and for tests.
//
// It behaves like Linux wherever it models something (errno values, st_blksize 4096, the
// lowest free descriptor, O_APPEND, pipe capacity 65536, O_DIRECT alignment) and adds what a
// real kernel hides: each file's page cache next to its durable bytes, and crash(), which
// keeps only what storage holds — so a learner can see that flush() is not fsync().
//
// Single-threaded by design: nothing else ever runs, so a call that would block forever
// (reading an empty pipe whose writer is still open, writing to a full pipe) fails with
// EDEADLK instead of hanging. The clocks are simulated: they advance by the modeled cost of
// each call (CostModel) and by nanosleep, so runs are reproducible.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "os/kernel.hpp"
#include "os/sim_fs.hpp"

namespace bl::os {

// What each call costs in simulated time. Round numbers of the right order of magnitude for
// a desktop with an NVMe SSD — for showing where time goes, not for predicting it (the native
// benchmarks measure the real thing).
struct CostModel {
  std::int64_t syscall_ns = 100;          // entering and leaving the kernel
  std::int64_t copy_ns_per_kib = 100;     // copying between user memory and the cache (~10 GB/s)
  std::int64_t flush_ns = 50'000;         // a cache flush round trip to the device
  std::int64_t storage_ns_per_kib = 500;  // writing pages to the device (~2 GB/s)
};

enum class StdStream { terminal, pipe, file };

struct SimOptions {
  std::int64_t max_bytes = 256 << 20;  // total file data: ENOSPC beyond
  std::int64_t max_inodes = 10'000;    // ENOSPC beyond
  int max_open_files = 1024;           // RLIMIT_NOFILE: EMFILE beyond
  // Background writeback as Linux's flusher (dirty_expire_centisecs): dirty pages and
  // directory changes older than this become durable. Off (negative) by default, so that only
  // the program's own syncs make data durable.
  std::int64_t writeback_expire_ns = -1;
  StdStream stdout_kind = StdStream::terminal;  // what fd 1 is; fds 0 and 2 are the terminal
  std::uint64_t urandom_seed = 0x9e3779b97f4a7c15ULL;  // /dev/urandom and getrandom
  std::map<std::string, std::string, std::less<>> environ;  // getenv; empty by default
  CostModel cost;
};

// What crash() changed, path by path, for the playground to show.
struct CrashReport {
  std::vector<std::string> lost;         // existed before, gone after the reboot
  std::vector<std::string> reverted;     // contents differ after the reboot
  std::vector<std::string> resurrected;  // did not exist before, back after the reboot
};

// One file as the playground draws it: the bytes reads see and the bytes storage holds.
struct FileState {
  std::string path;
  std::uint32_t st_mode = 0;
  std::vector<std::byte> cache;
  std::vector<std::byte> durable;
  std::vector<std::int64_t> dirty_pages;
  bool entry_durable = false;  // the directory entry naming it survives a crash
};

class SimKernel final : public Kernel {
 public:
  // Home directory and initial working directory of the simulated user.
  static constexpr std::string_view kHome = "/home/learner";
  // Where fd 1 writes when SimOptions::stdout_kind is StdStream::file.
  static constexpr std::string_view kStdoutFile = "/home/learner/stdout.txt";

  explicit SimKernel(SimOptions options = {});
  ~SimKernel() override;
  SimKernel(const SimKernel&) = delete;
  SimKernel& operator=(const SimKernel&) = delete;

  std::string_view name() const override { return "sim"; }

  Result<Fd> open(std::string_view path, int flags, std::uint32_t mode = 0666) override;
  Result<void> close(Fd fd) override;
  Result<std::size_t> read(Fd fd, std::span<std::byte> buffer) override;
  Result<std::size_t> write(Fd fd, std::span<const std::byte> data) override;
  Result<std::size_t> pread(Fd fd, std::span<std::byte> buffer, std::int64_t offset) override;
  Result<std::size_t> pwrite(Fd fd, std::span<const std::byte> data, std::int64_t offset) override;
  Result<std::size_t> readv(Fd fd, std::span<const std::span<std::byte>> buffers) override;
  Result<std::size_t> writev(Fd fd, std::span<const std::span<const std::byte>> buffers) override;
  Result<std::int64_t> lseek(Fd fd, std::int64_t offset, int whence) override;
  Result<Stat> fstat(Fd fd) override;
  Result<Stat> stat(std::string_view path) override;
  Result<void> ftruncate(Fd fd, std::int64_t length) override;
  Result<void> fsync(Fd fd) override;
  Result<void> fdatasync(Fd fd) override;
  Result<void> chmod(std::string_view path, std::uint32_t mode) override;
  Result<void> fchmod(Fd fd, std::uint32_t mode) override;
  Result<bool> isatty(Fd fd) override;
  Result<void> set_inheritable(Fd fd, bool inheritable) override;
  Result<bool> get_inheritable(Fd fd) override;
  Result<int> fcntl_getfl(Fd fd) override;
  Result<void> fcntl_setfl(Fd fd, int flags) override;
  Result<Fd> dup(Fd fd, bool cloexec = false) override;
  Result<Fd> dup2(Fd old_fd, Fd new_fd) override;
  Result<std::pair<Fd, Fd>> pipe(int flags = 0) override;

  Result<void> rename(std::string_view old_path, std::string_view new_path) override;
  Result<void> unlink(std::string_view path) override;
  Result<void> mkdir(std::string_view path, std::uint32_t mode = 0777) override;
  Result<void> rmdir(std::string_view path) override;
  Result<std::vector<std::string>> listdir(std::string_view path) override;
  Result<std::string> getcwd() override;
  Result<void> chdir(std::string_view path) override;

  Result<std::byte*> mmap(std::size_t length, int prot, int flags, Fd fd,
                          std::int64_t offset) override;
  Result<void> msync(std::byte* addr, std::size_t length, int flags) override;
  Result<void> munmap(std::byte* addr, std::size_t length) override;
  Result<std::byte*> mremap(std::byte* addr, std::size_t old_length, std::size_t new_length,
                            int flags) override;

  Result<std::size_t> sendfile(Fd out_fd, Fd in_fd, std::int64_t* offset,
                               std::size_t count) override;
  Result<std::size_t> copy_file_range(Fd in_fd, std::int64_t* in_offset, Fd out_fd,
                                      std::int64_t* out_offset, std::size_t length) override;

  Result<std::size_t> getrandom(std::span<std::byte> buffer) override;
  std::optional<std::string> getenv(std::string_view name) override;

  std::int64_t clock_gettime(Clock clock) override;
  void nanosleep(std::int64_t nanoseconds) override;

  // --- beyond Linux: power loss and inspection ------------------------------------------
  // Pulls the plug and reboots: every descriptor and mapping is gone, and each file, directory
  // and name is what storage held. Memory of existing mappings stays valid but detached.
  CrashReport crash();
  // Every regular file reachable by name, in path order, with its cache and durable bytes.
  std::vector<FileState> files();
  // What was written to the terminal (fds 0 and 2, and 1 unless redirected), and to the pipe
  // fd 1 is when stdout_kind is StdStream::pipe.
  const std::string& terminal_output() const { return terminal_output_; }
  std::string stdout_pipe_output() const;
  // Text the terminal will deliver to reads; once consumed, reads return 0 (end of input).
  void feed_terminal_input(std::string_view text);
  std::int64_t bytes_used() const { return fs_.bytes_used(); }
  const SimOptions& options() const { return options_; }

 private:
  struct OpenFile;
  struct Mapping;
  struct FdSlot {
    std::shared_ptr<OpenFile> file;
    bool cloexec = false;
  };
  class Call;

  Result<std::shared_ptr<OpenFile>> file_of(Fd fd) const;
  Result<Fd> install(std::shared_ptr<OpenFile> file, bool cloexec, Fd lowest = 0);
  Result<std::shared_ptr<OpenFile>> open_file(std::string_view path, int flags, std::uint32_t mode);
  Result<std::size_t> read_at(OpenFile& file, std::span<std::byte> buffer, std::int64_t* offset);
  Result<std::size_t> write_at(OpenFile& file, std::span<const std::byte> data,
                               std::int64_t* offset);
  Result<std::size_t> read_pipe(OpenFile& file, std::span<std::byte> buffer);
  Result<std::size_t> write_pipe(OpenFile& file, std::span<const std::byte> data);
  Result<void> check_direct_io(const OpenFile& file, const void* buffer, std::size_t length,
                               std::int64_t offset) const;
  Result<void> sync(Fd fd, bool data_only);  // fsync and fdatasync
  Stat stat_of(const sim::Inode& node) const;
  void set_mode(sim::Inode& node, std::uint32_t mode);  // chmod and fchmod
  void make_device(std::string_view path, sim::Device device, std::uint32_t mode);
  void make_directory_path(std::string_view path);
  void open_std_streams();

  Mapping* mapping_at(std::byte* addr);  // the mapping whose pages hold addr, or null
  // Keeps shared file mappings and the page cache coherent around each call.
  void pull_mapped_stores();
  void push_cache_to_mappings();
  void charge(std::int64_t ns) { monotonic_ns_ += ns; }
  std::int64_t clock_now() const { return epoch_ns_ + monotonic_ns_ - kBootMonotonicNs; }
  void charge_copy(std::size_t bytes);
  void charge_storage(std::size_t bytes);

  SimOptions options_;
  sim::Filesystem fs_;
  std::vector<FdSlot> fds_;
  sim::InodePtr cwd_;
  std::map<std::byte*, std::unique_ptr<Mapping>> mappings_;
  std::vector<std::unique_ptr<Mapping>> detached_mappings_;
  std::shared_ptr<sim::Pipe> stdout_pipe_;
  std::string terminal_output_;
  std::string terminal_input_;
  std::uint64_t urandom_state_;
  static constexpr std::int64_t kBootMonotonicNs = 1'000'000'000;  // one second after boot
  std::int64_t monotonic_ns_ = kBootMonotonicNs;
  std::int64_t epoch_ns_ = 1'767'225'600'000'000'000;  // realtime at boot: 2026-01-01T00:00Z
};

}  // namespace bl::os
