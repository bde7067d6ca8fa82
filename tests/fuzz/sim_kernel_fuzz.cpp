// libFuzzer target: arbitrary sequences of system calls, with arbitrary arguments (huge sizes,
// negative offsets, bad descriptors, odd flags), against a SimKernel with small limits, and
// power losses in between. Whatever a snippet asks, SimKernel must answer with a value or an
// errno: never crash, leak, overflow or hang, and never lose track of its own accounting.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "os/sim_kernel.hpp"

namespace {

using namespace bl::os;

constexpr const char* kPaths[] = {"a",
                                  "b",
                                  "d",
                                  "d/e",
                                  "d/f/g",
                                  "/",
                                  ".",
                                  "..",
                                  "/tmp",
                                  "a/",
                                  "/dev/null",
                                  "/dev/zero",
                                  "/dev/urandom",
                                  "/dev/pts/0",
                                  "/home/learner",
                                  "",
                                  "d/..",
                                  "/d/e/"};

// Fails the run (abort is what libFuzzer reports) when SimKernel breaks an invariant.
void expect(bool condition) {
  if (!condition) std::abort();
}

class Driver {
 public:
  explicit Driver(FuzzedDataProvider& input) : in_(input) {}

  void run() {
    while (in_.remaining_bytes() > 0 && ++steps_ < 400) step();
    kernel_.crash();
    for (const auto& file : kernel_.files()) expect(file.cache == file.durable);
  }

 private:
  Fd fd() { return in_.ConsumeIntegralInRange<Fd>(-2, 12); }
  std::string path() { return in_.PickValueInArray(kPaths); }
  std::int64_t offset() {
    switch (in_.ConsumeIntegralInRange(0, 3)) {
      case 0:
        return in_.ConsumeIntegralInRange<std::int64_t>(-10, 20'000);
      case 1:
        return in_.ConsumeIntegral<std::int64_t>();
      case 2:
        return INT64_MAX - in_.ConsumeIntegralInRange<std::int64_t>(0, 10);
      default:
        return 17'592'186'040'320 + in_.ConsumeIntegralInRange<std::int64_t>(-5, 5);
    }
  }
  std::size_t size() { return in_.ConsumeIntegralInRange<std::size_t>(0, 9000); }
  int flags() { return in_.ConsumeIntegral<int>() & 07777777; }

  void step() {
    switch (in_.ConsumeIntegralInRange(0, 27)) {
      case 0:
        (void)kernel_.open(path(), flags(), in_.ConsumeIntegral<std::uint32_t>());
        break;
      case 1:
        (void)kernel_.close(fd());
        break;
      case 2: {
        buffer_.resize(size());
        auto n = kernel_.read(fd(), buffer_);
        expect(!n.ok() || n.value() <= buffer_.size());
        break;
      }
      case 3:
        buffer_.assign(size(), std::byte{'w'});
        (void)kernel_.write(fd(), buffer_);
        break;
      case 4:
        buffer_.resize(size());
        (void)kernel_.pread(fd(), buffer_, offset());
        break;
      case 5:
        buffer_.assign(size(), std::byte{'p'});
        (void)kernel_.pwrite(fd(), buffer_, offset());
        break;
      case 6:
        (void)kernel_.lseek(fd(), offset(), in_.ConsumeIntegralInRange(-1, 5));
        break;
      case 7:
        (void)kernel_.ftruncate(fd(), offset());
        break;
      case 8:
        (void)kernel_.fstat(fd());
        break;
      case 9:
        (void)kernel_.stat(path());
        break;
      case 10:
        (void)(in_.ConsumeBool() ? kernel_.fsync(fd()) : kernel_.fdatasync(fd()));
        break;
      case 11:
        (void)kernel_.rename(path(), path());
        break;
      case 12:
        (void)kernel_.unlink(path());
        break;
      case 13:
        (void)kernel_.mkdir(path(), in_.ConsumeIntegral<std::uint32_t>());
        break;
      case 14:
        (void)kernel_.rmdir(path());
        break;
      case 15:
        (void)kernel_.listdir(path());
        break;
      case 16:
        (void)kernel_.chdir(path());
        break;
      case 17:
        (void)kernel_.getcwd(), (void)kernel_.get_inheritable(fd());
        break;
      case 18:
        (void)kernel_.dup(fd(), in_.ConsumeBool());
        break;
      case 19:
        (void)kernel_.dup2(fd(), fd());
        break;
      case 20:
        (void)kernel_.pipe(flags());
        break;
      case 21:
        (void)kernel_.fcntl_setfl(fd(), flags());
        break;
      case 22:
        map();
        break;
      case 23:
        touch_map();
        break;
      case 24:
        unmap();
        break;
      case 25: {
        std::int64_t at = offset();
        (void)kernel_.sendfile(fd(), fd(), in_.ConsumeBool() ? &at : nullptr, size());
        break;
      }
      case 26: {
        std::int64_t from = offset(), to = offset();
        (void)kernel_.copy_file_range(fd(), in_.ConsumeBool() ? &from : nullptr, fd(),
                                      in_.ConsumeBool() ? &to : nullptr, size());
        break;
      }
      default:
        kernel_.crash();
        maps_.clear();  // crash() detaches every map
        break;
    }
    expect(kernel_.bytes_used() >= 0 && kernel_.bytes_used() <= kernel_.options().max_bytes);
  }

  void map() {
    std::size_t length = in_.ConsumeIntegralInRange<std::size_t>(0, 3 * 4096);
    int prot = in_.ConsumeIntegralInRange(0, 7);
    int map_flags = in_.PickValueInArray(
        {MAP::SHARED, MAP::PRIVATE, MAP::SHARED | MAP::PRIVATE, MAP::PRIVATE | MAP::ANONYMOUS, 0});
    auto addr = kernel_.mmap(length, prot, map_flags, fd(), offset());
    if (addr.ok()) maps_.push_back({addr.value(), length, prot});
  }

  // A store or load through a live map, as a program would do between calls.
  void touch_map() {
    if (maps_.empty()) return;
    auto& m = maps_[in_.ConsumeIntegralInRange<std::size_t>(0, maps_.size() - 1)];
    std::size_t at = in_.ConsumeIntegralInRange<std::size_t>(0, m.length - 1);
    if (m.prot & PROT::WRITE) m.addr[at] = std::byte{'m'};
  }

  void unmap() {
    if (maps_.empty()) return;
    auto index = in_.ConsumeIntegralInRange<std::size_t>(0, maps_.size() - 1);
    expect(kernel_.munmap(maps_[index].addr, maps_[index].length).ok());
    maps_.erase(maps_.begin() + static_cast<std::ptrdiff_t>(index));
  }

  struct Map {
    std::byte* addr;
    std::size_t length;
    int prot;
  };

  FuzzedDataProvider& in_;
  SimKernel kernel_{{.max_bytes = 1 << 20, .max_inodes = 64, .max_open_files = 12}};
  std::vector<std::byte> buffer_;
  std::vector<Map> maps_;
  int steps_ = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider input(data, size);
  Driver(input).run();
  return 0;
}
