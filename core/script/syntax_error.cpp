#include "script/syntax_error.hpp"

namespace bl::script {

namespace {

// str(SyntaxError): the message, then "(file, line N)" with the file's base name, as
// CPython's SyntaxError.__str__ writes it.
std::string describe(const std::string& msg, const std::string& filename,
                     const std::optional<int>& lineno) {
  const std::size_t slash = filename.find_last_of('/');
  const std::string base = slash == std::string::npos ? filename : filename.substr(slash + 1);
  if (!filename.empty() && lineno) return msg + " (" + base + ", line " + std::to_string(*lineno) + ")";
  if (!filename.empty()) return msg + " (" + base + ")";
  if (lineno) return msg + " (line " + std::to_string(*lineno) + ")";
  return msg;
}

}  // namespace

SyntaxError::SyntaxError(std::string msg, std::string filename, SyntaxErrorLocation where)
    : Exception(describe(msg, filename, where.lineno)),
      msg_(std::move(msg)),
      filename_(std::move(filename)),
      where_(std::move(where)) {}

}  // namespace bl::script
