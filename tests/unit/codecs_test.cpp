// bl::codecs: the registry, the codecs and their error handlers. Every expected value was
// printed by CPython 3.11 (`b'...'.decode(...)`, `'...'.encode(...)`, `codecs.lookup(...)`,
// `codecs.getincrementaldecoder(...)`). tests/differential/codecs_diff.py compares many more
// random cases with CPython.
#include <doctest/doctest.h>

#include <string>

#include "codecs/codec.hpp"

namespace codecs = bl::codecs;
using bl::buffer::Bytes;
using bl::codecs::Str;
using namespace std::literals;

namespace {

Bytes b(std::string_view s) { return Bytes::from(s); }
Str u(std::u32string_view s) { return Str::from_code_points(s); }

Str dec(std::string_view data, std::string_view encoding, std::string_view errors = "strict") {
  return codecs::decode(b(data).span(), encoding, errors);
}
std::string enc(std::u32string_view text, std::string_view encoding,
                std::string_view errors = "strict") {
  return std::string(codecs::encode(u(text), encoding, errors).view());
}

// "Type: message" of what `f` throws, "" if nothing.
template <class F>
std::string error_of(F f) {
  try {
    f();
  } catch (const bl::Exception& e) {
    return std::string(e.type_name()) + ": " + e.what();
  }
  return "";
}

std::string dec_error(std::string_view data, std::string_view encoding,
                      std::string_view errors = "strict") {
  return error_of([&] { dec(data, encoding, errors); });
}
std::string enc_error(std::u32string_view text, std::string_view encoding,
                      std::string_view errors = "strict") {
  return error_of([&] { enc(text, encoding, errors); });
}

}  // namespace

TEST_CASE("codecs: lookup normalizes names as codecs.lookup does") {
  struct Case {
    std::string_view spelling, name;
  };
  const Case cases[] = {{"UTF8", "utf-8"},
                        {"utf_8", "utf-8"},
                        {"U8", "utf-8"},
                        {"utf", "utf-8"},
                        {" utf-8 ", "utf-8"},
                        {"utf8 ", "utf-8"},
                        {"UTF--8", "utf-8"},
                        {"utf\t8", "utf-8"},
                        {"utf\xc3\xa9-8", "utf-8"},
                        {"cp65001", "utf-8"},
                        {"__utf_8__", "utf-8"},
                        {"Utf-8-Sig", "utf-8-sig"},
                        {"u16", "utf-16"},
                        {"UTF-16LE", "utf-16-le"},
                        {"unicodebigunmarked", "utf-16-be"},
                        {"u32", "utf-32"},
                        {"utf_32le", "utf-32-le"},
                        {"latin1", "iso8859-1"},
                        {"iso-8859-1", "iso8859-1"},
                        {"l1", "iso8859-1"},
                        {"latin", "iso8859-1"},
                        {"iso_8859_1:1987", "iso8859-1"},
                        {"8859", "iso8859-1"},
                        {"us-ascii", "ascii"},
                        {"646", "ascii"},
                        {"ANSI_X3.4-1968", "ascii"},
                        {"iso_646.irv:1991", "ascii"},
                        {"windows-1252", "cp1252"},
                        {"1252", "cp1252"}};
  for (const Case& c : cases) {
    CAPTURE(c.spelling);
    CHECK(codecs::lookup(c.spelling).name == c.name);
    CHECK(codecs::lookup(c.spelling).is_text_encoding);
  }
  // Dots survive normalization; only an alias may be found with them made underscores.
  for (std::string_view bad : {"utf.8", "latin.1", "utf-8.", "utf8sig", "", "_", "bogus"}) {
    CAPTURE(bad);
    CHECK(error_of([&] { codecs::lookup(bad); }) ==
          "LookupError: unknown encoding: " + std::string(bad));
  }
  CHECK(error_of([] { codecs::lookup("  Bo Gus "); }) ==
        "LookupError: unknown encoding:   Bo Gus ");
  CHECK(error_of([] { codecs::lookup("utf\0008"sv); }) == "ValueError: embedded null character");
}

TEST_CASE("codecs: bytes-to-bytes codecs are known but are not text encodings") {
  CHECK(codecs::lookup("rot13").name == "rot-13");
  CHECK_FALSE(codecs::lookup("rot_13").is_text_encoding);
  CHECK(codecs::lookup("base64_codec").name == "base64");
  CHECK(codecs::lookup("zip").name == "zlib");
  CHECK(codecs::lookup("quoted-printable").name == "quopri");
  CHECK(error_of([] { codecs::lookup_text_encoding("rot_13", "codecs.open()"); }) ==
        "LookupError: 'rot_13' is not a text encoding; use codecs.open() to handle arbitrary "
        "codecs");
  CHECK(dec_error("a", "Rot13") ==
        "LookupError: 'Rot13' is not a text encoding; use codecs.decode() to handle arbitrary "
        "codecs");
  CHECK(enc_error(U"a", "hex") ==
        "LookupError: 'hex' is not a text encoding; use codecs.encode() to handle arbitrary "
        "codecs");
}

TEST_CASE("codecs: error handler names are checked only when an error happens") {
  CHECK(dec("a", "ascii", "bogus") == u(U"a"));
  CHECK(dec_error("a\xe9", "ascii", "bogus") == "LookupError: unknown error handler name 'bogus'");
  CHECK(dec_error("a\xe9", "ascii", "Strict") ==
        "LookupError: unknown error handler name 'Strict'");
  CHECK(enc(U"\xe9", "utf-8", "bogus") == "\xc3\xa9");
  CHECK(enc_error(U"\xd800", "utf-8", "bogus") ==
        "LookupError: unknown error handler name 'bogus'");
  // Through the registry (any spelling str.encode has no shortcut for), such errors name the
  // codec.
  CHECK(dec_error("\xff\xfe\xff", "U8", "bogus") ==
        "LookupError: decoding with 'U8' codec failed (LookupError: unknown error handler name "
        "'bogus')");
  CHECK(enc_error(U"\xd800", "utf-8-sig", "bogus") ==
        "LookupError: encoding with 'utf-8-sig' codec failed (LookupError: unknown error "
        "handler name 'bogus')");
  // Decoding has nothing for xmlcharrefreplace to refer to.
  CHECK(dec_error("a\xe9", "ascii", "xmlcharrefreplace") ==
        "TypeError: don't know how to handle UnicodeDecodeError in error callback");
  CHECK(dec_error("a\xe9", "cp1252", "namereplace") == "");
  CHECK(dec_error("a\x81", "cp1252", "namereplace") ==
        "TypeError: decoding with 'cp1252' codec failed (TypeError: don't know how to handle "
        "UnicodeDecodeError in error callback)");
}

TEST_CASE("codecs: utf-8 decode errors have CPython's ranges and messages") {
  CHECK(dec_error("abc\xff", "utf-8") ==
        "UnicodeDecodeError: 'utf-8' codec can't decode byte 0xff in position 3: invalid start "
        "byte");
  CHECK(dec_error("\xe2\x28\xa1", "utf-8") ==
        "UnicodeDecodeError: 'utf-8' codec can't decode byte 0xe2 in position 0: invalid "
        "continuation byte");
  CHECK(dec_error("\xe2\x82\x28", "utf-8") ==
        "UnicodeDecodeError: 'utf-8' codec can't decode bytes in position 0-1: invalid "
        "continuation byte");
  CHECK(dec_error("\xf0\x90\x80\x28", "utf-8") ==
        "UnicodeDecodeError: 'utf-8' codec can't decode bytes in position 0-2: invalid "
        "continuation byte");
  CHECK(dec_error("\xf0\x90\x80", "utf-8") ==
        "UnicodeDecodeError: 'utf-8' codec can't decode bytes in position 0-2: unexpected end "
        "of data");
  // How many U+FFFD one malformed sequence becomes.
  CHECK(dec("\xf0\x90\x80"s + "A", "utf-8", "replace") == u(U"\xfffd"s + U"A"));
  CHECK(dec("\xe0\x80"s + "A", "utf-8", "replace") == u(U"\xfffd\xfffd"s + U"A"));
  CHECK(dec("\xed\xa0\x80", "utf-8", "replace") == u(U"\xfffd\xfffd\xfffd"));
  CHECK(dec("\xf4\x90\x80\x80", "utf-8", "replace") == u(U"\xfffd\xfffd\xfffd\xfffd"));
  CHECK(dec("\xc0\xaf", "utf-8", "replace") == u(U"\xfffd\xfffd"));
  CHECK(dec("\xe2\x82"s + "A", "utf-8", "replace") == u(U"\xfffd"s + U"A"));
  CHECK(dec("a\xff\xe2\x82", "utf-8", "surrogateescape") == u(U"a\xdcff\xdce2\xdc82"));
  CHECK(dec("a\xff\xe2\x82", "utf-8", "backslashreplace") == u(U"a\\xff\\xe2\\x82"));
  CHECK(dec("a\xff\xe2\x82", "utf-8", "ignore") == u(U"a"));
  CHECK(dec("\xed\xa0\x80\xed\xb0\x80", "utf-8", "surrogatepass") == u(U"\xd800\xdc00"));
}

TEST_CASE("codecs: utf-8 decoding picks the narrow form when it can") {
  Str ascii = dec("hello", "utf-8");
  CHECK(ascii.is_narrow());
  Str latin = dec("caf\xc3\xa9", "utf-8");
  CHECK(latin.is_narrow());
  CHECK(latin == u(U"caf\xe9"));
  Str wide = dec("\xe2\x82\xac\xf0\x9f\x98\x80", "utf-8");
  CHECK(wide == u(U"\x20ac\x1f600"));
  std::string long_text(1000, 'x');
  long_text += "\xc3\xa9";
  CHECK(dec(long_text, "utf-8").size() == 1001);
}

TEST_CASE("codecs: utf-8 encoding and surrogates") {
  CHECK(enc(U"\xe9\x20ac\x1f600", "utf-8") == "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
  CHECK(enc(U"abc", "utf-8") == "abc");
  // A run of surrogates is one error.
  CHECK(enc_error(U"ab\xd800\xd801"s + U"c", "utf-8") ==
        "UnicodeEncodeError: 'utf-8' codec can't encode characters in position 2-3: surrogates "
        "not allowed");
  CHECK(enc(U"ab\xd800\xd801"s + U"c", "utf-8", "replace") == "ab??c");
  CHECK(enc(U"ab\xd800\xd801"s + U"c", "utf-8", "xmlcharrefreplace") == "ab&#55296;&#55297;c");
  CHECK(enc(U"ab\xd800\xd801"s + U"c", "utf-8", "backslashreplace") == "ab\\ud800\\ud801c");
  CHECK(enc(U"a\xd800\xdfff\xd83d", "utf-8", "surrogatepass") ==
        "a\xed\xa0\x80\xed\xbf\xbf\xed\xa0\xbd");
  CHECK(enc(U"a\xdcff\xdc80", "utf-8", "surrogateescape") == "a\xff\x80");
  // surrogateescape writes what it can; the error is the rest of the run.
  CHECK(enc_error(U"a\xdc80\xd800\xdc81", "utf-8", "surrogateescape") ==
        "UnicodeEncodeError: 'utf-8' codec can't encode characters in position 2-3: surrogates "
        "not allowed");
  CHECK(enc(U"a\xd800", "utf-8", "namereplace") == "a\\ud800");
}

TEST_CASE("codecs: utf-8-sig") {
  CHECK(dec("\xef\xbb\xbf"s + "ab", "utf-8-sig") == u(U"ab"));
  CHECK(dec("ab", "utf-8-sig") == u(U"ab"));
  CHECK(enc(U"ab", "utf-8-sig") == "\xef\xbb\xbf"s + "ab");
  // Positions count from after the BOM.
  CHECK(dec_error("\xef\xbb\xbf\xff", "utf-8-sig") ==
        "UnicodeDecodeError: 'utf-8' codec can't decode byte 0xff in position 0: invalid start "
        "byte");
}

TEST_CASE("codecs: utf-16 and utf-32") {
  CHECK(enc(U"a\x20ac\x1f600", "utf-16") == "\xff\xfe"s + "a\x00\xac\x20\x3d\xd8\x00\xde"s);
  CHECK(enc(U"a\x20ac\x1f600", "utf-16-be") == "\x00"s + "a\x20\xac\xd8\x3d\xde\x00"s);
  CHECK(enc(U"a\x1f600", "utf-32") == "\xff\xfe\x00\x00"s + "a\x00\x00\x00\x00\xf6\x01\x00"s);
  CHECK(dec("\xfe\xff\x00"s + "a\xd8\x3d\xde\x00"s, "utf-16") == u(U"a\x1f600"));
  CHECK(dec("a\x00"s + "b\x00"s, "utf-16") == u(U"ab"));  // no BOM: little-endian
  CHECK(dec("a\x00\x00\xdc"s + "b\x00"s, "utf-16-le", "replace") == u(U"a\xfffd"s + U"b"));
  CHECK(dec("\x00\xd8"s + "a\x00"s, "utf-16-le", "replace") == u(U"\xfffd"s + U"a"));
  CHECK(dec("\x00\xd8"s + "a\x00"s, "utf-16-le", "surrogatepass") == u(U"\xd800"s + U"a"));
  CHECK(dec_error("a\x00"s + "b"s, "utf-16-le") ==
        "UnicodeDecodeError: 'utf-16-le' codec can't decode byte 0x62 in position 2: truncated "
        "data");
  CHECK(dec_error("\x00\xd8"s, "utf-16") ==
        "UnicodeDecodeError: 'utf-16-le' codec can't decode bytes in position 0-1: unexpected "
        "end of data");
  CHECK(dec_error("\xfe\xff\xd8\x00"s, "utf-16") ==
        "UnicodeDecodeError: 'utf-16-be' codec can't decode bytes in position 2-3: unexpected "
        "end of data");
  CHECK(dec_error("\x00\xd8"s + "A\x00"s, "utf-16-le") ==
        "UnicodeDecodeError: 'utf-16-le' codec can't decode bytes in position 0-1: illegal "
        "UTF-16 surrogate");
  CHECK(dec_error("\x00\xdc"s, "utf-16-le") ==
        "UnicodeDecodeError: 'utf-16-le' codec can't decode bytes in position 0-1: illegal "
        "encoding");
  CHECK(enc_error(U"a\xd800", "utf-16") ==
        "UnicodeEncodeError: 'utf-16' codec can't encode character '\\ud800' in position 1: "
        "surrogates not allowed");
  CHECK(enc(U"a\xd800", "utf-16", "surrogatepass") == "\xff\xfe"s + "a\x00\x00\xd8"s);
  CHECK(enc(U"a\xd800", "utf-16-be", "surrogatepass") == "\x00"s + "a\xd8\x00"s);
  CHECK(enc(U"\xd800", "utf-16-le", "replace") == "?\x00"s);
  // surrogateescape gives one byte, not a whole code unit: still an error.
  CHECK(enc_error(U"a\xdc80", "utf-16", "surrogateescape") ==
        "UnicodeEncodeError: 'utf-16' codec can't encode character '\\udc80' in position 1: "
        "surrogates not allowed");
  CHECK(dec("\x00\x00\x11\x00"s + "a\x00\x00\x00"s, "utf-32-le", "replace") ==
        u(U"\xfffd"s + U"a"));
  CHECK(dec_error("\x00\x00\x11\x00"s, "utf-32-le") ==
        "UnicodeDecodeError: 'utf-32-le' codec can't decode bytes in position 0-3: code point "
        "not in range(0x110000)");
  CHECK(dec_error("\x00\x00\xd8\x00"s, "utf-32-be") ==
        "UnicodeDecodeError: 'utf-32-be' codec can't decode bytes in position 0-3: code point "
        "in surrogate code point range(0xd800, 0xe000)");
  CHECK(dec_error("a\x00\x00\x00"s + "b\x00"s, "utf-32") ==
        "UnicodeDecodeError: 'utf-32-le' codec can't decode bytes in position 4-5: truncated "
        "data");
  CHECK(dec("\x00\xd8\x00\x00"s, "utf-32-le", "surrogatepass") == u(U"\xd800"));
}

TEST_CASE("codecs: latin-1, ascii and cp1252") {
  CHECK(dec("a\xe9\xff", "latin-1") == u(U"a\xe9\xff"));
  CHECK(enc(U"a\xe9", "latin-1") == "a\xe9");
  CHECK(enc_error(U"a\xe9\x20ac", "latin-1") ==
        "UnicodeEncodeError: 'latin-1' codec can't encode character '\\u20ac' in position 2: "
        "ordinal not in range(256)");
  CHECK(enc_error(U"a\x20ac\x20ac\xe9", "latin-1") ==
        "UnicodeEncodeError: 'latin-1' codec can't encode characters in position 1-2: ordinal "
        "not in range(256)");
  CHECK(enc(U"a\x20ac\x1f600\xe9", "latin-1", "xmlcharrefreplace") == "a&#8364;&#128512;\xe9");
  CHECK(enc_error(U"\xdce9\x20ac", "latin-1", "surrogateescape") ==
        "UnicodeEncodeError: 'latin-1' codec can't encode character '\\u20ac' in position 1: "
        "ordinal not in range(256)");
  CHECK(enc_error(U"a\xd800", "latin-1", "surrogatepass") ==
        "UnicodeEncodeError: 'latin-1' codec can't encode character '\\ud800' in position 1: "
        "ordinal not in range(256)");
  CHECK(dec_error("a\xe9", "ascii") ==
        "UnicodeDecodeError: 'ascii' codec can't decode byte 0xe9 in position 1: ordinal not in "
        "range(128)");
  CHECK(dec("a\xe9\xff", "ascii", "replace") == u(U"a\xfffd\xfffd"));
  CHECK(enc_error(U"a\xe9\xe9", "ascii") ==
        "UnicodeEncodeError: 'ascii' codec can't encode characters in position 1-2: ordinal not "
        "in range(128)");
  CHECK(enc(U"a\x80\xe000", "ascii", "namereplace") == "a\\x80\\ue000");
  CHECK(dec("\x80\x9f"s + "a\xe9", "cp1252") == u(U"\x20ac\x0178"s + U"a\xe9"));
  CHECK(dec_error("a\x81", "cp1252") ==
        "UnicodeDecodeError: 'charmap' codec can't decode byte 0x81 in position 1: character "
        "maps to <undefined>");
  CHECK(dec("a\x81\x8d\x8f\x90\x9d", "cp1252", "surrogateescape") ==
        u(U"a\xdc81\xdc8d\xdc8f\xdc90\xdc9d"));
  CHECK(enc(U"\x20ac\x0178\xe9", "cp1252") == "\x80\x9f\xe9");
  CHECK(enc_error(U"a\x81"s + U"b", "cp1252") ==
        "UnicodeEncodeError: 'charmap' codec can't encode character '\\x81' in position 1: "
        "character maps to <undefined>");
  CHECK(enc(U"a\x81\x1f600"s + U"b", "cp1252", "backslashreplace") == "a\\x81\\U0001f600b");
  CHECK(enc(U"\xdc81", "cp1252", "surrogateescape") == "\x81");
}

TEST_CASE("codecs: the utf-8 incremental decoder holds back an incomplete sequence") {
  auto d = codecs::lookup("utf-8").incremental_decoder("strict");
  CHECK(d->decode(b("a\xf0\x9f").span()) == u(U"a"));
  CHECK(d->getstate() == codecs::DecoderState{b("\xf0\x9f"), 0});
  CHECK(d->decode(b("\x98").span()).empty());
  CHECK(d->getstate() == codecs::DecoderState{b("\xf0\x9f\x98"), 0});
  CHECK(d->decode(b("\x80"s + "b").span()) == u(U"\x1f600"s + U"b"));
  CHECK(d->getstate() == codecs::DecoderState{});
  CHECK(error_of([&] { d->decode(b("\xe2").span(), true); }) ==
        "UnicodeDecodeError: 'utf-8' codec can't decode byte 0xe2 in position 0: unexpected end "
        "of data");

  // Positions count from the first byte held back.
  auto e = codecs::lookup("utf-8").incremental_decoder("strict");
  e->decode(b("ab\xe2\x82").span());
  try {
    e->decode(b("\xffz").span());
    FAIL("no error");
  } catch (const codecs::UnicodeDecodeError& error) {
    CHECK(std::string(error.what()) ==
          "'utf-8' codec can't decode bytes in position 0-1: invalid continuation byte");
    CHECK(error.object() == b("\xe2\x82\xffz"));
    CHECK(error.start() == 0);
    CHECK(error.end() == 2);
  }
  CHECK(e->getstate() == codecs::DecoderState{b("\xe2\x82"), 0});  // unchanged by the error

  // The start of an encoded surrogate waits for its third byte (surrogatepass may take it).
  auto s = codecs::lookup("utf-8").incremental_decoder("surrogatepass");
  CHECK(s->decode(b("ab\xed\xa0").span()) == u(U"ab"));
  CHECK(s->decode(b("\x80").span()) == u(U"\xd800"));
}

TEST_CASE("codecs: every split of multi-byte text decodes to the same text") {
  struct Case {
    std::string_view encoding;
    std::string data;
  };
  Str expected = u(U"a\xe9\x20ac\x1f600z");
  for (const Case& c : {Case{"utf-8", enc(U"a\xe9\x20ac\x1f600z", "utf-8")},
                        Case{"utf-8-sig", enc(U"a\xe9\x20ac\x1f600z", "utf-8-sig")},
                        Case{"utf-16", enc(U"a\xe9\x20ac\x1f600z", "utf-16")},
                        Case{"utf-16-be", enc(U"a\xe9\x20ac\x1f600z", "utf-16-be")},
                        Case{"utf-32", enc(U"a\xe9\x20ac\x1f600z", "utf-32")},
                        Case{"utf-32-be", enc(U"a\xe9\x20ac\x1f600z", "utf-32-be")}}) {
    for (std::size_t i = 0; i <= c.data.size(); ++i) {
      for (std::size_t j = i; j <= c.data.size(); ++j) {
        CAPTURE(c.encoding);
        CAPTURE(i);
        CAPTURE(j);
        auto d = codecs::lookup(c.encoding).incremental_decoder("strict");
        Str text = d->decode(b(c.data.substr(0, i)).span());
        // Save and restore the state in a new decoder mid-stream, as tell()/seek() do.
        auto again = codecs::lookup(c.encoding).incremental_decoder("strict");
        again->setstate(d->getstate());
        text.append(again->decode(b(c.data.substr(i, j - i)).span()));
        text.append(again->decode(b(c.data.substr(j)).span(), true));
        CHECK(text == expected);
      }
    }
  }
}

TEST_CASE("codecs: incremental utf-16 and utf-32 need a BOM; getstate tells the byte order") {
  auto d = codecs::lookup("utf-16").incremental_decoder("strict");
  CHECK(d->decode(b("\xff").span()).empty());
  CHECK(d->getstate() == codecs::DecoderState{b("\xff"), 2});
  CHECK(d->decode(b("\xfe"s + "a\x00\x3d"s).span()) == u(U"a"));
  CHECK(d->getstate() == codecs::DecoderState{b("\x3d"), 0});
  CHECK(d->decode(b("\xd8\x00"s).span()).empty());
  CHECK(d->getstate() == codecs::DecoderState{b("\x3d\xd8\x00"s), 0});
  CHECK(d->decode(b("\xde").span(), true) == u(U"\x1f600"));

  auto be = codecs::lookup("utf-16").incremental_decoder("strict");
  CHECK(be->decode(b("\xfe\xff\x00"s + "a"s).span()) == u(U"a"));
  CHECK(be->getstate() == codecs::DecoderState{Bytes(), 1});

  auto none = codecs::lookup("utf-16").incremental_decoder("strict");
  CHECK(error_of([&] { none->decode(b("a\x00"s).span()); }) ==
        "UnicodeError: UTF-16 stream does not start with BOM");
  CHECK(none->getstate() == codecs::DecoderState{Bytes(), 2});
  auto none32 = codecs::lookup("utf-32").incremental_decoder("strict");
  CHECK(error_of([&] { none32->decode(b("a\x00\x00\x00"s).span()); }) ==
        "UnicodeError: UTF-32 stream does not start with BOM");

  auto replace = codecs::lookup("utf-16").incremental_decoder("replace");
  CHECK(replace->decode(b("a").span(), true) == u(U"\xfffd"));
}

TEST_CASE("codecs: the utf-8-sig decoder decides about the BOM once") {
  auto d = codecs::lookup("utf-8-sig").incremental_decoder("strict");
  CHECK(d->decode(b("\xef").span()).empty());
  CHECK(d->getstate() == codecs::DecoderState{b("\xef"), 1});
  CHECK(d->decode(b("\xbb").span()).empty());
  CHECK(d->getstate() == codecs::DecoderState{b("\xef\xbb"), 1});
  CHECK(d->decode(b("\xbf"s + "a").span()) == u(U"a"));
  CHECK(d->getstate() == codecs::DecoderState{Bytes(), 0});
  CHECK(d->decode(b("\xef\xbb\xbf").span()) == u(U"\xfeff"));

  // A failed decode still counts as the decision, as in CPython.
  auto x = codecs::lookup("utf-8-sig").incremental_decoder("strict");
  CHECK(error_of([&] { x->decode(b("\xef"s + "a").span()); }) ==
        "UnicodeDecodeError: 'utf-8' codec can't decode byte 0xef in position 0: invalid "
        "continuation byte");
  CHECK(x->getstate() == codecs::DecoderState{Bytes(), 0});
}

TEST_CASE("codecs: incremental encoders write the BOM once") {
  auto e16 = codecs::lookup("utf-16").incremental_encoder("strict");
  CHECK(e16->getstate() == 2);
  CHECK(e16->encode(u(U"a")).view() == "\xff\xfe"s + "a\x00"s);
  CHECK(e16->getstate() == 0);
  CHECK(e16->encode(u(U"b")).view() == "b\x00"s);
  e16->setstate(2);
  CHECK(e16->encode(u(U"c")).view() == "\xff\xfe"s + "c\x00"s);
  // After the BOM, errors name the order used.
  CHECK(error_of([&] { e16->encode(u(U"\xd800")); }) ==
        "UnicodeEncodeError: 'utf-16-le' codec can't encode character '\\ud800' in position 0: "
        "surrogates not allowed");

  auto sig = codecs::lookup("utf-8-sig").incremental_encoder("strict");
  CHECK(sig->getstate() == 1);
  CHECK(sig->encode(u(U"a")).view() == "\xef\xbb\xbf"s + "a");
  CHECK(sig->getstate() == 0);
  CHECK(sig->encode(u(U"b")).view() == "b");

  auto e32 = codecs::lookup("utf-32").incremental_encoder("strict");
  CHECK(e32->encode(Str()).view() == "\xff\xfe\x00\x00"s);
  CHECK(e32->getstate() == 0);

  auto latin = codecs::lookup("latin-1").incremental_decoder("strict");
  latin->setstate({b("abc"), 1});
  CHECK(latin->getstate() == codecs::DecoderState{});
}

TEST_CASE("codecs: the locale encoding is settable") {
  CHECK(codecs::locale_encoding() == "UTF-8");
  codecs::set_locale_encoding("cp1252");
  CHECK(codecs::locale_encoding() == "cp1252");
  codecs::set_locale_encoding("UTF-8");
}
