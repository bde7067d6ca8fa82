// SyntaxError, IndentationError and TabError: the exceptions compile() raises for bad source.
//
// They carry what CPython's SyntaxError carries: msg, filename, lineno, offset (1-based, in
// characters -- or, where CPython 3.11 reports a byte offset, in bytes, as it does), text (the
// source line), end_lineno and end_offset. Each location field may be None in Python, hence
// std::optional; an empty filename stands for None. what() is str(e):
// `msg (snippet.py, line 3)`.
#pragma once

#include <optional>
#include <string>

#include "os/errors.hpp"

namespace bl::script {

// Where a SyntaxError points: the fields after msg and filename, as Python names them.
struct SyntaxErrorLocation {
  std::optional<int> lineno;
  std::optional<int> offset;
  std::optional<std::string> text;
  std::optional<int> end_lineno;
  std::optional<int> end_offset;
};

class SyntaxError : public Exception {
 public:
  SyntaxError(std::string msg, std::string filename, SyntaxErrorLocation where);
  std::string_view type_name() const noexcept override { return "SyntaxError"; }

  const std::string& msg() const { return msg_; }
  const std::string& filename() const { return filename_; }
  const std::optional<int>& lineno() const { return where_.lineno; }
  const std::optional<int>& offset() const { return where_.offset; }
  const std::optional<std::string>& text() const { return where_.text; }
  const std::optional<int>& end_lineno() const { return where_.end_lineno; }
  const std::optional<int>& end_offset() const { return where_.end_offset; }

 private:
  std::string msg_;
  std::string filename_;
  SyntaxErrorLocation where_;
};

BL_PY_EXCEPTION(IndentationError, SyntaxError)
BL_PY_EXCEPTION(TabError, IndentationError)

}  // namespace bl::script
