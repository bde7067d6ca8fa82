// bl::script::tokenize against CPython 3.11: tokens as tokenize.generate_tokens lists them
// (trivia mode) or as the parser gets them, and SyntaxErrors as compile(src, 'snippet.py',
// 'exec') raises them (msg, lineno, offset, text, end_lineno, end_offset printed by python3).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "script/tokenizer.hpp"

namespace {

using bl::script::Token;
using bl::script::tokenize;

// "KIND:text@line,col-line,col" per token.
std::vector<std::string> show(std::string_view src, bool trivia = false) {
  std::vector<std::string> out;
  for (const Token& t : tokenize(src, "snippet.py", {.trivia = trivia})) {
    out.push_back(std::string(bl::script::token_kind_name(t.kind)) + ":" + std::string(t.text) +
                  "@" + std::to_string(t.line) + "," + std::to_string(t.col) + "-" +
                  std::to_string(t.end_line) + "," + std::to_string(t.end_col));
  }
  return out;
}

struct Expected {
  std::string type, msg;
  int lineno, offset;
  std::string text;
  int end_lineno, end_offset;
};

void check_error(std::string_view src, const Expected& want) {
  CAPTURE(src);
  try {
    tokenize(src, "snippet.py");
    FAIL("no SyntaxError");
  } catch (const bl::script::SyntaxError& e) {
    CHECK(std::string(e.type_name()) == want.type);
    CHECK(e.msg() == want.msg);
    CHECK(e.filename() == "snippet.py");
    CHECK(e.lineno() == want.lineno);
    CHECK(e.offset() == want.offset);
    CHECK(e.text() == want.text);
    CHECK(e.end_lineno() == want.end_lineno);
    CHECK(e.end_offset() == want.end_offset);
  }
}

}  // namespace

TEST_CASE("tokenizer: indentation, NEWLINE and the implicit last newline") {
  using V = std::vector<std::string>;
  CHECK(show("if x:\n  y") ==
        V{"NAME:if@1,0-1,2", "NAME:x@1,3-1,4", "OP::@1,4-1,5", "NEWLINE:\n@1,5-1,6",
          "INDENT:  @2,0-2,2", "NAME:y@2,2-2,3", "NEWLINE:@2,3-2,4", "DEDENT:@3,0-3,0",
          "ENDMARKER:@3,0-3,0"});
  CHECK(show("if x:\n  y\n# c", true) ==
        V{"NAME:if@1,0-1,2", "NAME:x@1,3-1,4", "OP::@1,4-1,5", "NEWLINE:\n@1,5-1,6",
          "INDENT:  @2,0-2,2", "NAME:y@2,2-2,3", "NEWLINE:\n@2,3-2,4", "COMMENT:# c@3,0-3,3",
          "NL:@3,3-3,3", "DEDENT:@4,0-4,0", "ENDMARKER:@4,0-4,0"});
  // Blank and comment-only lines give no INDENT or NEWLINE; without trivia, nothing at all.
  CHECK(show("x\n\n   # c\n  \ny\n") ==
        V{"NAME:x@1,0-1,1", "NEWLINE:\n@1,1-1,2", "NAME:y@5,0-5,1", "NEWLINE:\n@5,1-5,2",
          "ENDMARKER:@6,0-6,0"});
  CHECK(show("") == V{"ENDMARKER:@1,0-1,0"});
  CHECK(show("x\n   ") == V{"NAME:x@1,0-1,1", "NEWLINE:\n@1,1-1,2", "ENDMARKER:@2,0-2,0"});
  // Tabs go to multiples of 8; a form feed resets the column.
  CHECK(show("if a:\n\tif b:\n\t\tc\n\td\n").size() == 17);  // as tokenize lists it
  CHECK(show("x\n\f  y\n")[2] == "INDENT:\f  @2,0-2,3");
}

TEST_CASE("tokenizer: brackets, continuations and operators") {
  using V = std::vector<std::string>;
  CHECK(show("(1,\n  # c\n 2)\n", true) ==
        V{"OP:(@1,0-1,1", "NUMBER:1@1,1-1,2", "OP:,@1,2-1,3", "NL:\n@1,3-1,4",
          "COMMENT:# c@2,2-2,5", "NL:\n@2,5-2,6", "NUMBER:2@3,1-3,2", "OP:)@3,2-3,3",
          "NEWLINE:\n@3,3-3,4", "ENDMARKER:@4,0-4,0"});
  CHECK(show("x = 1 \\\n  + 2") ==
        V{"NAME:x@1,0-1,1", "OP:=@1,2-1,3", "NUMBER:1@1,4-1,5", "OP:+@2,2-2,3",
          "NUMBER:2@2,4-2,5", "NEWLINE:@2,5-2,6", "ENDMARKER:@3,0-3,0"});
  std::vector<std::string> ops;
  for (const Token& t : tokenize("**= //= >>= <<= ... := -> @= @ != <> ** // $", "s")) {
    if (t.kind == Token::Kind::op) ops.emplace_back(t.text);
  }
  CHECK(ops == V{"**=", "//=", ">>=", "<<=", "...", ":=", "->", "@=", "@", "!=", "<>", "**",
                 "//", "$"});
}

TEST_CASE("tokenizer: names, numbers and strings") {
  using V = std::vector<std::string>;
  CHECK(show("\xEF\xBB\xBFna\xC3\xAFve = \xE5\x90\x8D") ==
        V{"NAME:na\xC3\xAFve@1,0-1,5", "OP:=@1,6-1,7", "NAME:\xE5\x90\x8D@1,8-1,9",
          "NEWLINE:@1,9-1,10", "ENDMARKER:@2,0-2,0"});
  std::vector<std::string> numbers;
  for (const Token& t : tokenize("0 00 0_0 0x_1F 0o17 0b1_0 1. .5 1e-5 1_0.0_1e1_0j 09.5 09j 1if",
                                 "s")) {
    if (t.kind == Token::Kind::number) numbers.emplace_back(t.text);
  }
  CHECK(numbers == V{"0", "00", "0_0", "0x_1F", "0o17", "0b1_0", "1.", ".5", "1e-5",
                     "1_0.0_1e1_0j", "09.5", "09j", "1"});
  CHECK(show("rB'a' f\"{x}\" '''a\nb''' u'\\'' b'\\\nc'") ==
        V{"STRING:rB'a'@1,0-1,5", "STRING:f\"{x}\"@1,6-1,12", "STRING:'''a\nb'''@1,13-2,4",
          "STRING:u'\\''@2,5-2,10", "STRING:b'\\\nc'@2,11-3,2", "NEWLINE:@3,2-3,3",
          "ENDMARKER:@4,0-4,0"});
  CHECK(show("ur'x'")[0] == "NAME:ur@1,0-1,2");
}

TEST_CASE("tokenizer: string and bracket errors") {
  check_error("x = 1\ny = 'abc\nz=2", {"SyntaxError", "unterminated string literal (detected at line 2)",
                                      2, 5, "y = 'abc", 2, 5});
  check_error("x = '''\nab", {"SyntaxError",
                              "unterminated triple-quoted string literal (detected at line 2)",
                              1, 5, "x = '''", 1, 5});
  check_error("x = (1,\n2", {"SyntaxError", "'(' was never closed", 1, 5, "x = (1,", 1, 0});
  check_error("f(**\n", {"SyntaxError", "'(' was never closed", 1, 2, "f(**\n", 1, 0});
  check_error("\xC3\xA9 = ')'; )", {"SyntaxError", "unmatched ')'", 1, 10, "\xC3\xA9 = ')'; )", 1, 10});
  check_error("x = (1,\n2]", {"SyntaxError",
                              "closing parenthesis ']' does not match opening parenthesis '(' "
                              "on line 1",
                              2, 2, "2]", 2, 2});
  check_error(std::string(201, '['), {"SyntaxError", "too many nested parentheses", 1, 201,
                                      std::string(201, '['), 1, 201});
}

TEST_CASE("tokenizer: continuation, character and number errors") {
  check_error("a \\\n b \\\n c \\ d",
              {"SyntaxError", "unexpected character after line continuation character", 3, 14,
               "a \\\n b \\\n c \\ d\n", 3, 0});
  check_error("yy = \xC3\xA9 + \\", {"SyntaxError", "unexpected EOF while parsing", 1, 12,
                                     "yy = \xC3\xA9 + \\\n", 1, -1});
  check_error("x\xE2\x82\xAC", {"SyntaxError", "invalid character '\xE2\x82\xAC' (U+20AC)", 1, 2,
                                "x\xE2\x82\xAC", 1, 2});
  check_error("a\xC2\xA0" "b", {"SyntaxError", "invalid non-printable character U+00A0", 1, 2,
                             "a\xC2\xA0" "b", 1, 2});
  check_error("x = \x01", {"SyntaxError", "invalid non-printable character U+0001", 1, 5,
                           "x = \x01", 1, 5});
  check_error("ab\xFF" "c = 2", {"SyntaxError",
                                 "(unicode error) 'utf-8' codec can't decode byte 0xff in "
                                 "position 2: invalid start byte",
                                 1, 4, "ab\xEF\xBF\xBD" "c = 2\n", 1, -1});
  check_error("1__2", {"SyntaxError", "invalid decimal literal", 1, 2, "1__2", 1, 2});
  check_error("1e", {"SyntaxError", "invalid decimal literal", 1, 1, "1e", 1, 1});
  check_error("0xfg", {"SyntaxError", "invalid hexadecimal literal", 1, 3, "0xfg", 1, 3});
  check_error("0o19", {"SyntaxError", "invalid digit '9' in octal literal", 1, 4, "0o19", 1, 4});
  check_error("0b1_", {"SyntaxError", "invalid binary literal", 1, 4, "0b1_", 1, 4});
  check_error("1j_", {"SyntaxError", "invalid imaginary literal", 1, 2, "1j_", 1, 2});
  check_error("\xC3\xA9 = 012", {"SyntaxError",
                                 "leading zeros in decimal integer literals are not permitted; "
                                 "use an 0o prefix for octal integers",
                                 1, 6, "\xC3\xA9 = 012", 1, 7});
  CHECK_THROWS_WITH_AS(tokenize(std::string_view("x\0", 2), "snippet.py"),
                       "source code string cannot contain null bytes",
                       bl::script::SyntaxError);
}

TEST_CASE("tokenizer: indentation errors") {
  check_error("if x:\n\tpass\n        pass\n",
              {"TabError", "inconsistent use of tabs and spaces in indentation", 3, 1,
               "        pass\n", 3, 0});
  check_error("if x:\n    a\n  b\xC3\xA9\xC3\xA9 = 5\n",
              {"IndentationError", "unindent does not match any outer indentation level", 3, 12,
               "  b\xC3\xA9\xC3\xA9 = 5\n", 3, -1});
  std::string deep = "if 1:\n";
  for (int i = 1; i <= 100; ++i) deep += std::string(i, ' ') + "if 1:\n";
  check_error(deep, {"IndentationError", "too many levels of indentation", 101, 1,
                     std::string(100, ' ') + "if 1:\n", 101, 0});
  try {
    tokenize("if x:\n\tpass\n        pass\n", "dir/snippet.py");
  } catch (const bl::script::IndentationError& e) {
    CHECK(std::string(e.what()) ==
          "inconsistent use of tabs and spaces in indentation (snippet.py, line 3)");
  }
}
