// The tracing kernel: what it records for each call, and the strace and JSON forms.
// strace lines to compare with were taken from `strace python3 -c ...` on these machines, e.g.
//   openat(AT_FDCWD, "/tmp/zz", O_RDWR|O_CREAT|O_CLOEXEC, 0777) = 3
//   lseek(3, 0, SEEK_CUR) = 0
//   ioctl(3, TCGETS, 0x7fff39a5a670) = -1 ENOTTY (Inappropriate ioctl for device)
//   fcntl(3, F_DUPFD_CLOEXEC, 0) = 6
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "os/sim_kernel.hpp"
#include "sim_helpers.hpp"
#include "trace/snapshot.hpp"
#include "trace/tracing_kernel.hpp"

using namespace bl;
namespace O = os::O;
using bl::contract::must;
using bl::contract::writable;

TEST_CASE("every call is recorded in order with its arguments and result") {
  os::SimKernel sim;
  trace::Recorder recorder;
  trace::TracingKernel k(sim, recorder);
  os::Fd fd = must(k.open("/tmp/zz", O::RDWR | O::CREAT | O::CLOEXEC, 0777));
  must(k.write(fd, os::as_bytes("hello")));
  CHECK(must(k.lseek(fd, 0, os::SEEK::CUR)) == 5);
  CHECK_FALSE(must(k.isatty(fd)));
  CHECK(must(k.dup(fd, true)) == 4);
  CHECK(k.open("/missing", O::RDONLY).error() == os::Errno::enoent);
  must(k.close(fd));
  CHECK_FALSE(must(k.get_inheritable(4)));

  auto calls = recorder.syscalls();
  REQUIRE(calls.size() == 8);
  std::vector<std::string> lines;
  for (const auto& call : calls) lines.push_back(trace::to_strace(call));
  CHECK(lines[0] == "openat(AT_FDCWD, \"/tmp/zz\", O_RDWR|O_CREAT|O_CLOEXEC, 0777) = 3");
  CHECK(lines[1] == "write(3, \"hello\", 5) = 5");
  CHECK(lines[2] == "lseek(3, 0, SEEK_CUR) = 5");
  CHECK(lines[3] == "ioctl(3, TCGETS) = -1 ENOTTY (Inappropriate ioctl for device)");
  CHECK(lines[4] == "fcntl(3, F_DUPFD_CLOEXEC, 0) = 4");
  CHECK(lines[5] ==
        "openat(AT_FDCWD, \"/missing\", O_RDONLY) = -1 ENOENT (No such file or directory)");
  CHECK(lines[6] == "close(3) = 0");
  CHECK(lines[7] == "fcntl(4, F_GETFD) = 1");
  for (std::size_t i = 0; i < calls.size(); ++i) CHECK(calls[i].seq == i + 1);
  CHECK(calls[1].size == 5u);
  CHECK(calls[1].sim_ns > 0);  // the simulated cost of the call
  CHECK(calls[1].real_ns >= 0);
}

// The expected lines are strace's own (strace -s 32 on these machines) for the same writes.
TEST_CASE("reads and writes show their first bytes as strace quotes them") {
  os::SimKernel sim;
  trace::Recorder recorder;
  trace::TracingKernel k(sim, recorder);
  os::Fd fd = must(k.open("f", O::RDWR | O::CREAT));
  const std::string odd(
      "ab\0\1c\xff"
      "1\n\t\"\\\0"
      "0",
      13);
  must(k.write(fd, os::as_bytes(odd)));
  must(k.write(fd, os::as_bytes(std::string(40, 'x'))));
  std::string buffer(100, '\0');
  CHECK(must(k.pread(fd, writable(buffer), 50)) == 3);
  CHECK(k.read(99, writable(buffer)).error() == os::Errno::ebadf);
  auto calls = recorder.syscalls();
  CHECK(trace::to_strace(calls[1]) == R"(write(3, "ab\0\1c\3771\n\t\"\\\0000", 13) = 13)");
  CHECK(trace::to_strace(calls[2]) ==
        R"(write(3, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"..., 40) = 40)");
  CHECK(trace::to_strace(calls[3]) == R"(pread64(3, "xxx", 100, 50) = 3)");
  CHECK(trace::to_strace(calls[4]) == "read(99, ..., 100) = -1 EBADF (Bad file descriptor)");
  auto json = nlohmann::json::parse(trace::to_json_line(calls[2]));
  CHECK(json["data"] == std::string(32, 'x'));
  CHECK(json["data_truncated"] == true);
}

TEST_CASE("the traced kernel answers exactly as the inner one") {
  os::SimKernel sim;
  trace::Recorder recorder;
  trace::TracingKernel k(sim, recorder);
  auto [r, w] = must(k.pipe(O::NONBLOCK));
  std::string buffer(4, '\0');
  CHECK(k.read(r, writable(buffer)).error() == os::Errno::eagain);
  must(k.write(w, os::as_bytes("ping")));
  CHECK(must(k.read(r, writable(buffer))) == 4);
  CHECK(buffer == "ping");
  CHECK(trace::to_strace(recorder.syscalls()[0]) == "pipe2([3, 4], O_NONBLOCK) = 0");
  CHECK(trace::to_strace(recorder.syscalls()[1]) ==
        "read(3, ..., 4) = -1 EAGAIN (Resource temporarily unavailable)");
}

TEST_CASE("events encode to JSON lines") {
  os::SimKernel sim;
  trace::Recorder recorder;
  trace::TracingKernel k(sim, recorder);
  os::Fd fd = must(k.open("f", O::WRONLY | O::CREAT | O::TRUNC));
  CHECK(k.pread(fd, {}, 0).error() == os::Errno::ebadf);
  recorder.on_object({.seq = recorder.next_seq(),
                      .object = 7,
                      .type = "BufferedWriter",
                      .action = "write",
                      .state = {{"buffered", 10}}});
  std::string text = trace::to_json_lines(recorder.events());
  std::vector<nlohmann::json> events;
  std::size_t start = 0;
  for (std::size_t end; (end = text.find('\n', start)) != std::string::npos; start = end + 1) {
    events.push_back(nlohmann::json::parse(text.substr(start, end - start)));
  }
  REQUIRE(events.size() == 3);
  CHECK(events[0]["call"] == "openat");
  CHECK(events[0]["path"] == "f");
  CHECK(events[0]["flags"] == "O_WRONLY|O_CREAT|O_TRUNC");
  CHECK(events[0]["mode"] == "0666");
  CHECK(events[0]["result"] == 3);
  CHECK_FALSE(events[0].contains("errno"));
  CHECK(events[1]["call"] == "pread64");
  CHECK(events[1]["offset"] == 0);
  CHECK(events[1]["result"] == -1);
  CHECK(events[1]["errno"] == "EBADF");
  CHECK(events[2]["seq"] == 3);
  CHECK(events[2]["type"] == "BufferedWriter");
  CHECK(events[2]["state"]["buffered"] == 10);
}

TEST_CASE("memory map calls carry addresses and symbolic flags") {
  os::SimKernel sim;
  trace::Recorder recorder;
  trace::TracingKernel k(sim, recorder);
  bl::test::put(sim, "m", std::string(8192, 'x'));
  os::Fd fd = must(k.open("m", O::RDWR));
  std::byte* map = must(k.mmap(8192, os::PROT::READ | os::PROT::WRITE, os::MAP::SHARED, fd, 0));
  must(k.msync(map, 8192, os::MS::SYNC));
  auto calls = recorder.syscalls();
  CHECK(trace::to_strace(calls[1]).starts_with(
      "mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_SHARED, 3, 0) = 0x"));
  CHECK(calls[2].address == reinterpret_cast<std::uintptr_t>(map));
  CHECK(trace::to_strace(calls[2]).ends_with(", 8192, MS_SYNC) = 0"));
}

TEST_CASE("snapshots show each file's cache and durable bytes, and what a crash changed") {
  os::SimKernel k;
  bl::test::put(k, "/home/learner/a", "synced\xff", true);
  bl::test::put(k, "/home/learner/b", "cached only");
  auto files = trace::to_json(k.files());
  REQUIRE(files.size() == 2);
  CHECK(files[0]["path"] == "/home/learner/a");
  CHECK(files[0]["mode"] == "0644");  // 0666 less the umask 022
  CHECK(files[0]["cache"] == "synced\u00ff");
  CHECK(files[0]["durable"] == "synced\u00ff");
  CHECK(files[0]["dirty_pages"].empty());
  CHECK(files[0]["entry_durable"] == false);  // the directory was not fsynced
  CHECK(files[1]["durable"] == "");
  CHECK(files[1]["dirty_pages"] == nlohmann::json::array({0}));
  auto report = trace::to_json(k.crash());
  CHECK(report["lost"] == nlohmann::json::array({"/home/learner/a", "/home/learner/b"}));
  CHECK(report["reverted"].empty());
}
