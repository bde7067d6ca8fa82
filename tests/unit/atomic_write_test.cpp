// lib::atomic_write (lib/atomic_write.hpp): the durable replace recipe, on both kernels, and
// on SimKernel the proof that it is atomic and durable: the power is cut after each system
// call of the recipe in turn, and every reboot finds the target wholly old or wholly new —
// and wholly new once atomic_write has returned. The naive open('w') + write + close, cut the
// same way, loses the data even after close() returned.
#include <doctest/doctest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "io_helpers.hpp"
#include "lib/atomic_write.hpp"
#include "lib/os.hpp"

using namespace bl;
using iotest::bytes;
using iotest::raises;
using iotest::Traced;

namespace {

template <class F>
struct InDir : Traced<F> {
  InDir() { iotest::must(this->kernel.chdir(this->root)); }
  ~InDir() { (void)this->kernel.chdir("/"); }
};

std::vector<std::string> entries(os::Kernel& k, const std::string& dir) {
  auto names = iotest::must(k.listdir(dir));
  std::sort(names.begin(), names.end());
  return names;
}

// The next descriptor the kernel would hand out (to show nothing leaked).
os::Fd next_fd(os::Kernel& k) {
  os::Fd fd = iotest::must(k.dup(0));
  iotest::must(k.close(fd));
  return fd;
}

constexpr std::string_view kPath = "/home/learner/config.json";
const std::string kOld = "{\"version\": 1, \"entries\": [1, 2, 3]}\n";
const std::string kNew = "{\"version\": 2, \"entries\": [" + iotest::digits(9000) + "]}\n";

// The power failing: thrown out of the call after which the plug was pulled.
struct PowerLoss {};

// Pulls the plug of `sim` right after its `at`-th system call (1-based) and throws PowerLoss
// out of that call, as if the program stopped there. Calls after the reboot (the caller's
// cleanup) go through.
class CrashAfter final : public trace::Observer {
 public:
  CrashAfter(os::SimKernel& sim, std::size_t at) : sim_(sim), at_(at) {}
  void on_syscall(const trace::SyscallEvent&) override {
    if (++calls_ != at_) return;
    sim_.crash();
    throw PowerLoss{};
  }
  void on_object(const trace::ObjectEvent&) override {}
  std::size_t calls() const { return calls_; }

 private:
  os::SimKernel& sim_;
  std::size_t at_;
  std::size_t calls_ = 0;
};

// A SimKernel whose kPath durably holds kOld (written, fsynced, directory fsynced).
void durable_old(os::SimKernel& sim) {
  lib::atomic_write(sim, kPath, bytes(kOld));
  sim.crash();
  REQUIRE(contract::read_file(sim, kPath) == kOld);
}

// What a reboot finds at kPath after the power failed after call `at` of `update`, or
// "<missing>"; `finished` tells whether `update` returned.
template <class Update>
std::string after_crash(std::size_t at, Update update, bool& finished) {
  os::SimKernel sim;
  durable_old(sim);
  CrashAfter observer(sim, at);
  trace::TracingKernel k(sim, observer);
  finished = false;
  try {
    update(k);
    finished = true;
  } catch (const PowerLoss&) {
  }
  if (finished) sim.crash();  // the plug is pulled right after it returned
  auto fd = sim.open(kPath, os::O::RDONLY);
  if (!fd.ok()) return "<missing>";
  std::string text = contract::read_all(sim, fd.value());
  iotest::must(sim.close(fd.value()));
  return text;
}

// Every distinct outcome of cutting the power after each call of `update`, in turn, up to
// and past its last call.
template <class Update>
std::set<std::string> outcomes(Update update, bool& returned_new) {
  std::set<std::string> seen;
  returned_new = true;
  for (std::size_t at = 1;; ++at) {
    bool finished = false;
    std::string found = after_crash(at, update, finished);
    seen.insert(found);
    if (finished) {
      returned_new = found == kNew;
      return seen;
    }
  }
}

}  // namespace

TEST_CASE_TEMPLATE("atomic_write: replaces the content, leaves no temporary file", F, BL_CONTRACT_KERNELS) {
  InDir<F> f;
  f.put("target", "old content");
  const os::Fd before = next_fd(f.kernel);
  f.clear();
  lib::atomic_write(f.k, "target", bytes("new content"));
  CHECK(f.contents("target") == "new content");
  CHECK(entries(f.kernel, f.root) == std::vector<std::string>{"target"});
  CHECK(next_fd(f.kernel) == before);
  // The recipe, call by call: a fresh O_EXCL name beside the target, the data, fsync, close,
  // rename over the target, fsync of the directory.
  std::vector<std::string> calls;
  for (const auto& e : f.recorder.syscalls()) calls.emplace_back(e.call);
  CHECK(calls == std::vector<std::string>{"getrandom", "openat", "newfstatat", "ioctl", "lseek",
                                          "write", "fsync", "close", "rename", "openat",
                                          "fsync", "close"});
  const auto& events = f.recorder.syscalls();
  CHECK(events[1].flags == "O_WRONLY|O_CREAT|O_EXCL|O_CLOEXEC");
  CHECK(events[1].path.starts_with(".target."));
  CHECK(events[1].path.ends_with(".tmp"));
  CHECK(events[8].path == events[1].path);
  CHECK(events[8].path2 == "target");
  CHECK(events[9].path == ".");
  CHECK(events[9].flags == "O_RDONLY|O_DIRECTORY|O_CLOEXEC");
  // A new file, through a writer callback, in a subdirectory.
  iotest::must(f.kernel.mkdir("sub", 0755));
  lib::atomic_write(f.k, "sub/new.bin", [](io::BinaryIOBase& out) {
    out.write(bytes("part 1, "));
    out.write(bytes("part 2"));
  });
  CHECK(f.contents("sub/new.bin") == "part 1, part 2");
  CHECK(entries(f.kernel, f.root + "/sub") == std::vector<std::string>{"new.bin"});
  CHECK(lib::atomic_temp_name("a/b/c.txt", "x1") == "a/b/.c.txt.x1.tmp");
  CHECK(lib::atomic_temp_name("c.txt", "x1") == ".c.txt.x1.tmp");
}

TEST_CASE_TEMPLATE("atomic_write: a failure leaves the target alone and cleans up", F, BL_CONTRACT_KERNELS) {
  InDir<F> f;
  f.put("target", "old content");
  iotest::must(f.kernel.mkdir("dir", 0755));
  const os::Fd before = next_fd(f.kernel);
  SUBCASE("the writer raises") {
    CHECK(raises([&] {
            lib::atomic_write(f.k, "target", [](io::BinaryIOBase& out) {
              out.write(bytes("half of it"));
              throw ValueError("the writer gave up");
            });
          }) == "ValueError: the writer gave up");
  }
  SUBCASE("the replace fails") {
    CHECK(raises([&] { lib::atomic_write(f.k, "dir", bytes("x")); }).starts_with(
        "IsADirectoryError: [Errno 21] Is a directory: '.dir."));
  }
  SUBCASE("the directory does not exist") {
    CHECK(raises([&] { lib::atomic_write(f.k, "nope/target", bytes("x")); }).starts_with(
        "FileNotFoundError: [Errno 2] No such file or directory: 'nope/.target."));
  }
  SUBCASE("a NUL in the path") {
    CHECK(raises([&] { lib::atomic_write(f.k, std::string("t\0", 2), bytes("x")); }) ==
          "ValueError: embedded null byte");
  }
  CHECK(f.contents("target") == "old content");
  CHECK(entries(f.kernel, f.root) == std::vector<std::string>{"dir", "target"});
  CHECK(entries(f.kernel, f.root + "/dir").empty());
  CHECK(next_fd(f.kernel) == before);
}

TEST_CASE("atomic_write: a crash after any of its calls finds the old or the new file") {
  bool returned_new = false;
  auto seen = outcomes(
      [](os::Kernel& k) { lib::atomic_write(k, kPath, bytes(kNew)); }, returned_new);
  CHECK(seen == std::set<std::string>{kOld, kNew});
  CHECK(returned_new);  // durable once it returned
  // Without the directory fsync the data is safe but the rename may not be: old after return.
  auto without = outcomes(
      [](os::Kernel& k) {
        lib::atomic_write(k, kPath, bytes(kNew), {.fsync_directory = false});
      },
      returned_new);
  CHECK(without == std::set<std::string>{kOld});
  CHECK_FALSE(returned_new);
}

TEST_CASE("naive open('w') + write + close: a crash loses the data, even after close") {
  bool returned_new = true;
  auto seen = outcomes(
      [](os::Kernel& k) {
        auto f = io::open(k, std::string(kPath), {.mode = "w"});
        dynamic_cast<io::TextIOBase&>(*f).write(codecs::Str::from_utf8(kNew));
        f->close();
      },
      returned_new);
  CHECK_FALSE(returned_new);  // closed, "saved" — and gone after the crash
  // Nothing of it was ever synced: every cut finds the last durable content. (On ext4 a cut
  // between the truncation's commit and the data's writeback finds an empty file; SimKernel
  // commits neither without a sync.)
  CHECK(seen == std::set<std::string>{kOld});
}
