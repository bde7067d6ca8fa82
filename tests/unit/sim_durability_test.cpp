// SimKernel's page cache, durable storage and power loss.
//
// The rules are POSIX's promises (fsync(2), rename(2), open(2) O_SYNC/O_DSYNC/O_DIRECT, msync(2)):
// written data is durable after fsync/fdatasync of the file; a new, renamed or removed name is
// durable after fsync of its directory; anything else may be lost. Each test reads the state a
// reboot finds back through the Kernel interface, as a program would.
#include <doctest/doctest.h>

#include <algorithm>

#include "os/sim_kernel.hpp"
#include "sim_helpers.hpp"

using namespace bl::os;
using bl::test::contents;
using bl::test::exists;
using bl::test::put;

namespace {

constexpr std::string_view kDir = "/home/learner";

void fsync_path(Kernel& k, std::string_view path) {
  Fd fd = k.open(path, O::RDONLY).value();
  REQUIRE(k.fsync(fd).ok());
  REQUIRE(k.close(fd).ok());
}

bool has(const std::vector<std::string>& list, std::string_view item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

}  // namespace

TEST_CASE("a write that was never synced is gone after a crash") {
  SimKernel k;
  put(k, "/home/learner/notes.txt", "hello");
  CHECK(contents(k, "/home/learner/notes.txt") == "hello");  // the cache has it
  auto report = k.crash();
  CHECK_FALSE(exists(k, "/home/learner/notes.txt"));
  CHECK(has(report.lost, "/home/learner/notes.txt"));
}

TEST_CASE("fsync of the file alone does not make its new name durable") {
  SimKernel k;
  Fd fd = k.open("/home/learner/a.txt", O::WRONLY | O::CREAT).value();
  REQUIRE(k.write(fd, as_bytes("data")).ok());
  REQUIRE(k.fsync(fd).ok());
  REQUIRE(k.close(fd).ok());
  k.crash();
  CHECK_FALSE(exists(k, "/home/learner/a.txt"));
}

TEST_CASE("fsync of the file and of its directory keeps both") {
  SimKernel k;
  Fd fd = k.open("/home/learner/a.txt", O::WRONLY | O::CREAT).value();
  REQUIRE(k.write(fd, as_bytes("data")).ok());
  REQUIRE(k.fsync(fd).ok());
  REQUIRE(k.close(fd).ok());
  fsync_path(k, kDir);
  auto report = k.crash();
  CHECK(contents(k, "/home/learner/a.txt") == "data");
  CHECK(report.lost.empty());
  CHECK(report.reverted.empty());
}

TEST_CASE("a durable name without synced data comes back empty") {
  SimKernel k;
  put(k, "/home/learner/config.json", "{\"v\": 2}");
  fsync_path(k, kDir);  // the entry is durable, the data is not
  k.crash();
  CHECK(exists(k, "/home/learner/config.json"));
  CHECK(contents(k, "/home/learner/config.json").empty());
}

TEST_CASE("overwriting a durable file without fsync reverts it") {
  SimKernel k;
  put(k, "/home/learner/f", "old contents", true);
  fsync_path(k, kDir);
  Fd fd = k.open("/home/learner/f", O::WRONLY | O::TRUNC).value();
  REQUIRE(k.write(fd, as_bytes("new")).ok());
  REQUIRE(k.close(fd).ok());  // close is not a sync
  auto report = k.crash();
  CHECK(contents(k, "/home/learner/f") == "old contents");
  CHECK(has(report.reverted, "/home/learner/f"));
}

TEST_CASE("fdatasync makes data and size durable") {
  SimKernel k;
  put(k, "/home/learner/f", "v1", true);
  fsync_path(k, kDir);
  Fd fd = k.open("/home/learner/f", O::WRONLY | O::APPEND).value();
  REQUIRE(k.write(fd, as_bytes(" and v2")).ok());
  REQUIRE(k.fdatasync(fd).ok());
  k.crash();
  CHECK(contents(k, "/home/learner/f") == "v1 and v2");
}

TEST_CASE("rename without fsync of the directory: the old name after a crash") {
  SimKernel k;
  put(k, "/home/learner/state", "old", true);
  fsync_path(k, kDir);
  put(k, "/home/learner/state.tmp", "new", true);  // the temporary's data is durable
  REQUIRE(k.rename("/home/learner/state.tmp", "/home/learner/state").ok());
  CHECK(contents(k, "/home/learner/state") == "new");
  k.crash();
  CHECK(contents(k, "/home/learner/state") == "old");
  CHECK_FALSE(exists(k, "/home/learner/state.tmp"));
}

TEST_CASE("write, fsync, rename, fsync the directory: the atomic replace survives") {
  SimKernel k;
  put(k, "/home/learner/state", "old", true);
  fsync_path(k, kDir);
  put(k, "/home/learner/state.tmp", "new", true);
  REQUIRE(k.rename("/home/learner/state.tmp", "/home/learner/state").ok());
  fsync_path(k, kDir);
  k.crash();
  CHECK(contents(k, "/home/learner/state") == "new");
  CHECK_FALSE(exists(k, "/home/learner/state.tmp"));
}

TEST_CASE("unlink without fsync of the directory: the file is back after a crash") {
  SimKernel k;
  put(k, "/home/learner/f", "keep me", true);
  fsync_path(k, kDir);
  REQUIRE(k.unlink("/home/learner/f").ok());
  CHECK_FALSE(exists(k, "/home/learner/f"));
  auto report = k.crash();
  CHECK(contents(k, "/home/learner/f") == "keep me");
  CHECK(has(report.resurrected, "/home/learner/f"));
}

TEST_CASE("mkdir is durable once the parent is fsynced") {
  SimKernel k;
  REQUIRE(k.mkdir("/home/learner/a").ok());
  REQUIRE(k.mkdir("/home/learner/b").ok());
  fsync_path(k, kDir);
  REQUIRE(k.mkdir("/home/learner/c").ok());
  k.crash();
  CHECK(k.stat("/home/learner/a").value().is_directory());
  CHECK(k.stat("/home/learner/b").value().is_directory());
  CHECK(k.stat("/home/learner/c").error() == Errno::enoent);
}

TEST_CASE("a file in a new directory needs the file, the directory and its parent synced") {
  SimKernel k;
  REQUIRE(k.mkdir("/home/learner/logs").ok());
  put(k, "/home/learner/logs/1.log", "entry", true);
  fsync_path(k, "/home/learner/logs");
  SUBCASE("without the parent") {
    k.crash();
    CHECK(k.stat("/home/learner/logs").error() == Errno::enoent);
  }
  SUBCASE("with the parent") {
    fsync_path(k, kDir);
    k.crash();
    CHECK(contents(k, "/home/learner/logs/1.log") == "entry");
  }
}

TEST_CASE("shrinking without fsync is undone by a crash") {
  SimKernel k;
  put(k, "/home/learner/f", "0123456789", true);
  fsync_path(k, kDir);
  Fd fd = k.open("/home/learner/f", O::RDWR).value();
  REQUIRE(k.ftruncate(fd, 3).ok());
  CHECK(k.fstat(fd).value().st_size == 3);
  k.crash();
  CHECK(contents(k, "/home/learner/f") == "0123456789");
}

TEST_CASE("O_SYNC and O_DSYNC writes are durable when write returns") {
  for (int flag : {O::SYNC, O::DSYNC}) {
    CAPTURE(flag);
    SimKernel k;
    put(k, "/home/learner/f", "", true);
    fsync_path(k, kDir);
    Fd fd = k.open("/home/learner/f", O::WRONLY | flag).value();
    REQUIRE(k.write(fd, as_bytes("committed")).ok());
    k.crash();
    CHECK(contents(k, "/home/learner/f") == "committed");
  }
}

TEST_CASE("O_DIRECT: aligned buffers only; overwrites reach storage, a grown size does not") {
  SimKernel k;
  alignas(4096) static std::byte block[4096];
  std::fill(std::begin(block), std::end(block), std::byte{'d'});
  put(k, "/home/learner/f", std::string(4096, 'o'), true);
  fsync_path(k, kDir);
  Fd fd = k.open("/home/learner/f", O::RDWR | O::DIRECT).value();
  CHECK(k.write(fd, std::span(block).first(100)).error() == Errno::einval);  // length
  CHECK(k.pwrite(fd, std::span(block + 512, 512), 0).ok());
  CHECK(k.write(fd, std::span(block + 1, 512)).error() == Errno::einval);    // buffer address
  CHECK(k.pwrite(fd, std::span(block, 512), 100).error() == Errno::einval);  // offset
  REQUIRE(k.pwrite(fd, std::span(block), 4096).ok());  // grows the file to 8192
  CHECK(k.fstat(fd).value().st_size == 8192);
  k.crash();
  std::string after = contents(k, "/home/learner/f");
  CHECK(after == std::string(512, 'd') + std::string(3584, 'o'));
}

TEST_CASE("stores through a shared map are dirty pages until msync") {
  SimKernel k;
  put(k, "/home/learner/m", std::string(8192, '.'), true);
  fsync_path(k, kDir);
  Fd fd = k.open("/home/learner/m", O::RDWR).value();
  std::byte* map = k.mmap(8192, PROT::READ | PROT::WRITE, MAP::SHARED, fd, 0).value();
  map[0] = std::byte{'A'};
  map[4096] = std::byte{'B'};
  CHECK(contents(k, "/home/learner/m").substr(0, 1) == "A");  // visible to read() at once
  auto state = k.files();
  auto file =
      std::find_if(state.begin(), state.end(), [](auto& s) { return s.path == "/home/learner/m"; });
  REQUIRE(file != state.end());
  CHECK(file->dirty_pages == std::vector<std::int64_t>{0, 1});
  REQUIRE(k.msync(map, 4096, MS::SYNC).ok());  // only the first page
  k.crash();
  std::string after = contents(k, "/home/learner/m");
  CHECK(after[0] == 'A');
  CHECK(after[4096] == '.');
}

TEST_CASE("a crash closes every descriptor and gives a fresh terminal") {
  SimKernel k;
  Fd fd = k.open("/home/learner/f", O::WRONLY | O::CREAT).value();
  k.crash();
  CHECK(k.write(fd, as_bytes("x")).error() == Errno::ebadf);
  CHECK(k.isatty(1).value());
  CHECK(k.getcwd().value() == "/home/learner");
}

TEST_CASE("background writeback, when enabled, makes old dirty data durable") {
  SimKernel k({.writeback_expire_ns = 30'000'000'000});
  put(k, "/home/learner/f", "eventually");
  SUBCASE("before the deadline") {
    k.nanosleep(29'000'000'000);
    k.crash();
    CHECK_FALSE(exists(k, "/home/learner/f"));
  }
  SUBCASE("after it") {
    k.nanosleep(31'000'000'000);
    (void)k.stat("/");  // the flusher runs at the next call
    k.crash();
    CHECK(contents(k, "/home/learner/f") == "eventually");
  }
}

TEST_CASE("files() shows the cache beside the durable bytes") {
  SimKernel k;
  put(k, "/home/learner/f", "abc", true);
  fsync_path(k, kDir);
  Fd fd = k.open("/home/learner/f", O::WRONLY | O::APPEND).value();
  REQUIRE(k.write(fd, as_bytes("def")).ok());
  auto files = k.files();
  auto file =
      std::find_if(files.begin(), files.end(), [](auto& s) { return s.path == "/home/learner/f"; });
  REQUIRE(file != files.end());
  CHECK(as_text(file->cache) == "abcdef");
  CHECK(as_text(file->durable) == "abc");
  CHECK(file->dirty_pages == std::vector<std::int64_t>{0});
  CHECK(file->entry_durable);
}

TEST_CASE("unlink and fsync of the directory: gone for good, its space freed") {
  SimKernel k;
  put(k, "/home/learner/f", "bye", true);
  fsync_path(k, kDir);
  REQUIRE(k.unlink("/home/learner/f").ok());
  fsync_path(k, kDir);
  CHECK(k.bytes_used() == 0);
  k.crash();
  CHECK_FALSE(exists(k, "/home/learner/f"));
}

TEST_CASE("an rmdir that never reached storage is undone, and the directory works again") {
  SimKernel k;
  REQUIRE(k.mkdir("/home/learner/d").ok());
  fsync_path(k, kDir);
  REQUIRE(k.rmdir("/home/learner/d").ok());
  k.crash();
  CHECK(k.stat("/home/learner/d").value().st_nlink == 2);
  put(k, "/home/learner/d/new", "works");
  CHECK(contents(k, "/home/learner/d/new") == "works");
}
