// The tokenizer of bl::script: Python 3.11 source -> tokens, as CPython's C tokenizer hands
// them to the parser, and (with trivia) as the `tokenize` module lists them.
//
// Tokens are views into the source, which must outlive them. Lines are 1-based, columns
// 0-based in code points (as tokenize reports them). Bad source raises SyntaxError,
// IndentationError or TabError with CPython's message and location (see README.md for the
// errors the tokenizer owns).
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "script/syntax_error.hpp"

namespace bl::script {

struct Token {
  // Named as in Python's token module (comment and nl only with trivia).
  enum class Kind : std::uint8_t {
    name, number, string, op, newline, indent, dedent, endmarker, comment, nl
  };
  Kind kind;
  std::string_view text;
  int line, col, end_line, end_col;
};

// "NAME", "NUMBER", ... as token.tok_name spells them.
std::string_view token_kind_name(Token::Kind kind);

struct TokenizeOptions {
  // Also produce COMMENT and NL tokens (the tokenize module's view); the parser wants false.
  bool trivia = false;
};

// Tokenizes all of `source` (UTF-8; a leading BOM is skipped). `filename` goes into errors.
std::vector<Token> tokenize(std::string_view source, std::string_view filename,
                            TokenizeOptions options = {});

}  // namespace bl::script
