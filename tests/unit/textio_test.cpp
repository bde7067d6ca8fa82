// TextIOWrapper and open() in text mode on both kernels. Every expected value was produced by
// CPython 3.11.7 here (strace for the syscalls), as in the reference §5 and §15:
//   f = open('f', 'w'); 1000 x f.write('line %04d\n'); f.close()
//   -> openat, fstat, ioctl(TCGETS), lseek(0,SEEK_CUR) (BufferedWriter),
//      lseek(0,SEEK_CUR) (TextIOWrapper asks where it starts, for the BOM), write(8190),
//      write(1810), close
#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

#include "io/bytesio.hpp"
#include "io/textio.hpp"
#include "io_helpers.hpp"

using namespace bl;
using codecs::Str;
using iotest::Calls;
using iotest::raises;
using iotest::Traced;

namespace {

std::shared_ptr<io::TextIOWrapper> open_text(os::Kernel& k, const std::string& path,
                                             io::OpenOptions options = {}) {
  auto f = std::dynamic_pointer_cast<io::TextIOWrapper>(io::open(k, path, std::move(options)));
  REQUIRE(f);
  return f;
}

os::Fd fd_of(io::IOBase& f) { return static_cast<os::Fd>(f.fileno()); }

Str u8(std::string_view text) { return Str::from_utf8(text); }
std::string text(const Str& s) { return s.to_utf8(); }

std::vector<std::string> texts(const std::vector<Str>& lines) {
  std::vector<std::string> out;
  for (const Str& line : lines) out.push_back(line.to_utf8());
  return out;
}

}  // namespace

// --- writing -----------------------------------------------------------------------------

TEST_CASE_TEMPLATE("text writes reach the buffer in 8192-byte chunks", F, BL_CONTRACT_KERNELS) {
  Traced<F> t;
  auto f = open_text(t.k, t.path("f"), {.mode = "w"});
  const os::Fd fd = fd_of(*f);
  for (int i = 0; i < 1000; ++i) {
    std::string number = std::to_string(i);
    CHECK(f->write(u8("line " + std::string(4 - number.size(), '0') + number + "\n")) == 10);
  }
  f->close();
  CHECK(t.take(fd) == Calls{"openat(O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC,0666)", "fstat()=0",
                            "ioctl(TCGETS)=-1 ENOTTY", "lseek(0,SEEK_CUR)=0",
                            "lseek(0,SEEK_CUR)=0", "write(8190)=8190", "write(1810)=1810",
                            "close()=0"});
}

TEST_CASE_TEMPLATE("line buffering flushes on '\\n' and on '\\r'", F, BL_CONTRACT_KERNELS) {
  Traced<F> t;
  auto f = open_text(t.k, t.path("f"), {.mode = "w", .buffering = 1});
  const os::Fd fd = fd_of(*f);
  CHECK(f->line_buffering());
  for (const char* piece : {"abc", "d\ne", "f\rg", "h"}) f->write(u8(piece));
  f->close();
  CHECK(t.take(fd) == Calls{"openat(O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC,0666)", "fstat()=0",
                            "lseek(0,SEEK_CUR)=0", "lseek(0,SEEK_CUR)=0", "write(6)=6",
                            "write(3)=3", "write(1)=1", "close()=0"});
  CHECK(t.contents("f") == "abcd\nef\rgh");
}

TEST_CASE_TEMPLATE("write_through hands each write to a buffer that still buffers", F,
                   BL_CONTRACT_KERNELS) {
  // io.TextIOWrapper(open('f','wb'), write_through=True); write('abc'); write('def'); close()
  Traced<F> t;
  auto buffer = std::dynamic_pointer_cast<io::BinaryIOBase>(io::open(t.k, t.path("f"), {.mode = "wb"}));
  const os::Fd fd = fd_of(*buffer);
  t.clear();
  io::TextIOWrapper f(buffer, {.encoding = "utf-8", .write_through = true});
  f.write(u8("abc"));
  f.write(u8("def"));
  f.close();
  CHECK(t.take(fd) == Calls{"lseek(0,SEEK_CUR)=0", "write(6)=6", "close()=0"});
}

// --- reading -----------------------------------------------------------------------------

TEST_CASE_TEMPLATE("text reads: read1 of 8192 or of the characters asked for", F,
                   BL_CONTRACT_KERNELS) {
  Traced<F> t;
  std::string ascii;
  for (int i = 0; ascii.size() < 100000; ++i) {
    std::string number = std::to_string(i);
    ascii += std::string(5 - number.size(), '0') + number + "\n";
  }
  ascii.resize(100000);
  auto f = open_text(t.k, t.put("f", ascii));
  const os::Fd fd = fd_of(*f);
  t.clear();
  CHECK(f->read(10).size() == 10);
  CHECK(f->read(100).size() == 100);
  CHECK(f->read(20000).size() == 20000);
  CHECK(f->read(5).size() == 5);
  CHECK(f->tell() == 20115);
  CHECK(t.take(fd) == Calls{"read(8192)=8192", "read(11918)=11918", "read(8192)=8192",
                            "lseek(0,SEEK_CUR)=28302"});

  // Two bytes per character: the read size scales with the ratio of the last chunk.
  std::string accents;
  for (int i = 0; i < 30000; ++i) accents += "\xc3\xa9";
  auto g = open_text(t.k, t.put("g", accents));
  const os::Fd gd = fd_of(*g);
  t.clear();
  CHECK(g->read(10).size() == 10);
  CHECK(g->read(9000).size() == 9000);
  CHECK(g->read(9000).size() == 9000);
  CHECK(g->tell() == 36020);
  CHECK(t.take(gd) == Calls{"read(8192)=8192", "read(9828)=9828", "read(18000)=18000",
                            "lseek(0,SEEK_CUR)=36020"});
}

TEST_CASE_TEMPLATE("the five newline settings on read and write", F, BL_CONTRACT_KERNELS) {
  Traced<F> t;
  const std::string p = t.put("g", "a\nb\rc\r\nd\r");
  struct Case {
    std::optional<std::string> newline;
    std::vector<std::string> lines;
    std::string read;
    io::Newlines newlines;
    std::string written;  // of write('a\nb\rc\r\nd')
  };
  const io::Newlines all = {"\r", "\n", "\r\n"};
  const Case cases[] = {
      {std::nullopt, {"a\n", "b\n", "c\n", "d\n"}, "a\nb\nc\nd\n", all, "a\nb\rc\r\nd"},
      {"", {"a\n", "b\r", "c\r\n", "d\r"}, "a\nb\rc\r\nd\r", all, "a\nb\rc\r\nd"},
      {"\n", {"a\n", "b\rc\r\n", "d\r"}, "a\nb\rc\r\nd\r", {}, "a\nb\rc\r\nd"},
      {"\r", {"a\nb\r", "c\r", "\nd\r"}, "a\nb\rc\r\nd\r", {}, "a\rb\rc\r\rd"},
      {"\r\n", {"a\nb\rc\r\n", "d\r"}, "a\nb\rc\r\nd\r", {}, "a\r\nb\rc\r\r\nd"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.newline.value_or("None"));
    auto f = open_text(t.k, p, {.newline = c.newline});
    CHECK(f->newlines().empty());
    CHECK(texts(f->readlines()) == c.lines);
    CHECK(f->newlines() == c.newlines);
    f->close();
    CHECK(text(open_text(t.k, p, {.newline = c.newline})->read()) == c.read);
    auto w = open_text(t.k, t.path("w"), {.mode = "w", .newline = c.newline});
    CHECK(w->write(u8("a\nb\rc\r\nd")) == 8);
    w->close();
    CHECK(t.contents("w") == c.written);
  }
  CHECK(io::repr(io::Newlines{"\r", "\n", "\r\n"}) == R"(('\r', '\n', '\r\n'))");
  CHECK(io::repr(io::Newlines{"\n"}) == R"('\n')");
  CHECK(io::repr(io::Newlines{}) == "None");
}

// --- positions ---------------------------------------------------------------------------

TEST_CASE_TEMPLATE("tell() returns CPython's cookie and seek() restores it", F,
                   BL_CONTRACT_KERNELS) {
  // open('c1', newline=None) over b'a\rb': readline() -> 'a\n'; tell() ->
  // 340282367000166625996085689099021713410 (position 2, dec_flags 1, bytes_to_feed 1,
  // chars_to_skip 1); seek(cookie); read() -> 'b'
  Traced<F> t;
  auto f = open_text(t.k, t.put("c1", "a\rb"));
  CHECK(text(f->readline()) == "a\n");
  io::TextCookie cookie = f->tell_cookie();
  CHECK(cookie == io::TextCookie{.position = 2, .dec_flags = 1, .bytes_to_feed = 1,
                                 .chars_to_skip = 1});
  CHECK(cookie.to_decimal() == "340282367000166625996085689099021713410");
  CHECK(io::TextCookie::from_decimal("340282367000166625996085689099021713410") == cookie);
  f->seek_cookie(cookie);
  CHECK(text(f->read()) == "b");
  // seek(5 << 64 | 7): flags 5 = pending '\r' over a decoder with flags 2.
  f->seek_cookie(io::TextCookie::from_decimal("92233720368547758087"));
  CHECK(text(f->read()) == "\n");
  CHECK(raises([] { io::TextCookie::from_decimal(std::string(60, '9')); }) ==
        "OverflowError: int too big to convert");
  CHECK(raises([&] { f->seek(-1); }) == "ValueError: negative seek position -1");
  CHECK(raises([&] { f->seek(1, 1); }) ==
        "UnsupportedOperation: can't do nonzero cur-relative seeks");
  CHECK(raises([&] { f->seek(1, 2); }) ==
        "UnsupportedOperation: can't do nonzero end-relative seeks");
  CHECK(raises([&] { f->seek(0, 3); }) == "ValueError: invalid whence (3, should be 0, 1 or 2)");

  // Iteration turns tell() off until the end.
  auto g = open_text(t.k, t.put("lines", "x\ny\n"));
  CHECK(text(g->next()) == "x\n");
  CHECK(raises([&] { g->tell(); }) == "OSError: telling position disabled by next() call");
}

TEST_CASE_TEMPLATE("a BOM is written at position 0 only", F, BL_CONTRACT_KERNELS) {
  Traced<F> t;
  auto f = open_text(t.k, t.path("w"), {.mode = "w", .encoding = "utf-16"});
  CHECK(f->repr() == "<_io.TextIOWrapper name='" + t.path("w") + "' mode='w' encoding='utf-16'>");
  f->write(u8("ab"));
  f->seek(0);
  f->write(u8("Z"));
  f->close();
  CHECK(t.contents("w") == std::string("\xff\xfeZ\0b\0", 6));

  f = open_text(t.k, t.path("w"), {.mode = "w", .encoding = "utf-16"});
  f->write(u8("ab"));
  CHECK(f->tell() == 6);
  f->seek(f->tell());
  f->write(u8("c"));
  f->close();
  f = open_text(t.k, t.path("w"), {.mode = "a", .encoding = "utf-16"});
  f->write(u8("d"));
  f->close();
  CHECK(t.contents("w") == std::string("\xff\xfe" "a\0b\0c\0d\0", 10));
}

TEST_CASE_TEMPLATE("truncate() cuts at the buffer's position, not the text's", F,
                   BL_CONTRACT_KERNELS) {
  // §5.9: on 'r+', read(5); truncate() -> ftruncate(fd, 8192) while tell() says 5
  Traced<F> t;
  auto f = open_text(t.k, t.put("f", iotest::digits(20000)), {.mode = "r+"});
  const os::Fd fd = fd_of(*f);
  t.clear();
  CHECK(text(f->read(5)) == "01234");
  CHECK(f->truncate() == 8192);
  const std::string at_8192 = "lseek(0,SEEK_CUR)=8192";
  CHECK(t.take(fd) ==
        Calls{"read(8192)=8192", at_8192, at_8192, at_8192, "ftruncate(8192)=0", at_8192});
  CHECK(f->tell() == 5);
  CHECK(t.take(fd) == Calls{at_8192, at_8192});  // buffer.flush(), buffer.tell()
}

// --- reconfigure, errors, reprs ----------------------------------------------------------

TEST_CASE_TEMPLATE("reconfigure() is refused while decoded text is held", F, BL_CONTRACT_KERNELS) {
  Traced<F> t;
  auto f = open_text(t.k, t.put("g", "a\nb\rc\r\nd\r"), {.encoding = "latin-1"});
  f->read(2);
  CHECK(raises([&] { f->reconfigure({.errors = "ignore"}); }) ==
        "UnsupportedOperation: It is not possible to set the encoding or newline of stream "
        "after the first read");
  f->reconfigure({.line_buffering = true});
  CHECK(f->line_buffering());
  CHECK(text(f->read()) == "b\nc\nd\n");
  CHECK(f->tell() == 9);
  f->reconfigure({.encoding = "ascii"});  // read() to the end dropped the decoded text
  CHECK(f->encoding() == "ascii");
  CHECK(f->errors() == "strict");
}

TEST_CASE_TEMPLATE("decode and encode errors, and error handlers", F, BL_CONTRACT_KERNELS) {
  Traced<F> t;
  const std::string p = t.put("h", "a\xff" "b");
  CHECK(raises([&] { open_text(t.k, p)->read(); }) ==
        "UnicodeDecodeError: 'utf-8' codec can't decode byte 0xff in position 1: invalid start "
        "byte");
  CHECK(text(open_text(t.k, p, {.errors = "replace"})->read()) == "a\xef\xbf\xbd" "b");
  CHECK(open_text(t.k, p, {.errors = "surrogateescape"})->read() ==
        Str::from_code_points(U"a\xDCFF" "b"));
  auto w = open_text(t.k, t.path("w"), {.mode = "w", .encoding = "ascii"});
  CHECK(raises([&] { w->write(u8("\xc3\xa9")); }) ==
        "UnicodeEncodeError: 'ascii' codec can't encode character '\\xe9' in position 0: "
        "ordinal not in range(128)");
  w = open_text(t.k, t.path("w"), {.mode = "w", .encoding = "ascii", .errors = "backslashreplace"});
  w->write(u8("\xc3\xa9"));
  w->close();
  CHECK(t.contents("w") == "\\xe9");
  CHECK(raises([&] { open_text(t.k, p, {.encoding = "bogus"}); }) ==
        "LookupError: unknown encoding: bogus");
  CHECK(raises([&] { open_text(t.k, p, {.encoding = "rot13"}); }) ==
        "LookupError: 'rot13' is not a text encoding; use codecs.open() to handle arbitrary "
        "codecs");
  CHECK(raises([&] { open_text(t.k, p, {.newline = "x"}); }) ==
        "ValueError: illegal newline value: x");
  CHECK(raises([&] { open_text(t.k, p, {.buffering = 0}); }) ==
        "ValueError: can't have unbuffered text I/O");
}

TEST_CASE("TextIOWrapper over a BytesIO: the locale's encoding, no name") {
  auto f = std::make_shared<io::TextIOWrapper>(std::make_shared<io::BytesIO>(buffer::Bytes::from("xy")));
  CHECK(f->repr() == "<_io.TextIOWrapper encoding='UTF-8'>");
  CHECK(f->encoding() == "UTF-8");
  CHECK(f->errors() == "strict");
  CHECK(f->newlines().empty());
  CHECK_FALSE(f->line_buffering());
  CHECK(text(f->read()) == "xy");
  auto buffer = f->detach();
  CHECK(raises([&] { f->read(); }) == "ValueError: underlying buffer has been detached");
}

TEST_CASE("IncrementalNewlineDecoder holds back '\\r' and records the line endings") {
  // d = io.IncrementalNewlineDecoder(codecs.getincrementaldecoder('utf-8')(), translate=True)
  io::IncrementalNewlineDecoder d(codecs::lookup("utf-8").incremental_decoder("strict"), true);
  auto feed = [&](std::string_view bytes, bool final = false) {
    return text(d.decode(iotest::bytes(bytes), final));
  };
  CHECK(feed("a\r") == "a");
  CHECK(d.getstate() == codecs::DecoderState{buffer::Bytes(), 1});
  CHECK(d.newlines().empty());
  CHECK(feed("\nb\xe2\x82") == "\nb");
  CHECK(d.getstate() == codecs::DecoderState{buffer::Bytes::from("\xe2\x82"), 0});
  CHECK(d.newlines() == io::Newlines{"\r\n"});
  CHECK(feed("\xac\rc\n") == "\xe2\x82\xac\nc\n");
  CHECK(d.newlines() == io::Newlines{"\r", "\n", "\r\n"});
  CHECK(feed("", true).empty());
  d.setstate({buffer::Bytes::from("\xe2"), 3});  // pending '\r' over a decoder holding 0xE2
  CHECK(feed("\x82\xac", true) == "\n\xe2\x82\xac");

  // decoder=None, translate=False: str in, str out; bytes are refused.
  io::IncrementalNewlineDecoder none(nullptr, false);
  CHECK(text(none.decode_text(u8("x\r"))) == "x");
  CHECK(text(none.decode_text(Str(), true)) == "\r");
  CHECK(none.newlines() == io::Newlines{"\r"});
  CHECK(raises([&] { none.decode(iotest::bytes("x")); }) ==
        "TypeError: decoder should return a string result, not 'bytes'");
}
