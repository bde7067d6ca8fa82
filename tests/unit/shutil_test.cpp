// lib::shutil (lib/shutil.hpp) on both kernels. Every sequence and message was produced by
// CPython 3.11.7 (`env -u PYTHONUNBUFFERED strace -f -y python3 -c ...`) with a 150000-byte
// src: reference §10 and §15 pattern 10, e.g. shutil.copyfile('src', 'dst'):
//   newfstatat "src" = 0, newfstatat "dst" = -ENOENT   (_samefile: os.path.samefile)
//   newfstatat "src" = 0, newfstatat "dst" = -ENOENT   (the named-pipe check)
//   openat src O_RDONLY|O_CLOEXEC, fstat, ioctl TCGETS, lseek 0 SEEK_CUR   (open(src, 'rb'))
//   openat dst O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC 0666, fstat, ioctl, lseek (open(dst, 'wb'))
//   fstat src; sendfile(dst, src, [0], 8388608) = 150000; sendfile(..., [150000], ...) = 0
//   close dst, close src
#include <doctest/doctest.h>

#include <map>
#include <string>

#include "io_helpers.hpp"
#include "lib/os.hpp"
#include "lib/os_path.hpp"
#include "lib/shutil.hpp"
#ifdef BL_HAVE_POSIX_KERNEL
#include <sys/stat.h>
#endif

using namespace bl;
using iotest::Calls;
using iotest::raises;
using iotest::Traced;
namespace shutil = lib::shutil;
namespace pyos = lib::os;

namespace {

template <class F>
struct InDir : Traced<F> {
  InDir() { iotest::must(this->kernel.chdir(this->root)); }
  ~InDir() { (void)this->kernel.chdir("/"); }
};

// The recorded calls in FORMAT.md's normalized form: descriptors named by the path they were
// opened with, so a sequence reads the same on both kernels.
Calls normalized(const trace::Recorder& recorder) {
  std::map<int, std::string> names;
  auto name = [&](int fd) { return names.count(fd) ? names[fd] : std::to_string(fd); };
  Calls out;
  for (const trace::SyscallEvent& e : recorder.syscalls()) {
    const std::string c(e.call);
    std::string line;
    if (c == "openat") {
      if (e.error == os::Errno::none) names[static_cast<int>(e.result)] = e.path;
      line = "openat " + e.path + " " + e.flags + (e.mode ? " " + trace::mode_octal(*e.mode) : "");
    } else if (c == "newfstatat") {
      line = e.fd >= 0 ? "fstat " + name(e.fd) : "stat " + e.path;
    } else if (c == "sendfile") {
      line = "sendfile " + name(e.fd) + " " + name(e.fd2) + " " +
             (e.offset ? "@" + std::to_string(*e.offset) : "NULL") + " " +
             std::to_string(e.size.value_or(0));
    } else if (c == "chmod") {
      line = "chmod " + e.path + " " + trace::mode_octal(e.mode.value_or(0));
    } else if (c == "read" || c == "write") {
      line = c + " " + name(e.fd) + " " + std::to_string(e.size.value_or(0));
    } else if (c == "lseek") {
      line = "lseek " + name(e.fd) + " " + std::to_string(e.offset.value_or(0)) + " " + e.flags;
    } else if (c == "ioctl") {
      line = "ioctl " + name(e.fd) + " " + e.flags;
    } else if (c == "rename") {
      line = "rename " + e.path + " " + e.path2;
    } else if (c == "unlink" || c == "getrandom") {
      line = c + (e.path.empty() ? "" : " " + e.path);
    } else {
      line = c + " " + name(e.fd);
    }
    const bool ok = e.error == os::Errno::none;
    std::string result = ok ? std::to_string(e.result) : "-" + std::string(os::errno_name(e.error));
    if (c == "openat" && ok) result = "ok";
    out.push_back(line + " = " + result);
  }
  return out;
}

const Calls kOpenBoth = {
    "openat src O_RDONLY|O_CLOEXEC = ok",
    "fstat src = 0",
    "ioctl src TCGETS = -ENOTTY",
    "lseek src 0 SEEK_CUR = 0",
    "openat dst O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC 0666 = ok",
    "fstat dst = 0",
    "ioctl dst TCGETS = -ENOTTY",
    "lseek dst 0 SEEK_CUR = 0",
};

// The calls from the `from`-th on.
Calls since(const Calls& calls, std::size_t from) { return Calls(calls.begin() + from, calls.end()); }

Calls concat(std::initializer_list<Calls> parts) {
  Calls all;
  for (const Calls& p : parts) all.insert(all.end(), p.begin(), p.end());
  return all;
}

// The 150000 bytes of the reference traces.
std::string payload() { return iotest::ramp(150000); }

}  // namespace

TEST_CASE_TEMPLATE("shutil.copyfile: the sendfile fast path, call for call", F, BL_CONTRACT_KERNELS) {
  InDir<F> f;
  f.put("src", payload());
  f.clear();
  CHECK(shutil::copyfile(f.k, "src", "dst") == "dst");
  CHECK(normalized(f.recorder) ==
        concat({{"stat src = 0", "stat dst = -ENOENT", "stat src = 0", "stat dst = -ENOENT"},
                kOpenBoth,
                {"fstat src = 0", "sendfile dst src @0 8388608 = 150000",
                 "sendfile dst src @150000 8388608 = 0", "close dst = 0", "close src = 0"}}));
  CHECK(f.contents("dst") == payload());

  // An empty file: one sendfile that returns 0. A bigger one: blocksize is its size.
  f.put("src", "");
  f.clear();
  shutil::copyfile(f.k, "src", "dst");
  CHECK(normalized(f.recorder)[13] == "sendfile dst src @0 8388608 = 0");
  CHECK(normalized(f.recorder).size() == 16);
  CHECK(f.contents("dst").empty());
  const std::string big = iotest::ramp((8 << 20) + 5);
  f.put("src", big);
  f.clear();
  shutil::copyfile(f.k, "src", "dst");
  CHECK(normalized(f.recorder)[13] == "sendfile dst src @0 8388613 = 8388613");
  CHECK(f.contents("dst") == big);
}

TEST_CASE_TEMPLATE("shutil.copyfile without sendfile: copyfileobj's reads", F, BL_CONTRACT_KERNELS) {
  InDir<F> f;
  f.put("src", payload());
  f.clear();
  shutil::copyfile(f.k, "src", "dst", {.use_sendfile = false});
  // §15 pattern 10: the short read is followed by a read for the rest of the request.
  CHECK(normalized(f.recorder) ==
        concat({{"stat src = 0", "stat dst = -ENOENT", "stat src = 0", "stat dst = -ENOENT"},
                kOpenBoth,
                {"read src 65536 = 65536", "write dst 65536 = 65536", "read src 65536 = 65536",
                 "write dst 65536 = 65536", "read src 65536 = 18928", "read src 45056 = 0",
                 "write dst 18928 = 18928", "read src 65536 = 0", "close dst = 0",
                 "close src = 0"}}));
  CHECK(f.contents("dst") == payload());
}

TEST_CASE_TEMPLATE("shutil.copyfileobj: read(length) until empty, no readinto", F, BL_CONTRACT_KERNELS) {
  InDir<F> f;
  f.put("src", payload());
  SUBCASE("buffered, default length") {
    f.clear();
    auto src = io::open(f.k, "src", {.mode = "rb"});
    auto dst = io::open(f.k, "dst", {.mode = "wb"});
    const std::size_t opened = f.recorder.syscalls().size();
    shutil::copyfileobj(dynamic_cast<io::BinaryIOBase&>(*src),
                        dynamic_cast<io::BinaryIOBase&>(*dst));
    CHECK(since(normalized(f.recorder), opened) ==
          Calls{"read src 65536 = 65536", "write dst 65536 = 65536", "read src 65536 = 65536",
                "write dst 65536 = 65536", "read src 65536 = 18928", "read src 45056 = 0",
                "write dst 18928 = 18928", "read src 65536 = 0"});
    dst->close();
    src->close();
  }
  SUBCASE("unbuffered, length 100000") {
    f.clear();
    auto src = io::open(f.k, "src", {.mode = "rb", .buffering = 0});
    auto dst = io::open(f.k, "dst", {.mode = "wb", .buffering = 0});
    const std::size_t opened = f.recorder.syscalls().size();
    shutil::copyfileobj(dynamic_cast<io::BinaryIOBase&>(*src),
                        dynamic_cast<io::BinaryIOBase&>(*dst), 100000);
    CHECK(since(normalized(f.recorder), opened) ==
          Calls{"read src 100000 = 100000", "write dst 100000 = 100000",
                "read src 100000 = 50000", "write dst 50000 = 50000", "read src 100000 = 0"});
    dst->close();
    src->close();
  }
  SUBCASE("a negative length reads everything at once") {
    auto src = io::open(f.k, "src", {.mode = "rb", .buffering = 0});
    auto dst = io::open(f.k, "dst", {.mode = "wb", .buffering = 0});
    shutil::copyfileobj(dynamic_cast<io::BinaryIOBase&>(*src),
                        dynamic_cast<io::BinaryIOBase&>(*dst), -1);
    dst->close();
    src->close();
  }
  SUBCASE("text streams") {
    const std::string text = iotest::digits(20000) + "\n";
    f.put("t", text);
    auto src = io::open(f.k, "t", {.mode = "r"});
    auto dst = io::open(f.k, "dst", {.mode = "w"});
    shutil::copyfileobj(dynamic_cast<io::TextIOBase&>(*src), dynamic_cast<io::TextIOBase&>(*dst),
                        7);
    dst->close();
    src->close();
    CHECK(f.contents("dst") == text);
    return;
  }
  CHECK(f.contents("dst") == payload());
}

TEST_CASE_TEMPLATE("shutil: CPython's errors", F, BL_CONTRACT_KERNELS) {
  InDir<F> f;
  auto& k = f.k;
  f.put("src", "data");
  pyos::mkdir(k, "d");
  CHECK(raises([&] { shutil::copyfile(k, "src", "src"); }) ==
        "SameFileError: 'src' and 'src' are the same file");
  CHECK(raises([&] { shutil::copyfile(k, "src", "./d/../src"); }) ==
        "SameFileError: 'src' and './d/../src' are the same file");
  CHECK(raises([&] { shutil::copyfile(k, "nope", "x"); }) ==
        "FileNotFoundError: [Errno 2] No such file or directory: 'nope'");
  CHECK(raises([&] { shutil::copyfile(k, "src", "d"); }) ==
        "IsADirectoryError: [Errno 21] Is a directory: 'd'");
  CHECK(raises([&] { shutil::copyfile(k, "src", "nod/"); }) ==
        "FileNotFoundError: Directory does not exist: nod/");
  CHECK(raises([&] { shutil::copyfile(k, "src", "nod/x"); }) ==
        "FileNotFoundError: [Errno 2] No such file or directory: 'nod/x'");
  CHECK(raises([&] { shutil::copyfile(k, "d", "x"); }) ==
        "IsADirectoryError: [Errno 21] Is a directory: 'd'");
  CHECK(raises([&] { shutil::copyfile(k, "src", "src/x"); }) ==
        "NotADirectoryError: [Errno 20] Not a directory: 'src/x'");
  CHECK(raises([&] { shutil::copy(k, "src", "nod/"); }) ==
        "FileNotFoundError: Directory does not exist: nod/");
  CHECK(raises([&] { shutil::copymode(k, "src", "nope"); }) ==
        "FileNotFoundError: [Errno 2] No such file or directory: 'nope'");
  // The exception classes: SameFileError is a shutil.Error is an OSError, without errno.
  try {
    shutil::copyfile(k, "src", "src");
    FAIL("no exception");
  } catch (const shutil::Error& e) {
    CHECK(e.errno_value() == os::Errno::none);
    CHECK(e.type_name() == "SameFileError");
  }
  // No descriptor is left open by any of the failures: the next one is the one before.
  os::Fd next = iotest::must(k.dup(0));
  iotest::must(k.close(next));
  CHECK_THROWS(shutil::copyfile(k, "src", "d"));
  CHECK(iotest::must(k.dup(0)) == next);
  iotest::must(k.close(next));
}

TEST_CASE_TEMPLATE("shutil.copy: into a directory, then copymode", F, BL_CONTRACT_KERNELS) {
  InDir<F> f;
  f.put("src", payload());
  iotest::must(f.kernel.chmod("src", 0640));
  pyos::mkdir(f.k, "d");
  f.clear();
  CHECK(shutil::copy(f.k, "src", "d") == "d/src");
  Calls calls = normalized(f.recorder);
  CHECK(calls.front() == "stat d = 0");
  CHECK(calls[1] == "stat src = 0");
  CHECK(calls[2] == "stat d/src = -ENOENT");
  CHECK(calls[calls.size() - 2] == "stat src = 0");
  CHECK(calls.back() == "chmod d/src 0640 = 0");
  CHECK(f.contents("d/src") == payload());
  CHECK(pyos::S_IMODE(pyos::stat(f.k, "d/src").st_mode) == 0640);
  CHECK(shutil::copy(f.k, "src", "d/") == "d/src");
  CHECK(shutil::copy(f.k, "d/src", "new") == "new");
}

TEST_CASE("shutil.copyfile: ENOSPC from sendfile is raised naming both files") {
  os::SimKernel sim({.max_bytes = 100000});
  contract::write_file(sim, "/home/learner/src", iotest::ramp(60000));
  CHECK(raises([&] { shutil::copyfile(sim, "src", "dst"); }) ==
        "OSError: [Errno 28] No space left on device: 'src' -> 'dst'");
  CHECK(iotest::must(sim.dup(0)) == 3);
}

#ifdef BL_HAVE_POSIX_KERNEL
TEST_CASE("shutil.copyfile: a named pipe is refused before anything is opened") {
  InDir<PosixFixture> f;
  f.put("src", "data");
  REQUIRE(::mkfifo((f.root + "/p").c_str(), 0600) == 0);
  CHECK(raises([&] { shutil::copyfile(f.k, "p", "x"); }) ==
        "SpecialFileError: `p` is a named pipe");
  CHECK(raises([&] { shutil::copyfile(f.k, "src", "p"); }) ==
        "SpecialFileError: `p` is a named pipe");
  for (const std::string& call : normalized(f.recorder)) CHECK(call.starts_with("stat "));
}
#endif
