// bl_tokenize_driver CASES.jsonl RESULTS.jsonl
//
// Tokenizes sources (written by tokenize_diff.py) with bl::script::tokenize in trivia mode
// and writes one result line per case:
//
//   case:   {"source": HEX}                      the source's bytes in hex
//   result: {"results": [TOKEN, ...]}            [TYPE, STRING, [LINE, COL], [LINE, COL]]
//       or  {"results": [{"exc": TYPE, "msg": MSG, "lineno": N, "offset": N, "text": TEXT,
//                         "end_lineno": N, "end_offset": N}]}   (null for a missing field)
#include <nlohmann/json.hpp>
#include <string>

#include "case_main.hpp"
#include "script/tokenizer.hpp"

namespace {

using json = nlohmann::json;

std::string from_hex(const std::string& hex) {
  std::string out(hex.size() / 2, '\0');
  for (std::size_t i = 0; i < out.size(); ++i) {
    out[i] = static_cast<char>(std::stoi(hex.substr(2 * i, 2), nullptr, 16));
  }
  return out;
}

template <class T>
json optional_value(const std::optional<T>& v) {
  return v ? json(*v) : json(nullptr);
}

}  // namespace

int main(int argc, char** argv) {
  return bl::diff::run_case_file(argc, argv, "bl_tokenize_driver", [](const json& c) {
    const std::string source = from_hex(c["source"].get<std::string>());
    json results = json::array();
    try {
      for (const auto& t : bl::script::tokenize(source, "snippet.py", {.trivia = true})) {
        results.push_back(json::array({std::string(bl::script::token_kind_name(t.kind)),
                                       std::string(t.text), json::array({t.line, t.col}),
                                       json::array({t.end_line, t.end_col})}));
      }
    } catch (const bl::script::SyntaxError& e) {
      results = json::array({json{{"exc", std::string(e.type_name())},
                                  {"msg", e.msg()},
                                  {"lineno", optional_value(e.lineno())},
                                  {"offset", optional_value(e.offset())},
                                  {"text", optional_value(e.text())},
                                  {"end_lineno", optional_value(e.end_lineno())},
                                  {"end_offset", optional_value(e.end_offset())}}});
    }
    return results;
  });
}
