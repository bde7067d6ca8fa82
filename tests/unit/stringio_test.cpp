// io.StringIO. Every expected value was printed by CPython 3.11.7, e.g.
//   io.StringIO('a\nb\r\nc\rd', newline='\r').getvalue() -> 'a\rb\r\rc\rd'
#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <vector>

#include "io/stringio.hpp"
#include "io_helpers.hpp"

using namespace bl;
using codecs::Str;
using iotest::raises;

namespace {

Str u8(std::string_view text) { return Str::from_utf8(text); }

std::vector<std::string> texts(const std::vector<Str>& lines) {
  std::vector<std::string> out;
  for (const Str& line : lines) out.push_back(line.to_utf8());
  return out;
}

}  // namespace

TEST_CASE("StringIO stores text after newline translation") {
  struct Case {
    std::optional<std::string> newline;
    std::string stored;
    io::Newlines newlines;
    std::vector<std::string> lines;
  };
  const io::Newlines all = {"\r", "\n", "\r\n"};
  const Case cases[] = {
      {std::nullopt, "a\nb\nc\nd", all, {"a\n", "b\n", "c\n", "d"}},
      {"", "a\nb\r\nc\rd", all, {"a\n", "b\r\n", "c\r", "d"}},
      {"\n", "a\nb\r\nc\rd", {}, {"a\n", "b\r\n", "c\rd"}},
      {"\r", "a\rb\r\rc\rd", {}, {"a\r", "b\r", "\r", "c\r", "d"}},
      {"\r\n", "a\r\nb\r\r\nc\rd", {}, {"a\r\n", "b\r\r\n", "c\rd"}},
  };
  for (const Case& c : cases) {
    CAPTURE(c.newline.value_or("None"));
    io::StringIO s(u8("a\nb\r\nc\rd"), c.newline);
    CHECK(s.getvalue().to_utf8() == c.stored);
    CHECK(s.tell() == 0);
    CHECK(s.newlines() == c.newlines);
    CHECK(texts(s.readlines()) == c.lines);
  }
  io::StringIO crlf(Str(), "\r\n");
  CHECK(crlf.write(u8("a\nb")) == 3);
  CHECK(crlf.tell() == 4);
  CHECK(raises([] { io::StringIO(Str(), "x"); }) == "ValueError: illegal newline value: 'x'");
}

TEST_CASE("StringIO reads, seeks past the end, pads and truncates") {
  io::StringIO s(u8("ab"));
  CHECK(s.seek(5) == 5);
  s.write(u8("Z"));
  CHECK(s.getvalue() == Str::from_code_points(std::u32string(U"ab\0\0\0Z", 6)));

  io::StringIO lines(u8("abc\ndef"));
  CHECK(lines.readline(2).to_utf8() == "ab");
  CHECK(lines.readline().to_utf8() == "c\n");
  CHECK(lines.readline(-1).to_utf8() == "def");
  CHECK(lines.read().empty());

  io::StringIO x(u8("x"));
  CHECK(x.truncate(2) == 2);
  CHECK(x.tell() == 0);
  io::StringIO abc(u8("abc"));
  CHECK(abc.truncate() == 0);  // None: the position
  CHECK(abc.getvalue().empty());
  CHECK(raises([&] { abc.truncate(-1); }) == "ValueError: Negative size value -1");
  CHECK(io::StringIO(u8("a\xe2\x82\xac" "b")).read(2) == u8("a\xe2\x82\xac"));

  CHECK(raises([&] { s.seek(1, 2); }) == "OSError: Can't do nonzero cur-relative seeks");
  CHECK(raises([&] { s.seek(0, 5); }) == "ValueError: Invalid whence (5, should be 0, 1 or 2)");
  CHECK(raises([&] { s.seek(-1); }) == "ValueError: Negative seek position -1");
  CHECK(raises([&] { s.detach(); }) == "UnsupportedOperation: detach");
}

TEST_CASE("a closed StringIO: its own methods without a period, IOBase's with one") {
  io::StringIO s(u8("ab"));
  s.close();
  const std::string own = "ValueError: I/O operation on closed file";
  CHECK(raises([&] { s.read(); }) == own);
  CHECK(raises([&] { s.readline(); }) == own);
  CHECK(raises([&] { s.write(u8("x")); }) == own);
  CHECK(raises([&] { s.tell(); }) == own);
  CHECK(raises([&] { s.getvalue(); }) == own);
  CHECK(raises([&] { s.next(); }) == own);
  CHECK(raises([&] { s.newlines(); }) == own);
  CHECK(raises([&] { s.isatty(); }) == own + ".");
  CHECK(raises([&] { s.iter(); }) == own + ".");
  CHECK(raises([&] { s.readlines(); }) == own + ".");
  CHECK(raises([&] { s.flush(); }).empty());
  CHECK(s.closed());
}
