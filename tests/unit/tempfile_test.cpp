// tempfile (lib/tempfile.hpp, lib/spooled.hpp) on both kernels. Expected values come from
// CPython 3.11.7 (`env -u PYTHONUNBUFFERED python3`, strace -f -y for the system calls), e.g.
//   TemporaryFile(dir='.'): openat(AT_FDCWD, ".", O_RDWR|O_EXCL|O_NOFOLLOW|O_CLOEXEC|O_TMPFILE,
//   0600) = 4; ioctl(4, FIOCLEX); newfstatat(4, ""); ioctl(4, TCGETS) = -ENOTTY; lseek(4, 0,
//   SEEK_CUR) x2.
#include <doctest/doctest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "io/bytesio.hpp"
#include "io_helpers.hpp"
#include "lib/spooled.hpp"
#include "lib/tempfile.hpp"

using namespace bl;
using iotest::bytes;
using iotest::Calls;
using iotest::must;
using iotest::raises;
using iotest::str;
using iotest::Traced;
using lib::SpooledTemporaryFile;
using lib::Tempfile;

namespace {

// prefix + 8 of [a-z0-9_] + suffix, as _RandomNameSequence makes them.
bool is_temp_name(std::string_view name, std::string_view prefix, std::string_view suffix) {
  if (name.size() != prefix.size() + 8 + suffix.size() || !name.starts_with(prefix) ||
      !name.ends_with(suffix))
    return false;
  return std::all_of(name.begin() + prefix.size(), name.end() - suffix.size(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

std::string basename(const std::string& path) { return path.substr(path.rfind('/') + 1); }

std::vector<std::string> entries(os::Kernel& k, const std::string& dir) {
  auto names = must(k.listdir(dir));
  std::sort(names.begin(), names.end());
  return names;
}

// The descriptor under a stream that io.open made (text -> buffer -> raw).
os::Fd fd_of(io::IOBase& f) { return static_cast<os::Fd>(f.fileno()); }

// Everything the file of `fd` holds, read without moving its position.
std::string file_bytes(os::Kernel& k, os::Fd fd) {
  return contract::pread_text(k, fd, 1 << 16, 0);
}

// A fixture's kernel working in its directory, as scripts pass dir='.'.
template <class F>
struct InDir : Traced<F> {
  InDir() { must(this->kernel.chdir(this->root)); }
  ~InDir() { (void)this->kernel.chdir("/"); }
};

}  // namespace

TEST_CASE("names come from kernel.getrandom: the same seed gives the same names") {
  auto names = [](std::uint64_t seed) {
    os::SimKernel k({.urandom_seed = seed});
    Tempfile tf(k);
    auto [fd1, p1] = tf.mkstemp({.dir = "/tmp"});
    auto [fd2, p2] = tf.mkstemp({.dir = "/tmp"});
    must(k.close(fd1));
    must(k.close(fd2));
    return std::vector<std::string>{p1, p2};
  };
  const auto a = names(7), b = names(7), c = names(8);
  CHECK(a == b);
  CHECK(a != c);
  CHECK(a[0] != a[1]);
  CHECK(is_temp_name(basename(a[0]), "tmp", ""));
}

TEST_CASE("gettempdir: $TMPDIR, $TEMP, $TMP, /tmp ..., probed once and cached") {
  SUBCASE("default /tmp, the probe leaves nothing behind") {
    os::SimKernel k;
    Tempfile tf(k);
    CHECK(tf.gettempdir() == "/tmp");
    CHECK(entries(k, "/tmp").empty());
    CHECK(Tempfile::gettempprefix() == "tmp");
  }
  SUBCASE("unusable candidates are skipped; relative ones made absolute") {
    os::SimKernel k({.environ = {{"TMPDIR", "/nonexistent"}, {"TEMP", ""}, {"TMP", "sub/.."}}});
    Tempfile tf(k);
    CHECK(tf.gettempdir() == "/home/learner");
    must(k.mkdir("/nonexistent"));
    CHECK(tf.gettempdir() == "/home/learner");  // cached
  }
  SUBCASE("mkstemp without dir uses it") {
    os::SimKernel k({.environ = {{"TMPDIR", "/home/learner"}}});
    Tempfile tf(k);
    auto [fd, path] = tf.mkstemp();
    CHECK(path.starts_with("/home/learner/tmp"));
    must(k.close(fd));
  }
}

TEST_CASE_TEMPLATE("mkstemp: an absolute name, 0600, O_EXCL|O_NOFOLLOW|O_CLOEXEC", F,
                   BL_CONTRACT_KERNELS) {
  InDir<F> t;
  Tempfile tf(t.k);
  t.clear();
  auto [fd, path] = tf.mkstemp({.suffix = ".bin", .prefix = "xtmp", .dir = "."});
  CHECK(path.starts_with(t.root + "/"));
  CHECK(is_temp_name(basename(path), "xtmp", ".bin"));
  CHECK(t.take(fd) == Calls{"openat(O_RDWR|O_CREAT|O_EXCL|O_NOFOLLOW|O_CLOEXEC,0600)"});
  CHECK((must(t.kernel.fstat(fd)).st_mode & 0777) == 0600);
  CHECK(!must(t.kernel.get_inheritable(fd)));
  must(t.kernel.close(fd));
  CHECK(raises([&] { (void)tf.mkstemp({.dir = "missing"}); })
            .starts_with("FileNotFoundError: [Errno 2] No such file or directory: '" + t.root +
                         "/missing/tmp"));
}

TEST_CASE_TEMPLATE("mkdtemp: 0700, named relative to a relative dir (3.11)", F,
                   BL_CONTRACT_KERNELS) {
  InDir<F> t;
  Tempfile tf(t.k);
  const std::string d = tf.mkdtemp({.suffix = "_d", .dir = "."});
  CHECK(d.starts_with("./tmp"));
  CHECK(is_temp_name(d.substr(2), "tmp", "_d"));
  auto st = must(t.kernel.stat(d));
  CHECK(st.is_directory());
  CHECK((st.st_mode & 0777) == 0700);
  CHECK(raises([&] { (void)tf.mkdtemp({.dir = "missing"}); })
            .starts_with("FileNotFoundError: [Errno 2] No such file or directory: 'missing/tmp"));
  CHECK(tf.mkdtemp({.dir = t.root}).starts_with(t.root + "/tmp"));
}

TEST_CASE_TEMPLATE("TemporaryFile: an O_TMPFILE file without a name, named by its descriptor", F,
                   BL_CONTRACT_KERNELS) {
  InDir<F> t;
  Tempfile tf(t.k);
  t.clear();
  auto f = tf.TemporaryFile({.dir = "."});
  const os::Fd fd = fd_of(*f);
  CHECK(t.take(fd) == Calls{"openat(O_RDWR|O_EXCL|O_NOFOLLOW|O_CLOEXEC|O_TMPFILE,0600)",
                            "ioctl(FIOCLEX)=0", "fstat()=0", "ioctl(TCGETS)=-1 ENOTTY",
                            "lseek(0,SEEK_CUR)=0", "lseek(0,SEEK_CUR)=0"});
  CHECK(f->repr() == "<_io.BufferedRandom name=" + std::to_string(fd) + ">");
  CHECK(f->mode() == "rb+");
  CHECK(entries(t.kernel, t.root).empty());
  auto& b = dynamic_cast<io::BinaryIOBase&>(*f);
  b.write(bytes("hello"));
  b.seek(0);
  CHECK(str(b.read()) == "hello");
  f->close();

  auto text = tf.TemporaryFile({.mode = "w+", .dir = "."});
  CHECK(text->repr() ==
        "<_io.TextIOWrapper name=" + std::to_string(fd_of(*text)) + " mode='w+' encoding='UTF-8'>");
  auto raw = tf.TemporaryFile({.buffering = 0, .dir = "."});
  CHECK(raw->repr() ==
        "<_io.FileIO name=" + std::to_string(fd_of(*raw)) + " mode='rb+' closefd=True>");
  CHECK(raises([&] { tf.TemporaryFile({.mode = "wt+", .buffering = 0, .dir = "."}); }) ==
        "ValueError: can't have unbuffered text I/O");
  CHECK(raises([&] { tf.TemporaryFile({.mode = "zz", .dir = "."}); }) ==
        "ValueError: invalid mode: 'zz'");
  // O_TMPFILE fails with ENOENT: the mkstemp fallback reports its own (absolute) name.
  CHECK(raises([&] { tf.TemporaryFile({.dir = "missing"}); })
            .starts_with("FileNotFoundError: [Errno 2] No such file or directory: '" + t.root +
                         "/missing/tmp"));
  CHECK(entries(t.kernel, t.root).empty());
}

TEST_CASE_TEMPLATE("NamedTemporaryFile: close() unlinks unless delete=False", F,
                   BL_CONTRACT_KERNELS) {
  InDir<F> t;
  Tempfile tf(t.k);
  t.clear();
  auto w = tf.NamedTemporaryFile({.suffix = ".txt", .dir = "."});
  const os::Fd fd = fd_of(*w->file());
  CHECK(t.take(fd) == Calls{"openat(O_RDWR|O_CREAT|O_EXCL|O_NOFOLLOW|O_CLOEXEC,0600)",
                            "ioctl(FIOCLEX)=0", "fstat()=0", "ioctl(TCGETS)=-1 ENOTTY",
                            "lseek(0,SEEK_CUR)=0", "lseek(0,SEEK_CUR)=0"});
  CHECK(w->name().starts_with(t.root + "/tmp"));
  CHECK(w->repr() == "<tempfile._TemporaryFileWrapper object>");
  CHECK(w->file()->repr() == "<_io.BufferedRandom name=" + python_str_repr(w->name()) + ">");
  CHECK(entries(t.kernel, t.root) == std::vector<std::string>{basename(w->name())});
  dynamic_cast<io::BinaryIOBase&>(*w->file()).write(bytes("abc"));
  w->close();
  CHECK(w->file()->closed());
  CHECK(entries(t.kernel, t.root).empty());
  w->close();  // once only

  auto keep = tf.NamedTemporaryFile({.mode = "w", .dir = ".", .delete_ = false});
  CHECK(keep->file()->repr() == "<_io.TextIOWrapper name=" + python_str_repr(keep->name()) +
                                    " mode='w' encoding='UTF-8'>");
  dynamic_cast<io::TextIOBase&>(*keep->enter().file()).write(codecs::Str::from_utf8("é"));
  keep->exit();
  CHECK(contract::read_file(t.kernel, keep->name()) == "é");

  auto gone = tf.NamedTemporaryFile({.dir = "."});
  must(t.kernel.unlink(gone->name()));
  CHECK(raises([&] { gone->close(); }) ==
        "FileNotFoundError: [Errno 2] No such file or directory: '" + gone->name() + "'");
  CHECK(gone->file()->closed());
  CHECK(raises([&] { gone->enter(); }) == "ValueError: I/O operation on closed file.");

  // A failure after the file was made removes it again.
  CHECK(raises([&] { tf.NamedTemporaryFile({.mode = "w+", .encoding = "bogus", .dir = "."}); }) ==
        "LookupError: unknown encoding: bogus");
  CHECK(entries(t.kernel, t.root) == std::vector<std::string>{basename(keep->name())});
}

TEST_CASE_TEMPLATE("TemporaryDirectory: cleanup removes the tree once, again if recreated", F,
                   BL_CONTRACT_KERNELS) {
  InDir<F> t;
  Tempfile tf(t.k);
  lib::TemporaryDirectory d(tf, {.prefix = "dtmp", .dir = "."});
  CHECK(d.name().starts_with("./dtmp"));
  CHECK(d.repr() == "<TemporaryDirectory '" + d.name() + "'>");
  CHECK(&d.enter() == &d.name());
  must(t.kernel.mkdir(d.name() + "/sub"));
  contract::write_file(t.kernel, d.name() + "/sub/a", "x");
  contract::write_file(t.kernel, d.name() + "/b", "y");
  d.cleanup();
  CHECK(entries(t.kernel, t.root).empty());
  d.cleanup();  // nothing there: nothing to do
  must(t.kernel.mkdir(d.name()));
  d.exit();
  CHECK(entries(t.kernel, t.root).empty());
  {
    lib::TemporaryDirectory implicit(tf, {.dir = "."});
    contract::write_file(t.kernel, implicit.name() + "/f", "z");
  }
  CHECK(entries(t.kernel, t.root).empty());
}

// --- SpooledTemporaryFile (reference §8) ---------------------------------------------------

TEST_CASE("SpooledTemporaryFile: the position after a write decides, strictly above max_size") {
  os::SimKernel k;
  Tempfile tf(k);
  SpooledTemporaryFile f(tf, {.max_size = 10, .dir = "/tmp"});
  CHECK(f.name_attribute() == std::nullopt);
  CHECK(f.mode() == "w+b");
  CHECK(f.file()->type_name() == "_io.BytesIO");
  CHECK(*f.write(bytes("0123456789")) == 10);
  CHECK(!f.rolled());
  f.seek(11);  // a seek alone never rolls over
  CHECK(!f.rolled());
  f.seek(3);
  f.write(bytes("abc"));  // rewriting inside max_size
  CHECK(!f.rolled());
  f.seek(20);
  f.write(bytes("!"));  // position 21
  CHECK(f.rolled());
  CHECK(f.mode() == "rb+");
  const os::Fd fd = static_cast<os::Fd>(std::get<std::int64_t>(*f.name_attribute()));
  CHECK(f.tell() == 21);
  f.flush();
  CHECK(file_bytes(k, fd) == std::string("012abc6789") + std::string(10, '\0') + "!");
  CHECK(raises([&] { (void)f.encoding(); }) ==
        "AttributeError: '_io.BufferedRandom' object has no attribute 'encoding'");
}

TEST_CASE("SpooledTemporaryFile: writelines checks once, at its end") {
  os::SimKernel k;
  Tempfile tf(k);
  SpooledTemporaryFile f(tf, {.max_size = 5, .dir = "/tmp"});
  f.writelines(std::vector<io::Bytes>{io::Bytes::from("abcdef"), io::Bytes::from("g")});
  CHECK(f.rolled());
  SpooledTemporaryFile g(tf, {.max_size = 5, .dir = "/tmp"});
  g.writelines(std::vector<io::Bytes>{io::Bytes::from("abcdef")});
  g.seek(0);
  g.writelines(std::vector<io::Bytes>{io::Bytes::from("x")});
  CHECK(g.rolled());  // the first writelines already rolled at position 6
  SpooledTemporaryFile h(tf, {.max_size = 5, .dir = "/tmp"});
  h.write(bytes("abcde"));
  CHECK(!h.rolled());
  CHECK(raises([&] { (void)h.encoding(); }) ==
        "AttributeError: '_io.BytesIO' object has no attribute 'encoding'");
}

TEST_CASE("SpooledTemporaryFile: text compares the tell() cookie: 'é'*6 with max 10 rolls") {
  os::SimKernel k;
  Tempfile tf(k);
  SpooledTemporaryFile f(tf, {.max_size = 10, .mode = "w+", .dir = "/tmp"});
  CHECK(f.mode() == "w+");
  CHECK(f.encoding() == "UTF-8");
  CHECK(f.errors() == "strict");
  CHECK(f.newlines().empty());
  CHECK(f.write(codecs::Str::from_utf8("ééééé")) == 5);  // 10 bytes
  CHECK(!f.rolled());
  CHECK(f.write(codecs::Str::from_utf8("é")) == 1);
  CHECK(f.rolled());
  CHECK(f.mode() == "w+");
  CHECK(f.tell() == 12);
  f.flush();
  const os::Fd fd = static_cast<os::Fd>(std::get<std::int64_t>(*f.name_attribute()));
  CHECK(file_bytes(k, fd) == "éééééé");
  f.seek(0);
  CHECK(f.text().read().to_utf8() == "éééééé");
  CHECK(raises([&] { f.binary(); }).starts_with("TypeError"));

  SpooledTemporaryFile crlf(tf, {.max_size = 5, .mode = "w+", .encoding = "utf-16",
                                 .newline = "\r\n", .dir = "/tmp"});
  crlf.write(codecs::Str::from_utf8("a\nb"));  // BOM + "a\r\nb": 10 bytes
  CHECK(crlf.tell() == 10);
  CHECK(crlf.rolled());
  CHECK(crlf.encoding() == "utf-16");
}

TEST_CASE("SpooledTemporaryFile: truncate(size) rolls over first when size > max_size") {
  os::SimKernel k;
  Tempfile tf(k);
  SpooledTemporaryFile zero(tf, {.dir = "/tmp"});  // max_size 0 never rolls by size...
  zero.write(bytes("abc"));
  CHECK(!zero.rolled());
  CHECK(zero.truncate(1) == 1);  // ...but truncate does
  CHECK(zero.rolled());
  SpooledTemporaryFile f(tf, {.max_size = 5, .dir = "/tmp"});
  f.write(bytes("abcd"));
  CHECK(f.truncate() == 4);  // no size: never
  CHECK(f.truncate(5) == 5);
  CHECK(!f.rolled());
  CHECK(raises([&] { f.truncate(-1); }) == "ValueError: negative size value -1");
  CHECK(f.truncate(6) == 6);
  CHECK(f.rolled());
}

// Pattern 12 as strace shows it: read() first asks fstat for the size (the reference omits it).
TEST_CASE_TEMPLATE("SpooledTemporaryFile: fileno() rolls over; §15 pattern 12's system calls", F,
                   BL_CONTRACT_KERNELS) {
  InDir<F> t;
  Tempfile tf(t.k);
  SUBCASE("fileno") {
    SpooledTemporaryFile f(tf, {.max_size = 100, .dir = "."});
    f.write(bytes("xy"));
    const os::Fd fd = static_cast<os::Fd>(f.fileno());
    CHECK(f.rolled());
    CHECK(std::get<std::int64_t>(*f.name_attribute()) == fd);
    CHECK(f.tell() == 2);
  }
  SUBCASE("pattern 12") {
    SpooledTemporaryFile f(tf, {.max_size = 10, .dir = "."});
    f.write(bytes("12345"));
    t.clear();
    f.write(bytes("678901"));
    f.write(bytes("abc"));
    f.seek(0);
    CHECK(str(f.binary().read()) == "12345678901abc");
    const os::Fd fd = static_cast<os::Fd>(f.file()->fileno());
    CHECK(t.take(fd) ==
          Calls{"openat(O_RDWR|O_EXCL|O_NOFOLLOW|O_CLOEXEC|O_TMPFILE,0600)", "ioctl(FIOCLEX)=0",
                "fstat()=0", "ioctl(TCGETS)=-1 ENOTTY", "lseek(0,SEEK_CUR)=0",
                "lseek(0,SEEK_CUR)=0", "write(11)=11", "lseek(11,SEEK_SET)=11", "write(3)=3",
                "lseek(0,SEEK_SET)=0", "lseek(0,SEEK_CUR)=0", "lseek(0,SEEK_CUR)=0",
                "fstat()=0", "read(15)=14", "read(1)=0"});
  }
  CHECK(entries(t.kernel, t.root).empty());
}

TEST_CASE("SpooledTemporaryFile: closed, detached and read-only spools fail as in 3.11") {
  os::SimKernel k;
  Tempfile tf(k);
  SUBCASE("a closed spool: enter refuses; fileno installs the new file, then fails") {
    SpooledTemporaryFile f(tf, {.dir = "/tmp"});
    f.close();
    CHECK(f.closed());
    CHECK(raises([&] { f.enter(); }) == "ValueError: Cannot enter context with closed file");
    CHECK(raises([&] { f.write(bytes("a")); }) == "ValueError: I/O operation on closed file.");
    CHECK(raises([&] { f.fileno(); }) == "ValueError: I/O operation on closed file.");
    CHECK(!f.rolled());
    CHECK(!f.closed());  // the new TemporaryFile is in place
    CHECK(f.mode() == "rb+");
    CHECK(raises([&] { f.truncate(5); }) ==
          "AttributeError: 'SpooledTemporaryFile' object has no attribute '_TemporaryFileArgs'");
  }
  SUBCASE("detach") {
    SpooledTemporaryFile b(tf, {.max_size = 5, .dir = "/tmp"});
    CHECK(raises([&] { b.detach(); }) == "UnsupportedOperation: detach");
    SpooledTemporaryFile t(tf, {.max_size = 5, .mode = "w+", .dir = "/tmp"});
    CHECK(t.detach()->type_name() == "_io.BytesIO");
    CHECK(raises([&] { t.write(codecs::Str::from_utf8("abcdefgh")); }) ==
          "ValueError: underlying buffer has been detached");
  }
  SUBCASE("mode 'rb' spools in memory, then the rollover cannot write") {
    SpooledTemporaryFile f(tf, {.max_size = 5, .mode = "rb", .dir = "/tmp"});
    CHECK(raises([&] { f.write(bytes("abcdef")); }) == "UnsupportedOperation: write");
    CHECK(!f.rolled());
    CHECK(f.mode() == "rb");
    CHECK(str(f.binary().read()) == "");
  }
  SUBCASE("the TemporaryFile cannot be made: nothing changes") {
    SpooledTemporaryFile f(tf, {.max_size = 3, .dir = "/missing"});
    CHECK(raises([&] { f.write(bytes("abcd")); })
              .starts_with("FileNotFoundError: [Errno 2] No such file or directory: '/missing/tmp"));
    CHECK(!f.rolled());
    CHECK(f.file()->type_name() == "_io.BytesIO");
    CHECK(f.tell() == 4);
  }
  SUBCASE("bad arguments") {
    CHECK(raises([&] { SpooledTemporaryFile(tf, {.mode = "w", .encoding = "bogus"}); }) ==
          "LookupError: unknown encoding: bogus");
    SpooledTemporaryFile f(tf, {.max_size = 1, .mode = "zz", .dir = "/tmp"});  // text, in memory
    CHECK(raises([&] { f.write(codecs::Str::from_utf8("ab")); }) ==
          "ValueError: invalid mode: 'zz'");
  }
}
