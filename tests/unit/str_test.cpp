// bl::codecs::Str, Python's str. Expected reprs were printed by CPython 3.11.
#include <doctest/doctest.h>

#include <stdexcept>

#include "codecs/str.hpp"

using bl::codecs::Str;
using namespace std::literals;

TEST_CASE("Str: narrow while every code point is below 256, wide otherwise") {
  Str ascii = Str::from_utf8("abc");
  CHECK(ascii.is_narrow());
  CHECK(ascii.is_ascii());
  Str latin = Str::from_utf8("caf\xc3\xa9");
  CHECK(latin.is_narrow());
  CHECK_FALSE(latin.is_ascii());
  CHECK(latin.size() == 4);
  CHECK(latin[3] == 0xE9);
  Str euro = Str::from_utf8("\xe2\x82\xac!");
  CHECK_FALSE(euro.is_narrow());
  CHECK(euro.size() == 2);
  CHECK(euro.max_char() == 0x20AC);

  // Appending a wide string widens; the value is what counts for equality.
  Str joined = ascii + euro;
  CHECK(joined == Str::from_utf8("abc\xe2\x82\xac!"));
  CHECK(Str::from_code_points(U"abc") == ascii);
  CHECK(Str::from_code_points(U"abc").is_narrow());
  Str filled = Str::wide_of_size(2);
  filled.wide_data()[0] = 'a';
  filled.wide_data()[1] = 'b';
  CHECK(filled == Str::from_utf8("ab"));
  CHECK(filled.find(Str::from_utf8("b")) == 1);
  CHECK(Str::from_utf8("ab").find(filled) == 0);
}

TEST_CASE("Str: lone surrogates are code points") {
  Str s = Str::from_code_points(U"a\xDC80");
  CHECK(s.size() == 2);
  CHECK(s.to_utf8() == "a\xed\xb2\x80");
  CHECK(Str::from_utf8("a\xed\xb2\x80") == s);
  CHECK_THROWS_AS(Str::from_utf8("\xff"), std::invalid_argument);
  CHECK_THROWS_AS(Str::from_utf8("\xc0\x80"), std::invalid_argument);
}

TEST_CASE("Str: slicing, finding, overwriting and replacing") {
  Str s = Str::from_utf8("a\nb\r\nc");
  CHECK(s.slice(2, 100) == Str::from_utf8("b\r\nc"));
  CHECK(s.slice(5, 2).empty());
  CHECK(s.find(U'\n') == 1);
  CHECK(s.find(U'\n', 2) == 4);
  CHECK(s.find(U'\x20AC') == Str::npos);
  CHECK(s.find(Str::from_utf8("\r\n")) == 3);
  CHECK(s.replace(U'\n', Str::from_utf8("\r\n")) == Str::from_utf8("a\r\nb\r\r\nc"));

  Str buffer = Str::from_utf8("hello");
  buffer.overwrite(3, Str::from_utf8("\xe2\x82\xac\xe2\x82\xac!"));
  CHECK(buffer == Str::from_utf8("hel\xe2\x82\xac\xe2\x82\xac!"));
  buffer.resize(9);
  CHECK(buffer[8] == 0);
  CHECK(buffer.size() == 9);
}

TEST_CASE("Str: repr chooses quotes and escapes as CPython does") {
  CHECK(Str::from_utf8("it's").repr() == R"("it's")");
  CHECK(Str::from_utf8("say \"hi\"").repr() == R"('say "hi"')");
  CHECK(Str::from_utf8("both ' and \"").repr() == R"('both \' and "')");
  CHECK(Str::from_code_points(U"a\tb\nc\rd\x00\x7f\x80\xa0\xe9"sv).repr() ==
        "'a\\tb\\nc\\rd\\x00\\x7f\\x80\\xa0\xc3\xa9'");
  CHECK(Str::from_code_points(U"\x2028\x20AC\U0001F600\xDCFF\U000E0001").repr() ==
        "'\\u2028\xe2\x82\xac\xf0\x9f\x98\x80\\udcff\\U000e0001'");
  CHECK(Str::from_utf8("\\").repr() == R"('\\')");
  CHECK(bl::codecs::escape_code_point(0xE9) == "\\xe9");
  CHECK(bl::codecs::escape_code_point(0x20AC) == "\\u20ac");
  CHECK(bl::codecs::escape_code_point(0x1F600) == "\\U0001f600");
}
