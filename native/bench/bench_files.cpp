#include "bench_files.hpp"

#include <sys/vfs.h>

#include <unistd.h>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <vector>

namespace bl::bench {

namespace {

constexpr std::size_t kChunk = std::size_t{1} << 20;

// What the signal handler removes: fixed buffers, since it may only make async-signal-safe
// calls (unlink, rmdir).
char g_paths[3][4096];

void remove_on_signal(int signal) {
  for (const char* path : g_paths)
    if (path[0]) ::unlink(path);
  ::rmdir(g_paths[0]);
  std::signal(signal, SIG_DFL);
  std::raise(signal);
}

void remember(int slot, const std::string& path) {
  std::snprintf(g_paths[slot], sizeof g_paths[slot], "%s", path.c_str());
}

std::string make_temp_dir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "bl_bench_io.XXXXXX").string();
  if (!::mkdtemp(pattern.data()))
    throw std::runtime_error("mkdtemp " + pattern + ": " + std::strerror(errno));
  return pattern;
}

}  // namespace

BenchFiles::BenchFiles(os::Kernel& kernel, std::int64_t read_size)
    : kernel_(kernel), dir_(make_temp_dir()), read_size_(read_size) {
  read_path_ = dir_ + "/read.bin";
  write_path_ = dir_ + "/write.bin";
  remember(0, dir_);
  remember(1, read_path_);
  remember(2, write_path_);
  std::signal(SIGINT, remove_on_signal);
  std::signal(SIGTERM, remove_on_signal);
  try {
    fill_and_warm();
  } catch (...) {
    std::filesystem::remove_all(dir_);
    throw;
  }
}

BenchFiles::~BenchFiles() {
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
}

void BenchFiles::fill_and_warm() {
  std::vector<std::byte> chunk(kChunk);
  for (std::size_t i = 0; i < chunk.size(); ++i) chunk[i] = std::byte(i * 31 + i / 4096);

  os::Fd out =
      kernel_.open(read_path_, os::O::WRONLY | os::O::CREAT | os::O::TRUNC | os::O::CLOEXEC, 0600)
          .value_or_raise(read_path_);
  for (std::int64_t left = read_size_; left > 0;) {
    auto piece = std::span<const std::byte>(chunk).first(
        static_cast<std::size_t>(std::min<std::int64_t>(left, kChunk)));
    left -= static_cast<std::int64_t>(kernel_.write(out, piece).value_or_raise(read_path_));
  }
  kernel_.fsync(out).value_or_raise(read_path_);
  kernel_.close(out).value_or_raise(read_path_);

  os::Fd in = kernel_.open(read_path_, os::O::RDONLY | os::O::CLOEXEC).value_or_raise(read_path_);
  st_blksize_ = kernel_.fstat(in).value_or_raise(read_path_).st_blksize;
  while (kernel_.read(in, chunk).value_or_raise(read_path_) > 0) {
  }
  kernel_.close(in).value_or_raise(read_path_);
}

std::string BenchFiles::filesystem() const {
  struct statfs fs {};
  if (::statfs(dir_.c_str(), &fs) != 0) return "unknown";
  switch (static_cast<unsigned long>(fs.f_type)) {
    case 0xEF53:
      return "ext2/ext3";  // ext4 too: stat -f prints the shared magic's name
    case 0x01021994:
      return "tmpfs";
    case 0x58465342:
      return "xfs";
    case 0x9123683E:
      return "btrfs";
    case 0x794C7630:
      return "overlayfs";
    case 0xF2F52010:
      return "f2fs";
    case 0x2FC12FC1:
      return "zfs";
    case 0x6969:
      return "nfs";
  }
  char hex[32];
  std::snprintf(hex, sizeof hex, "0x%lx", static_cast<unsigned long>(fs.f_type));
  return hex;
}

}  // namespace bl::bench
